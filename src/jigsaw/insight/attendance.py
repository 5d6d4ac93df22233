"""Multi-agency attendance at child protection conferences and core groups, per agency.

Working Together to Safeguard Children 2023 expects the agencies working with a child to attend
(or report to) the initial and review conferences and the core group. Attendance is read from
the events that carry their attendees: a ``cp_conference`` event's ``details.attendees`` (a list of
``{"agency": ..., "attended": true|false}``), or a core group recorded as an event with
``details.meeting = "core_group"``.

:func:`meetings` is the one place attendance comes from. The ``practice`` app's multi-agency
meetings (with their invitations and attendance) join in :func:`_practice_meetings`, so every
report above (page, CSV, board report) counts them too.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass

from django.db import connections


@dataclass(frozen=True)
class Meeting:
    kind: str  # "Child protection conference" or "Core group"
    invited: tuple[tuple[str, bool], ...]  # (agency, attended)


def _from_events(using: str) -> list[Meeting]:
    out = []
    with connections[using].cursor() as cur:
        cur.execute("SELECT event_type, details FROM records_event WHERE event_type = 'cp_conference'")
        rows = cur.fetchall()
    for _kind, details in rows:
        d = details if isinstance(details, dict) else json.loads(details or "{}")
        attendees = d.get("attendees")
        if not isinstance(attendees, list):
            continue
        invited = tuple(
            (str(a.get("agency") or "Not recorded")[:120], bool(a.get("attended")))
            for a in attendees
            if isinstance(a, dict)
        )
        kind = "Core group" if d.get("meeting") == "core_group" else "Child protection conference"
        if invited:
            out.append(Meeting(kind, invited))
    return out


#: the practice app's meeting kinds, named as the event-based meetings above are
_PRACTICE_KINDS = {"cp_conference": "Child protection conference", "core_group": "Core group",
                   "strategy_discussion": "Strategy discussion"}


def _practice_meetings(using: str) -> list[Meeting]:
    """Meetings convened in Jigsaw (:mod:`jigsaw.practice`) whose attendance has been recorded."""
    from jigsaw.practice.models import Invitation

    invited: dict[int, list[tuple[str, bool]]] = defaultdict(list)
    kinds: dict[int, str] = {}
    rows = (Invitation.objects.using(using).filter(meeting__attendance_recorded=True)
            .values_list("meeting_id", "meeting__kind", "agency__name", "attended")
            .order_by("meeting_id", "pk"))
    for meeting, kind, agency, attended in rows:
        kinds[meeting] = _PRACTICE_KINDS.get(kind, kind)
        invited[meeting].append((agency[:120], bool(attended)))
    return [Meeting(kinds[m], tuple(invited[m])) for m in sorted(invited)]


def meetings(using: str) -> list[Meeting]:
    """Every meeting with its invited agencies and who attended."""
    return _from_events(using) + _practice_meetings(using)


def by_agency(using: str) -> list[tuple[str, str, int, int]]:
    """(meeting kind, agency, invited, attended), sorted."""
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for m in meetings(using):
        for agency, attended in m.invited:
            counts[m.kind, agency][0] += 1
            counts[m.kind, agency][1] += int(attended)
    return sorted((k, a, n, y) for (k, a), (n, y) in counts.items())
