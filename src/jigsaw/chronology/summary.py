"""A child at a glance: the header a practitioner reads before (or instead of) the chronology.

Age, sex, NHS number and address come from the child's most recently recorded person record
that has each. The *current legal status and plans* are derived from the chronology's own
events, because no feed sends a status field: a child protection plan, a looked-after episode,
a child in need plan or a section 47 enquiry is open now when its latest start is later than its
latest end (the CIN census and SSDA903 record them as start and end events: DfE CIN census
guide; SSDA903 guide). The lead professional is :func:`lead_professional` (one function, so it
can follow a structured field when the feeds send one). Household members come from
:func:`jigsaw.chronology.household.household_subjects`; a protected one is only
"a protected household member" (:mod:`jigsaw.signpost.gate`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from jigsaw.feeds import age_in_words
from jigsaw.records.models import PersonRecord
from jigsaw.signpost import gate
from jigsaw.signpost.signposts import Signpost

from .build import CHILD, Entry, Subject

#: (start event, end event, what an open one is called), in the order the header lists them.
PLANS: tuple[tuple[str, str, str], ...] = (
    ("cp_plan_start", "cp_plan_end", "Child protection plan"),
    ("looked_after_start", "looked_after_end", "Looked after"),
    ("cin_plan_start", "cin_plan_end", "Child in need plan"),
    ("section47_start", "section47_end", "Section 47 enquiry"),
)
#: Later events that also close an open one. The CIN census records when a section 47 enquiry
#: started but not when it ended (its ``Section47`` item has the start, the initial conference's
#: date and whether one was not required: DfE CIN census guide): the enquiry has concluded once
#: a child protection conference is held, since an initial conference is convened when the
#: enquiry's concerns are substantiated (Working Together to Safeguard Children 2023, section 47
#: enquiries and initial child protection conferences), and once the case is closed. A closure
#: does not end an open plan: the census gives a closed episode's plans their own end dates (its
#: closure is on or after each of them, DfE validation rule 8565), so a plan with none is a record
#: to check, and is shown as current rather than hidden.
ALSO_ENDED_BY: dict[str, tuple[str, ...]] = {"section47_start": ("cp_conference", "case_closed")}
SEX = {"M": "Male", "F": "Female", "U": "Not known"}
#: Involvement roles read as the lead professional, first match wins (case-insensitive "contains").
LEAD_ROLES = ("lead professional", "allocated social worker", "social worker")


@dataclass(frozen=True)
class Status:
    """A plan or legal status open now, and since when."""

    label: str
    since: date


@dataclass(frozen=True)
class Member:
    """Someone in the child's household as the header names them."""

    relationship: str
    name: str
    age: str
    person_id: int | None  # None: protected, not to be linked


@dataclass(frozen=True)
class Details:
    """The child's identifying details, from their records."""

    sex: str = ""
    nhs_number: str = ""
    address: str = ""


def open_statuses(entries: Iterable[Entry], person_id: int) -> list[Status]:
    """The plans and legal statuses open now, from the child's own start and end events."""
    latest: dict[str, date] = {}
    for e in entries:
        if e.person_id == person_id and (e.event_type not in latest or e.date > latest[e.event_type]):
            latest[e.event_type] = e.date
    out = []
    for start, end, label in PLANS:
        began = latest.get(start)
        ends = [latest[e] for e in (end, *ALSO_ENDED_BY.get(start, ())) if e in latest]
        if began is not None and not any(ended >= began for ended in ends):
            out.append(Status(label, began))
    return out


def lead_professional(signposts: Iterable[Signpost]) -> Signpost | None:
    """The child's lead professional: the current involvement its source names as lead (the
    ``lead_professional`` column of ``involvements.csv``), else the allocated social worker's."""
    current = [s for s in signposts if s.current and s.origin == "involvement" and s.practitioner]
    named = [s for s in current if s.lead_professional]
    if named:
        return named[0]
    for wanted in LEAD_ROLES:
        for post in current:
            if wanted in post.role.casefold():
                return post
    return None


def child_records(person_id: int, using: str) -> list[tuple]:
    """The child's records as (recorded_at, pk, sex, nhs_number, address, postcode): one query read
    once by the child's page for :func:`details` and the household's shared-address search."""
    return list(PersonRecord.objects.using(using).filter(link__person_id=person_id)
                .values_list("recorded_at", "pk", "sex", "nhs_number", "address", "postcode"))


def details(person_id: int, using: str, records: list[tuple] | None = None) -> Details:
    """Sex, NHS number and address from the most recently recorded record holding each (one query,
    none given the child's :func:`child_records`)."""
    oldest = datetime.min.replace(tzinfo=UTC)
    rows = sorted(child_records(person_id, using) if records is None else records,
                  key=lambda r: (r[0] or oldest, r[1]), reverse=True)
    sex = next((r[2] for r in rows if r[2]), "")
    nhs = next((r[3] for r in rows if r[3]), "")
    address = next((", ".join(x for x in (r[4], r[5]) if x) for r in rows if r[4] or r[5]), "")
    return Details(SEX.get(sex, ""), f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}" if len(nhs) == 10 else nhs, address)


def members(subjects: Iterable[Subject], hidden: set[int], today: date) -> list[Member]:
    """The household other than the child; a hidden person as a protected member, with nothing else."""
    out = []
    for s in subjects:
        if s.label == CHILD:
            continue
        if s.person_id in hidden or s.name == gate.PROTECTED:
            out.append(Member("", gate.PROTECTED, "", None))
        else:
            out.append(Member(s.label, s.name or "Name not recorded", age_in_words(s.birth_date, today),
                              s.person_id))
    return out
