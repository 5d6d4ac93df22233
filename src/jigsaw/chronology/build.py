"""A child's merged multi-agency chronology: every linked record's events, in date order.

A chronology is "a summary of key events taken from full case records and put in date order"
whose entries carry a date (with an "uncertain" marker), the source agency and record, a plain
factual description, the significance, and who recorded it, with analysis and opinion kept
apart from fact (``research/anchors-chronology-reviews.md`` sections 1.1 and 1.2: Care
Inspectorate 2017; Chronolator's composite chronology; Leeds guidance). This module merges the
events of every source record linked to one resolved person (``signpost.RecordLink``) the way
Chronolator merges internal chronologies into a composite one: the agency is added on merge, the
dates are put in order, and nothing is rewritten.

Decisions, documented in ``docs/chronology.md``:

* **Order**: calendar date (UK civil date for timed events), then precision (a year-only entry
  before a month-only one before a whole day before a timed event on the same date: the wider
  period starts first), then time, source system code, the event type's place in the vocabulary
  (one source's untimed events of a day follow the statutory process, as a return lists them
  without an order: referral, assessment, s47 enquiry, conference, plan) and event id -- stable
  across runs.
* **Uncertain dates**: a month or year precision date is shown as "March 2024 (uncertain)",
  Chronolator's leading "?" in words. A period filter keeps an entry whose period overlaps it.
* **Significance**: as the source recorded it; else *suggested* from :data:`SUGGESTED`, and
  marked so. Significance is a professional judgement (section 1.4, Walsall): the system only
  suggests.
* **Kind**: ``judgement`` entries are flagged (and styled apart in HTML); a blank kind is read
  as ``fact`` because every vocabulary event type names something that happened.
* **Two feeds, one event**: entries of the same type, for the same person, on the same date
  (or the same uncertain month or year) from *different* source systems are all kept -- each
  agency's record is evidence of who knew -- and each is marked "also recorded by" the others.
* **After a death**: entries dated after the person's recorded death stay listed and are
  marked, because they show a record that needs checking, not something to hide.

Speed (issue: 1,000 events in <= 50 ms): a few indexed queries whatever the number of events
(person, records' names, events via ``Event(person, occurred_at)`` joined through
``RecordLink(person)`` with their source system, ratings), read with ``values_list``; everything
else is plain Python.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime

from django.utils import timezone

from jigsaw.chronology.significance import latest_ratings
from jigsaw.feeds import EVENT_TYPES, LONDON
from jigsaw.records.models import Event
from jigsaw.signpost.models import Person

LEVELS: tuple[str, ...] = ("high", "medium", "low")
KINDS: tuple[str, ...] = ("fact", "judgement")
CHILD = "Child"
_PRECISION_RANK = {"year": 0, "month": 1, "day": 2, "datetime": 3}
#: Event types in vocabulary order: social care's follow the process of Working Together 2023
#: (contact, referral, assessment, strategy discussion, s47 enquiry, conference, plan, closure).
_STEP = {name: i for i, name in enumerate(EVENT_TYPES)}
_MONTHS = ("", "January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")

#: Suggested significance by event type when the source recorded none. Rough bands after the
#: Tayside "significance category" list (section 1.2): a change in child protection or legal
#: status, harm, violence, exploitation, going missing and death are high; changes in family
#: structure, missed appointments, absence, exclusion, offending and referrals are medium;
#: routine universal-service contact is low. Only ever a suggestion, shown as such.
SUGGESTED: dict[str, str] = {
    **dict.fromkeys((
        "strategy_discussion", "section47_start", "cp_conference", "cp_plan_start",
        "looked_after_start", "injury", "domestic_abuse_incident", "missing_episode",
        "exploitation_concern", "missing_education", "death"), "high"),
    **dict.fromkeys((
        "referral", "assessment_start", "assessment_end", "section47_end", "cp_plan_end",
        "cin_plan_start", "cin_plan_end", "looked_after_end", "home_visit_no_access", "case_closed",
        "ed_attendance", "urgent_care_attendance", "appointment_was_not_brought", "antenatal_booking",
        "birth",
        "mental_health_contact", "substance_misuse_contact", "missing_return", "arrest",
        "police_concern", "school_concern", "persistent_absence", "exclusion",
        "household_member_joined", "household_member_left", "address_change", "service_refused"),
        "medium"),
    **dict.fromkeys(("contact", "home_visit", "gp_appointment", "health_visit", "school_enrolment"),
                    "low"),
}
#: for an event type outside the table (the vocabulary may grow): neither dismissed nor alarming
DEFAULT_SUGGESTION = "medium"


class PersonNotFound(LookupError):
    """No resolved person has this id."""


@dataclass(frozen=True)
class Filters:
    """What to show. Empty sets mean everything; dates are inclusive."""

    agencies: frozenset[str] = frozenset()  # agency name or type, source system code or name
    event_types: frozenset[str] = frozenset()
    significance: frozenset[str] = frozenset()  # as shown: recorded, else suggested
    kinds: frozenset[str] = frozenset()
    date_from: date | None = None
    date_to: date | None = None

    def admits(self, entry: Entry) -> bool:
        if self.event_types and entry.event_type not in self.event_types:
            return False
        if self.significance and entry.significance not in self.significance:
            return False
        if self.kinds and entry.kind not in self.kinds:
            return False
        if self.date_from and entry.date_end < self.date_from:
            return False
        if self.date_to and entry.date > self.date_to:
            return False
        if self.agencies:
            wanted = {a.casefold() for a in self.agencies}
            names = (entry.agency, entry.agency_type, entry.source_system, entry.source_name)
            if not any(n and n.casefold() in wanted for n in names):
                return False
        return True

    def as_dict(self) -> dict[str, object]:
        return {"agencies": sorted(self.agencies), "event_types": sorted(self.event_types),
                "significance": sorted(self.significance), "kinds": sorted(self.kinds),
                "from": self.date_from.isoformat() if self.date_from else None,
                "to": self.date_to.isoformat() if self.date_to else None}


@dataclass(frozen=True)
class Subject:
    """Whose events a chronology holds: the child and, for a household, the people around them."""

    label: str  # "Child", "Mother", "Sibling 1" ...
    person_id: int
    name: str = ""
    birth_date: date | None = None
    basis: str = "the subject of the chronology"  # why they are in it (never a name or address)
    name_variants: tuple[str, ...] = ()  # every name any record holds, for anonymisation


@dataclass(frozen=True)
class Entry:
    """One event as a chronology line."""

    event_key: str  # "source_system:event_id"
    person_id: int
    subject: str
    date: date  # first day of the period the event is known to
    date_end: date  # last day of it (== date unless uncertain)
    time: str  # "14:05" (UK time) for timed events, else ""
    precision: str
    date_text: str
    agency: str
    agency_type: str
    source_system: str
    source_name: str
    source_record: str  # the person's id in that source
    event_type: str
    meaning: str
    description: str
    kind: str
    significance: str
    significance_suggested: bool
    practitioner: str
    practitioner_role: str
    recorded_on: date | None
    also_recorded_by: tuple[tuple[str, str], ...] = ()  # (agency, event key) of the same event
    after_death: bool = False
    significance_set_by: str = ""  # who rated it by hand (then it is neither recorded nor suggested)
    occurred_at: datetime | None = None  # the moment as stored (finer than the date and time shown)
    described: bool = True  # the source gave its own words (False: the description is ``meaning``)

    @property
    def uncertain(self) -> bool:
        return self.precision in ("month", "year")

    @property
    def is_judgement(self) -> bool:
        return self.kind == "judgement"


@dataclass
class Chronology:
    person_id: int
    subjects: list[Subject]
    entries: list[Entry]
    filters: Filters = field(default_factory=Filters)
    household: bool = False
    anonymised: bool = False
    events_total: int = 0  # before filtering
    generated_at: datetime = field(default_factory=timezone.now)

    @property
    def facts(self) -> list[Entry]:
        return [e for e in self.entries if not e.is_judgement]

    @property
    def judgements(self) -> list[Entry]:
        return [e for e in self.entries if e.is_judgement]


def require_person(person_id: int, using: str) -> None:
    if not Person.objects.using(using).filter(pk=person_id).exists():
        raise PersonNotFound(f"no person with id {person_id}")


#: Every record's names and birth date of the people asked about: SQL, not a queryset, as the
#: child's page and every home page ask it (:mod:`jigsaw.records.sql`).
def assemble(subjects: list[Subject], using: str, filters: Filters, household: bool = False) -> Chronology:
    """The merged, ordered, marked and filtered chronology of these people's events."""
    labels = {s.person_id: s.label for s in subjects}
    rows = list(Event.objects.using(using).filter(person__link__person_id__in=list(labels))
                .values_list("person__link__person_id", "source_system_id", "event_id", "person_source_id",
                             "event_type", "occurred_at", "occurred_precision", "recorded_at", "practitioner",
                             "practitioner_role", "summary", "kind", "significance",
                             # the source system and its agency, with each event (a handful of rows)
                             "source_system__code", "source_system__name", "source_system__agency__name",
                             "source_system__agency__agency_type", "pk"))
    systems = {row[1]: (code, name or "", agency or name or code, agency_type or "")
               for row in rows for code, name, agency, agency_type in [row[13:17]]}
    ratings = latest_ratings([row[-1] for row in rows], using)
    entries = [_rated(_entry(row[:13], labels, systems), ratings.get(row[-1])) for row in rows]
    entries.sort(key=_order)
    entries = _mark_after_death(_mark_duplicates(entries))
    shown = [e for e in entries if filters.admits(e)]
    return Chronology(subjects[0].person_id, subjects, shown, filters, household, events_total=len(entries))


def _rated(entry: Entry, rating: tuple[str, str, str] | None) -> Entry:
    """The entry with a person's rating of its significance, when there is one."""
    if rating is None:
        return entry
    return replace(entry, significance=rating[0], significance_suggested=False, significance_set_by=rating[1])


def _entry(row: tuple, labels: dict[int, str], systems: dict[int, tuple[str, str, str, str]]) -> Entry:
    (pid, system_id, event_id, source_record, event_type, occurred, precision, recorded,
     practitioner, role, summary, kind, significance) = row
    code, source_name, agency, agency_type = systems[system_id]
    if precision == "datetime":
        local = occurred.astimezone(LONDON)
        day, time = local.date(), local.strftime("%H:%M")
    else:  # dates without a time are stored at midnight UTC of their first day
        day, time = occurred.astimezone(UTC).date(), ""
    end = day
    if precision == "month":
        end = day.replace(day=calendar.monthrange(day.year, day.month)[1])
    elif precision == "year":
        end = date(day.year, 12, 31)
    vocabulary = EVENT_TYPES.get(event_type)
    meaning = vocabulary.meaning if vocabulary else event_type.replace("_", " ")
    suggested = significance not in LEVELS
    return Entry(
        event_key=f"{code}:{event_id}", person_id=pid, subject=labels[pid], date=day, date_end=end,
        time=time, precision=precision, date_text=date_text(day, precision, time), agency=agency,
        agency_type=agency_type, source_system=code, source_name=source_name, source_record=source_record,
        event_type=event_type, meaning=meaning, description=summary.strip() or meaning,
        occurred_at=occurred, described=bool(summary.strip()),
        kind="judgement" if kind == "judgement" else "fact",
        significance=SUGGESTED.get(event_type, DEFAULT_SUGGESTION) if suggested else significance,
        significance_suggested=suggested, practitioner=practitioner, practitioner_role=role,
        recorded_on=recorded.astimezone(LONDON).date() if recorded else None)


def date_text(day: date, precision: str, time: str = "") -> str:
    """ "12 March 2024", "12 March 2024, 14:05", "March 2024 (uncertain)", "2024 (uncertain)"."""
    if precision == "year":
        return f"{day.year} (uncertain)"
    if precision == "month":
        return f"{_MONTHS[day.month]} {day.year} (uncertain)"
    text = f"{day.day} {_MONTHS[day.month]} {day.year}"
    return f"{text}, {time}" if time else text


def _order(entry: Entry) -> tuple:
    key = entry.event_key.partition(":")[2]
    return (entry.date, _PRECISION_RANK.get(entry.precision, 9), entry.time, entry.source_system,
            _STEP.get(entry.event_type, len(_STEP)), key, entry.person_id)


def _period(entry: Entry) -> tuple:
    if entry.precision in ("day", "datetime"):
        return ("day", entry.date)
    return (entry.precision, entry.date.year, entry.date.month if entry.precision == "month" else 0)


def _mark_duplicates(entries: list[Entry]) -> list[Entry]:
    """Mark entries of one type, person and date that more than one source system recorded."""
    groups: dict[tuple, list[int]] = defaultdict(list)
    for i, e in enumerate(entries):
        groups[(e.person_id, e.event_type, _period(e))].append(i)
    out = list(entries)
    for members in groups.values():
        if len(members) < 2 or len({entries[i].source_system for i in members}) < 2:
            continue
        for i in members:
            others = tuple((entries[j].agency, entries[j].event_key) for j in members
                           if entries[j].source_system != entries[i].source_system)
            out[i] = replace(out[i], also_recorded_by=others)
    return out


def _mark_after_death(entries: list[Entry]) -> list[Entry]:
    """Flag entries that start after the latest possible day of the person's recorded death."""
    died: dict[int, date] = {}
    for e in entries:  # in date order: the first death recorded wins
        if e.event_type == "death" and e.person_id not in died:
            died[e.person_id] = e.date_end
    if not died:
        return entries
    return [replace(e, after_death=True) if e.person_id in died and e.date > died[e.person_id] else e
            for e in entries]
