"""Figures across children (counts only, no child): disagreements and their time to resolution.

The sharing decisions per agency are :func:`jigsaw.practice.sharing.per_agency`; attendance is
:func:`jigsaw.practice.attendance.attendance_rows`; record quality is
:func:`jigsaw.practice.quality.counts`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from statistics import median

from .escalation import STAGES
from .models import Disagreement, DisagreementStep


def disagreement_figures(since: date | None, until: date | None, using: str = "default") -> dict[str, object]:
    """Raised, open by stage, resolved by stage, self-escalations, and days to resolution."""
    rows = Disagreement.objects.using(using).all()
    if since:
        rows = rows.filter(recorded_at__gte=datetime.combine(since, time.min, tzinfo=UTC))
    if until:
        rows = rows.filter(recorded_at__lt=datetime.combine(until, time.max, tzinfo=UTC))
    open_by_stage = dict.fromkeys(STAGES, 0)
    resolved_by_stage = dict.fromkeys(STAGES, 0)
    days: list[float] = []
    for status, stage, raised, resolved in rows.values_list("status", "stage", "recorded_at", "resolved_at"):
        if status == Disagreement.OPEN:
            open_by_stage[stage] = open_by_stage.get(stage, 0) + 1
        else:
            resolved_by_stage[stage] = resolved_by_stage.get(stage, 0) + 1
            if resolved is not None:
                days.append((resolved - raised).total_seconds() / 86400)
    timed_out = (
        DisagreementStep.objects.using(using)
        .filter(disagreement__in=rows, step=DisagreementStep.TIMED_OUT)
        .count()
    )
    return {
        "raised": sum(open_by_stage.values()) + sum(resolved_by_stage.values()),
        "open": sum(open_by_stage.values()),
        "resolved": sum(resolved_by_stage.values()),
        "open_by_stage": open_by_stage,
        "resolved_by_stage": resolved_by_stage,
        "escalated_by_timer": timed_out,
        "days_to_resolution": {
            "median": round(median(days), 1) if days else None,
            "mean": round(sum(days) / len(days), 1) if days else None,
            "longest": round(max(days), 1) if days else None,
        },
    }
