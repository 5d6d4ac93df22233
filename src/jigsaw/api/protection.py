"""Is the child on a child protection plan or looked after? The CP-IS flag, for ``$person-info-query``.

CP-IS shows an unscheduled-care clinician that a child is on a child protection plan or looked
after, the plan's type and dates, and the responsible local authority to call (NHS England,
Child Protection - Information Sharing; docs/notices.md). The draft MAIS data-exchange standard
(v0.3) returns only ``match`` and ``contact``, and names such a "State" as later work, so the
flag travels as a namespaced extension on the ``match`` parameter, which a client that does not
know it may ignore (FHIR's rule for extensions):

    {"name": "match", "valueBoolean": true, "extension": [{
        "url": "<base>/fhir/r4/StructureDefinition/child-protection-status",
        "extension": [{"url": "status", "valueCoding": {"system": "<base>/fhir/r4/CodeSystem/
                        child-protection-status", "code": "child-protection-plan", ...}},
                      {"url": "start", "valueDate": "2025-01-02"}]}]}

The state comes from the child's merged chronology, as the rules read it
(:mod:`jigsaw.rules.conditions`): the latest ``cp_plan_start`` with no ``cp_plan_end`` on or
after it is a current plan; likewise ``looked_after_start`` and ``looked_after_end``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import connections
from django.utils import timezone

from jigsaw.records import sql

#: state -> (start type, end type, code, display)
STATES: dict[str, tuple[str, str, str, str]] = {
    "child_protection_plan": ("cp_plan_start", "cp_plan_end", "child-protection-plan",
                              "Child protection plan"),
    "looked_after": ("looked_after_start", "looked_after_end", "looked-after", "Looked after child"),
}
_TYPES = [t for start, end, _c, _d in STATES.values() for t in (start, end)]


def extension_url() -> str:
    return f"{settings.JIGSAW_API_BASE_URL}/fhir/r4/StructureDefinition/child-protection-status"


def code_system() -> str:
    return f"{settings.JIGSAW_API_BASE_URL}/fhir/r4/CodeSystem/child-protection-status"


#: the child's plan and care events, as the queryset ``Event.objects.filter(person__link__person_id=…,
#: event_type__in=_TYPES, occurred_at__lte=now)`` compiled, written out (less the join to the
#: record, which the non-null foreign key makes redundant): compiling it cost more than running it
_EVENTS = ("SELECT e.event_type, e.occurred_at, e.source_system_id FROM records_event e "
           "INNER JOIN signpost_recordlink l ON e.person_id = l.record_id "
           "WHERE e.event_type IN ({ids}) AND e.occurred_at <= %s AND l.person_id = %s")


@dataclass(frozen=True)
class State:
    """One current state of the child: its name (a key of STATES) and since when."""

    name: str
    since: date
    #: the source system that recorded the start: its agency is responsible for the child (CP-IS
    #: names the local authority) when no allocated social worker is known
    recorded_by: int | None = None


def current_states(person_id: int, using: str = "default", now: datetime | None = None) -> list[State]:
    """The child's current plan and care states, from the chronology (one query)."""
    now = now or timezone.now()
    connection = connections[using]
    rows = sql.read(_EVENTS, _TYPES, using, [connection.ops.adapt_datetimefield_value(now), person_id])
    starts: dict[str, date] = {}
    ends: dict[str, date] = {}
    recorded_by: dict[str, int] = {}
    for event_type, at, system in rows:
        day = timezone.localtime(sql.as_datetime(at)).date()
        book = starts if event_type.endswith("_start") else ends
        if day > book.get(event_type, date.min):
            book[event_type] = day
            recorded_by[event_type] = system
    out = []
    for name, (start, end, _code, _display) in STATES.items():
        began = starts.get(start)
        if began is not None and ends.get(end, date.min) < began:
            out.append(State(name, began, recorded_by.get(start)))
    return out


def extension(states: list[State]) -> list[dict[str, Any]]:
    """The ``match`` parameter's extensions for these states (none: an empty list)."""
    out = []
    for state in states:
        _start, _end, code, display = STATES[state.name]
        out.append({"url": extension_url(), "extension": [
            {"url": "status", "valueCoding": {"system": code_system(), "code": code, "display": display}},
            {"url": "start", "valueDate": state.since.isoformat()}]})
    return out
