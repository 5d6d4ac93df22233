"""Meeting attendance by kind and agency, for the board's attendance figures (counts, no child).

``attendance_rows`` is the service the insight app reads: one row per meeting kind and invited
agency, over the meetings held in the period whose attendance has been recorded (a meeting not
yet written up counts neither way).
"""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q

from .models import Invitation, Meeting

KIND_LABELS = dict(Meeting.KINDS)


def attendance_rows(
    since: date | None, until: date | None, using: str = "default"
) -> list[dict[str, object]]:
    """``[{kind, kind_label, agency, invited, attended, meetings}]`` ordered by kind then agency."""
    rows = Invitation.objects.using(using).filter(meeting__attendance_recorded=True)
    if since:
        rows = rows.filter(meeting__held_on__gte=since)
    if until:
        rows = rows.filter(meeting__held_on__lte=until)
    grouped = (
        rows.order_by()
        .values("meeting__kind", "agency__name")
        .annotate(
            invited=Count("pk"),
            attended=Count("pk", filter=Q(attended=True)),
            meetings=Count("meeting", distinct=True),
        )
    )
    out = [
        {
            "kind": r["meeting__kind"],
            "kind_label": KIND_LABELS.get(r["meeting__kind"], r["meeting__kind"]),
            "agency": r["agency__name"],
            "invited": r["invited"],
            "attended": r["attended"],
            "meetings": r["meetings"],
        }
        for r in grouped
    ]
    return sorted(out, key=lambda r: (str(r["kind"]), str(r["agency"])))
