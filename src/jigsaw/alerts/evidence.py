"""The evidence an unscheduled-care notice carries: which setting, when, and the presenting complaint.

CP-IS tells the responsible local authority *where and when* a child on a plan or looked after
was seen in unscheduled care (NHS England, Child Protection - Information Sharing: the access
notification names the care setting and the time of the access; see docs/notices.md). A rule's
explanation is the same text for every alert it raises, so for the notice rules the attendances
themselves are written under it, one line each, from the events the alert holds: the setting's
agency and source system, the date and time (UK time), the kind of setting, and the presenting
complaint when the feed sent one. The lines are rebuilt whenever the alert gains events, so an
open notice lists every attendance since it was raised.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from jigsaw.alerts.models import Alert
from jigsaw.feeds import UNSCHEDULED_CARE
from jigsaw.records.models import Event

#: Rules whose alerts are unscheduled-care notices (CP-IS).
NOTICE_RULES: frozenset[str] = frozenset({"R04c"})
MARK = "\n\nAttendances (CP-IS evidence):"
_SETTING = {"ed_attendance": "emergency department"}
_CHUNK = 400


def _line(row: dict) -> str:
    when = timezone.localtime(row["occurred_at"]).strftime("%-d %b %Y %H:%M")
    where = row["source_system__agency__name"] or row["source_system__name"] or row["source_system__code"]
    details = row["details"] if isinstance(row["details"], dict) else {}
    setting = _SETTING.get(row["event_type"]) or str(details.get("setting") or "urgent care")
    setting = setting.replace("_", " ")
    complaint = details.get("presenting_complaint")
    said = f"; presenting complaint: {str(complaint)[:300]}" if complaint else ""
    return f"{when}, {where} ({row['source_system__code']}), {setting}{said}"


def attendances(keys: Collection[str], using: str) -> dict[str, tuple[datetime, str]]:
    """``source_system:event_id`` -> (when, evidence line) for the unscheduled-care events among
    ``keys``."""
    pairs = sorted({tuple(k.split(":", 1)) for k in keys if ":" in k})
    out: dict[str, tuple[datetime, str]] = {}
    for start in range(0, len(pairs), _CHUNK):
        part = pairs[start:start + _CHUNK]
        wanted = Q()
        for code, event_id in part:
            wanted |= Q(source_system__code=code, record_key=event_id)  # its key (models.Event)
        rows = (Event.objects.using(using).filter(wanted, event_type__in=UNSCHEDULED_CARE)
                .values("source_system__code", "source_system__name", "source_system__agency__name",
                        "event_id", "event_type", "occurred_at", "details"))
        for row in rows:
            out[f"{row['source_system__code']}:{row['event_id']}"] = (row["occurred_at"], _line(row))
    return out


def attach(persons: Collection[int] | None, using: str = "default") -> int:
    """Write the attendances under the open notices of ``persons`` (everyone's: None); how many
    alerts changed. Running it again changes nothing."""
    alerts = Alert.objects.using(using).filter(rule_id__in=NOTICE_RULES).exclude(status=Alert.CLOSED)
    if persons is not None:
        alerts = alerts.filter(people__in=list(persons)).distinct()
    found = list(alerts.only("pk", "event_keys", "explanation"))
    lines = attendances({k for a in found for k in a.event_keys}, using)
    changed = []
    for alert in found:
        mine = [line for _when, line in sorted(lines[k] for k in set(alert.event_keys) if k in lines)]
        text = alert.explanation.split(MARK)[0] + (MARK + "".join(f"\n- {x}" for x in mine) if mine else "")
        if text != alert.explanation:
            alert.explanation = text
            changed.append(alert)
    Alert.objects.using(using).bulk_update(changed, ["explanation"], batch_size=500)
    return len(changed)
