"""Who is, or was, working with a person: the signpost, never the case.

A signpost answers the question serious case reviews keep asking ("who else is working with this
child?") with the least data that answers it: agency, team, practitioner, role, how to reach them
and when. It never carries case detail -- no event types, no summaries, no judgements -- which is
what ContactPoint held and what CP-IS and the 2010 "signposting" proposal kept
(``research/anchors-signposting.md`` sections 1.1, 2 and 9.1).

Two sources feed it:

* ``involvements`` rows, which a source system sends to say "this practitioner or service works
  with this person" (with start and end dates);
* the practitioners named on ``events``, grouped per practitioner with the first and last event
  date, for systems that send no involvements (a GP record names who saw the child). The event
  itself is not shown: only that this practitioner was in contact between those dates.

Everything is read with two set-wise queries per call, whatever the number of people (no N+1),
through indexed joins: record link by person, involvement and event by person record. They are
written as SQL, not built with the ORM: each API query and search asks for them, and building
and compiling the two querysets was about a tenth of a query's Python time (docs/api.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date, datetime

from django.utils import timezone

from jigsaw.feeds import LONDON
from jigsaw.records import sql


@dataclass(frozen=True)
class Signpost:
    """One practitioner or service and how to reach them; deliberately no case detail."""

    agency: str
    team: str
    practitioner: str
    role: str
    contact: str
    started_on: date | None
    ended_on: date | None  # None: still open
    current: bool
    source_system: str
    origin: str  # "involvement" (the source said so) or "events" (named on its events)
    #: the source says this practitioner is the child's lead professional (None: it did not say)
    lead_professional: bool | None = None
    #: the source says an early help assessment (formerly CAF) is open with this involvement
    early_help_assessment: bool | None = None

    def as_dict(self) -> dict[str, object]:
        data = asdict(self)
        for key in ("started_on", "ended_on"):
            data[key] = data[key].isoformat() if data[key] else None
        return data


def signposts_for(person_id: int, using: str = "default") -> list[Signpost]:
    """The signposts of one resolved person, current first, then past (most recent first)."""
    return signposts_for_people([person_id], using).get(person_id, [])


def signposts_for_people(person_ids: Iterable[int], using: str = "default") -> dict[int, list[Signpost]]:
    """Signposts for several people at once (a search shows up to ten): two queries in all."""
    ids = sorted(set(person_ids))
    if not ids:
        return {}
    today = timezone.localdate()
    found: dict[int, list[Signpost]] = {pid: [] for pid in ids}
    seen: dict[int, set[tuple[str, str]]] = {pid: set() for pid in ids}
    for row in _involvements(ids, using):
        person = row["person__link__person_id"]
        ended = row["ended_on"]
        post = Signpost(
            agency=row["agency"], team=row["team"], practitioner=row["practitioner"], role=row["role"],
            contact=row["contact"], started_on=row["started_on"], ended_on=ended,
            current=ended is None or ended >= today, source_system=row["source_system__code"],
            origin="involvement", lead_professional=row["lead_professional"],
            early_help_assessment=row["early_help_assessment"])
        found[person].append(post)
        seen[person].add(_who(post))
    for row in _event_practitioners(ids, using):
        person = row["person__link__person_id"]
        agency = (row["source_system__agency__name"] or row["source_system__name"]
                  or row["source_system__code"])
        post = Signpost(
            agency=agency, team="", practitioner=row["practitioner"], role=row["practitioner_role"],
            contact=row["practitioner_contact"], started_on=_day(row["first"]), ended_on=_day(row["last"]),
            current=False, source_system=row["source_system__code"], origin="events")
        if _who(post) not in seen[person]:  # the involvement already says more (its own dates)
            found[person].append(post)
    for posts in found.values():
        posts.sort(key=_order)
    return found


_INVOLVEMENTS = (
    "SELECT l.person_id, i.agency, i.team, i.practitioner, i.role, i.contact, i.started_on, "
    "i.ended_on, s.code, i.lead_professional, i.early_help_assessment FROM records_involvement i "
    "INNER JOIN records_personrecord r ON i.person_id = r.id "
    "INNER JOIN signpost_recordlink l ON r.id = l.record_id "
    "INNER JOIN records_sourcesystem s ON i.source_system_id = s.id WHERE l.person_id IN ({ids})")
_INVOLVEMENT_KEYS = ("person__link__person_id", "agency", "team", "practitioner", "role", "contact",
                     "started_on", "ended_on", "source_system__code", "lead_professional",
                     "early_help_assessment")

#: Practice records Jigsaw writes itself (source systems ``practice``/``practice-<agency>``, see
#: ``jigsaw.practice.entries``) name who recorded a decision, not who works with the child.
_EVENT_PRACTITIONERS = (
    "SELECT l.person_id, s.code, s.name, a.name, e.practitioner, e.practitioner_role, "
    "e.practitioner_contact, MIN(e.occurred_at), MAX(e.occurred_at) FROM records_event e "
    "INNER JOIN records_personrecord r ON e.person_id = r.id "
    "INNER JOIN signpost_recordlink l ON r.id = l.record_id "
    "INNER JOIN records_sourcesystem s ON e.source_system_id = s.id "
    "LEFT OUTER JOIN records_agency a ON s.agency_id = a.id "
    "WHERE l.person_id IN ({ids}) "
    "AND NOT (e.practitioner = '' AND e.practitioner_contact = '' AND e.practitioner_role = '') "
    "AND NOT (s.code = %s) AND NOT (s.code LIKE %s ESCAPE '\\') GROUP BY 1, 2, 3, 4, 5, 6, 7")
_EVENT_KEYS = ("person__link__person_id", "source_system__code", "source_system__name",
               "source_system__agency__name", "practitioner", "practitioner_role",
               "practitioner_contact", "first", "last")


def _rows(query: str, ids: list[int], params: list, keys: tuple[str, ...], using: str) -> list[dict]:
    return [dict(zip(keys, row, strict=True)) for row in sql.read(query, ids, using, params)]


def _involvements(ids: list[int], using: str) -> list[dict]:
    rows = _rows(_INVOLVEMENTS, ids, [], _INVOLVEMENT_KEYS, using)
    for row in rows:  # SQLite hands back text and 0/1
        row["started_on"], row["ended_on"] = sql.as_date(row["started_on"]), sql.as_date(row["ended_on"])
        for key in ("lead_professional", "early_help_assessment"):
            row[key] = sql.as_bool(row[key])
    return rows


def _event_practitioners(ids: list[int], using: str) -> list[dict]:
    """One row per person and practitioner named on events, with the first and last event time."""
    rows = _rows(_EVENT_PRACTITIONERS, ids, ["practice", "practice-%"], _EVENT_KEYS, using)
    for row in rows:  # SQLite hands back an aggregate's time as text, in UTC
        row["first"], row["last"] = sql.as_datetime(row["first"]), sql.as_datetime(row["last"])
    return rows


def _who(post: Signpost) -> tuple[str, str]:
    """Identity of a practitioner within a person's signposts (for de-duplication)."""
    return (post.source_system, " ".join(post.practitioner.casefold().split()))


def _day(moment: datetime | None) -> date | None:
    """The UK calendar day of a stored (UTC) event time."""
    if moment is None:
        return None
    if timezone.is_aware(moment):
        return moment.astimezone(LONDON).date()
    return moment.date()


def _order(post: Signpost) -> tuple:
    """Current first; then by how recently the involvement ended (or last event happened)."""
    last = post.ended_on or post.started_on or date.min
    start = post.started_on or date.min
    return (not post.current, -last.toordinal(), -start.toordinal(), post.agency, post.practitioner)
