"""Who an alert is about and what it rests on, in words a hub officer can triage from.

For each person on a page of alerts: name, age, and the school and GP practice with a current
involvement (``Involvement.role`` "designated safeguarding lead" and "registered GP", as the
feeds record them). For each alert: its evidence as "what happened, when, which agency" from
the events themselves, never their keys. A protected person (:func:`jigsaw.signpost.gate.protected`)
is shown only as "a protected record", and their events are left out of the evidence.
Set-wise: a handful of queries per page, whatever the number of alerts on it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.utils import timezone

from jigsaw.feeds import LONDON, age_in_words, event_label
from jigsaw.records import sql
from jigsaw.signpost import gate
from jigsaw.signpost.names import people_names

#: Involvement roles (case-insensitive "contains") that name a child's school and GP practice.
SCHOOL_ROLES = ("designated safeguarding lead", "school")
GP_ROLES = ("registered gp", "general practi")


@dataclass(frozen=True)
class PersonLine:
    """One person on an alert, as the queue shows them."""

    person_id: int
    protected: bool = False
    name: str = ""
    age: str = ""
    school: str = ""
    gp: str = ""

    @property
    def shown(self) -> str:
        return gate.PROTECTED_RECORD if self.protected else (self.name or f"Person {self.person_id}")


@dataclass(frozen=True)
class EvidenceLine:
    """One event an alert rests on: when, which agency, what happened."""

    when: str
    agency: str
    what: str
    detail: str
    times: int = 1  # the same event recorded on this many records (one per person it involved)


#: Each current involvement (oldest first, so the latest school and GP win) of the people shown:
#: SQL, not querysets, as every alert page and the queue ask it (:mod:`jigsaw.records.sql`).
_PLACES = ("SELECT l.person_id, i.role, i.agency FROM records_involvement i "
           "INNER JOIN signpost_recordlink l ON i.person_id = l.record_id "
           "WHERE l.person_id IN ({ids}) AND i.ended_on IS NULL ORDER BY i.started_on, i.id")


#: An alert's events from one source system, found by (source system, record key): the events'
#: unique index, as an event's record key is its event id (``records.models.Event``).
_EVIDENCE = ("SELECT s.code, e.event_id, e.event_type, e.occurred_at, e.occurred_precision, e.summary, "
             "a.name, s.name, l.person_id FROM records_event e "
             "INNER JOIN records_sourcesystem s ON e.source_system_id = s.id "
             "LEFT OUTER JOIN records_agency a ON s.agency_id = a.id "
             "LEFT OUTER JOIN signpost_recordlink l ON e.person_id = l.record_id "
             "WHERE e.record_key IN ({ids}) AND s.code = %s")


def describe_people(person_ids: Iterable[int], using: str, today: date | None = None,
                    hidden: set[int] | None = None) -> dict[int, PersonLine]:
    """Name, age, school and GP of each person; a protected person as a protected record only.

    ``hidden``: the protected among exactly these people, when the caller has already asked the
    gate about them with others on its page (one question instead of two); else it is asked here.
    """
    ids = set(person_ids)
    if not ids:
        return {}
    today = today or timezone.localdate()
    hidden = gate.protected(ids, using) if hidden is None else hidden & ids
    shown = ids - hidden
    names = people_names(list(shown), using)
    places: dict[int, dict[str, str]] = defaultdict(dict)
    for pid, role, agency in sql.read(_PLACES, shown, using) if shown else ():
        role = role.casefold()
        if any(r in role for r in SCHOOL_ROLES):
            places[pid]["school"] = agency
        elif any(r in role for r in GP_ROLES):
            places[pid]["gp"] = agency
    out = {pid: PersonLine(pid, protected=True) for pid in hidden}
    for pid in shown:
        name, born, _variants = names.get(pid, ("", None, ()))
        out[pid] = PersonLine(pid, name=name, age=age_in_words(born, today),
                              school=places[pid].get("school", ""), gp=places[pid].get("gp", ""))
    return out


def _when(occurred: datetime, precision: str) -> str:
    if precision == "datetime":
        local = occurred.astimezone(LONDON)
        return f"{local.day} {local:%B %Y}, {local:%H:%M}"
    day = occurred.astimezone(UTC).date()
    if precision == "year":
        return f"{day.year} (uncertain)"
    if precision == "month":
        return f"{day:%B %Y} (uncertain)"
    return f"{day.day} {day:%B %Y}"


def evidence(event_keys: list[str], using: str, hidden: set[int] | None = None) -> list[EvidenceLine]:
    """The alert's events in words, in the alert's order; a hidden (protected) person's left out."""
    wanted: dict[str, list[str]] = defaultdict(list)
    for key in event_keys:
        code, _, event_id = key.partition(":")
        wanted[code].append(event_id)
    if not wanted:
        return []
    rows = [row for code, ids in wanted.items() for row in sql.read(_EVIDENCE, ids, using, [code])]
    hidden = hidden if hidden is not None else gate.protected({r[-1] for r in rows} - {None}, using)
    found = {}
    for code, event_id, event_type, occurred, precision, summary, agency, system, person in rows:
        if person is not None and person in hidden:  # None: not linked yet
            continue
        found[f"{code}:{event_id}"] = EvidenceLine(_when(sql.as_datetime(occurred), precision),
                                                   agency or system or code, event_label(event_type),
                                                   summary.strip())
    lines: list[EvidenceLine] = []
    for line in (found[k] for k in event_keys if k in found):
        if lines and lines[-1].what == line.what and lines[-1].when == line.when and (
                lines[-1].agency == line.agency and lines[-1].detail.startswith(line.detail)):
            times = lines[-1].times + 1  # one incident recorded on each person it involved
            lines[-1] = EvidenceLine(line.when, line.agency, line.what, line.detail, times)
        else:
            lines.append(line)
    return lines
