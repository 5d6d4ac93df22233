"""A child's and a household's chronology, and the anonymised view of either.

Risk to a child often sits with the adults around them (a new partner, a parent's mental
health, domestic abuse at home), and a chronology "does not have to happen to the child"
(``research/anchors-chronology-reviews.md`` section 1.4, Walsall; section 1.2, Tayside: change in
family structure, new partner or presence of a significant adult). So the household chronology
adds the events of the people around the child, each entry naming whose event it is.

Who counts as household, and the approximations made (``docs/chronology.md``):

* **Relationships** are recorded between *source records* ("the related person is the person's
  mother"); each end is mapped to its resolved person through ``RecordLink``, so a record not yet
  linked (``jigsaw link`` not run) brings nobody. Relationships carry no dates, so they are
  treated as current for the whole chronology. Sibling and household-member relationships
  are read both ways; a child of the child's recorded parent is a sibling too.
* **Shared address**: a person record with the same normalised postcode and the same address
  words (``identity.address.address_tokens``) as one of the child's records. Addresses carry no
  periods, only the record's ``recorded_at``, so two records are taken to overlap when they
  were recorded within :data:`ADDRESS_WINDOW_DAYS` of each other, or when either has no date
  (we cannot tell, and a missed adult is the costlier mistake).

Anonymisation follows published reviews ("Child A", "Mother", roles for professionals; section
4.2): names become roles in every field, including descriptions where a household member's or a
practitioner's name appears verbatim. Full names are matched case-insensitively; single given or
family names only as capitalised words, so "young people" survives a family called Young. A
family name shared by several people becomes "[family name]". It removes names it knows,
not every name (a neighbour named in free text stays): it is a first pass, not a publication check.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import replace
from datetime import date

from django.db import connections

from jigsaw.feeds import normalise_postcode
from jigsaw.identity import address_tokens
from jigsaw.records.models import PersonRecord, Relationship, SourceSystem
from jigsaw.signpost.models import RecordLink
from jigsaw.signpost.names import people_names
from jigsaw.signpost.scope import Scope

from .build import CHILD, Chronology, Filters, Subject, assemble, require_person

ADDRESS_WINDOW_DAYS = 365
#: precedence when one person is reached several ways, and the label of each role
ROLES: dict[str, str] = {
    "mother": "Mother", "father": "Father", "parent": "Parent", "step_parent": "Step-parent",
    "partner_of_parent": "Partner of parent", "carer": "Carer", "sibling": "Sibling",
    "household_member": "Household member", "shared_address": "Household member",
}
ALWAYS_NUMBERED = frozenset({"Sibling", "Household member"})
PARENTS = ("mother", "father", "parent")
SYMMETRIC = ("sibling", "household_member")
ANONYMOUS_CHILD = "Child A"


def child_chronology(person_id: int, using: str = "default", filters: Filters | None = None, *,
                     anonymise: bool = False) -> Chronology:
    """The chronology of one resolved person's own events, from every agency."""
    require_person(person_id, using)
    name, born, variants = people_names([person_id], using).get(person_id, ("", None, ()))
    child = Subject(CHILD, person_id, name=name, birth_date=born, name_variants=variants)
    chronology = assemble([child], using, filters or Filters())
    return anonymise_chronology(chronology, using) if anonymise else chronology


def household_chronology(person_id: int, using: str = "default", filters: Filters | None = None, *,
                         anonymise: bool = False) -> Chronology:
    """The child's events and those of everyone in their household, each naming whose it is."""
    require_person(person_id, using)
    subjects = household_subjects(person_id, using)
    chronology = assemble(subjects, using, filters or Filters(), household=True)
    return anonymise_chronology(chronology, using) if anonymise else chronology


def household_subjects(person_id: int, using: str, records: list[tuple] | None = None) -> list[Subject]:
    """The child first, then the people around them, labelled by role ("Mother", "Sibling 1").

    ``records``: the child's records as :func:`jigsaw.chronology.summary.child_records` reads them,
    when the caller has them (their addresses are the ones searched), else read here.
    """
    found = _related(person_id, using)
    shared = _shared_address(person_id, using, records)
    found.update({pid: why for pid, why in shared.items() if pid not in found})
    names = people_names([person_id, *found], using)
    name, born, variants = names.get(person_id, ("", None, ()))
    subjects = [Subject(CHILD, person_id, name=name, birth_date=born, name_variants=variants)]
    by_label: dict[str, list[int]] = defaultdict(list)
    for pid, (role, _basis) in found.items():
        by_label[ROLES[role]].append(pid)
    has = {label for label in by_label if label in ("Mother", "Father")}
    partner = {frozenset({"Mother"}): "Partner of mother", frozenset({"Father"}): "Partner of father"}
    order = list(dict.fromkeys(ROLES.values()))
    for label in order:
        people = sorted(by_label.get(label, []), key=lambda p: (names.get(p, ("", None))[1] or date.max, p))
        shown = partner.get(frozenset(has), label) if label == "Partner of parent" else label
        for n, pid in enumerate(people, 1):
            numbered = label in ALWAYS_NUMBERED or len(people) > 1
            name, born, variants = names.get(pid, ("", None, ()))
            subjects.append(Subject(f"{shown} {n}" if numbered else shown, pid, name=name, birth_date=born,
                                    basis=found[pid][1], name_variants=variants))
    return subjects


def _rank(role: str) -> int:
    return list(ROLES).index(role)


def _related(person_id: int, using: str) -> dict[int, tuple[str, str]]:
    """person id -> (role, why) for everyone a relationship connects to the child."""
    found: dict[int, tuple[str, str]] = {}

    def add(pid: int | None, role: str, why: str) -> None:
        if pid is None or pid == person_id:
            return
        if pid not in found or _rank(role) < _rank(found[pid][0]):
            found[pid] = (role, why)

    with connections[using].cursor() as cursor:
        cursor.execute(_RELATED_SQL, [person_id, person_id])
        for side, role, pid, code in cursor.fetchall():
            if side == SIBLING_VIA_PARENT:
                add(pid, "sibling", f"a child of the child's recorded parent ({code})")
            else:
                add(pid, role, f"recorded as the child's {role.replace('_', ' ')} ({code})")
    return found


def _in(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)  # the module's own constants, never input


#: The rows are read in this order: the child's own relationships (side 0), the symmetric ones
#: recorded the other way (1), then the other children of a parent the child's records name (2).
SIBLING_VIA_PARENT = 2
#: One round trip, as SQL rather than three querysets: the page asks it on every open, and
#: building and compiling the querysets cost more than running them. Each relationship's ends are
#: mapped to people through ``RecordLink`` (an end not yet linked brings nobody).
_RELATED_SQL = f"""
WITH mine AS (SELECT record_id FROM {RecordLink._meta.db_table} WHERE person_id = %s),
direct AS (
    SELECT 0 AS side, r.relationship, l.person_id AS pid, s.code
    FROM mine
    JOIN {Relationship._meta.db_table} r ON r.person_id = mine.record_id
    JOIN {RecordLink._meta.db_table} l ON l.record_id = r.related_id
    JOIN {SourceSystem._meta.db_table} s ON s.id = r.source_system_id
    UNION ALL
    SELECT 1, r.relationship, l.person_id, s.code
    FROM mine
    JOIN {Relationship._meta.db_table} r ON r.related_id = mine.record_id
    JOIN {RecordLink._meta.db_table} l ON l.record_id = r.person_id
    JOIN {SourceSystem._meta.db_table} s ON s.id = r.source_system_id
    WHERE r.relationship IN ({_in(SYMMETRIC)})
)
SELECT side, relationship, pid, code FROM direct
UNION ALL
SELECT {SIBLING_VIA_PARENT}, r.relationship, l.person_id, s.code
FROM {Relationship._meta.db_table} r
JOIN {RecordLink._meta.db_table} parent ON parent.record_id = r.related_id
JOIN {RecordLink._meta.db_table} l ON l.record_id = r.person_id
JOIN {SourceSystem._meta.db_table} s ON s.id = r.source_system_id
WHERE r.relationship IN ({_in(PARENTS)})
  AND parent.person_id IN (SELECT pid FROM direct
                           WHERE side = 0 AND relationship IN ({_in(PARENTS)}) AND pid <> %s)
ORDER BY 1
"""  # noqa: S608 (table names and the module's constants only; the person id is a parameter)


def _shared_address(person_id: int, using: str,
                    records: list[tuple] | None = None) -> dict[int, tuple[str, str]]:
    """person id -> ("shared_address", why) for people recorded at one of the child's addresses."""
    if records is None:
        mine = list(PersonRecord.objects.using(using).filter(link__person_id=person_id).exclude(postcode="")
                    .values_list("postcode", "address", "recorded_at"))
    else:  # (recorded_at, pk, sex, nhs_number, address, postcode)
        mine = [(r[5], r[4], r[0]) for r in records if r[5] != ""]
    places: dict[str, list[tuple[tuple[str, ...], date | None]]] = defaultdict(list)
    for postcode, address, recorded in mine:
        canonical, words = normalise_postcode(postcode), address_tokens(address)
        if canonical and words:
            places[canonical].append((words, recorded.date() if recorded else None))
    if not places:
        return {}
    found: dict[int, tuple[str, str]] = {}
    others = (PersonRecord.objects.using(using).filter(postcode__in=list(places))
              .exclude(link__person_id=person_id).exclude(link__isnull=True)
              .values_list("link__person_id", "postcode", "address", "recorded_at"))
    for pid, postcode, address, recorded in others:
        words, when = address_tokens(address), recorded.date() if recorded else None
        for child_words, child_when in places.get(normalise_postcode(postcode) or "", []):
            if words == child_words and _overlap(when, child_when):
                found[pid] = ("shared_address", "recorded at the child's address")
    return found


def _overlap(a: date | None, b: date | None) -> bool:
    return a is None or b is None or abs((a - b).days) <= ADDRESS_WINDOW_DAYS


def anonymise_chronology(chronology: Chronology, using: str = "default") -> Chronology:
    """The same chronology with names replaced by roles everywhere (see the module docstring).

    For a child-only chronology the household is looked up too, so a parent named in a
    description of the child's event is still replaced by "Mother".
    """
    subjects = chronology.subjects
    if not chronology.household:
        subjects = [subjects[0], *household_subjects(chronology.person_id, using)[1:]]
    label = {s.person_id: (ANONYMOUS_CHILD if s.label == CHILD else s.label) for s in subjects}
    people = [(label[s.person_id], s.name_variants) for s in subjects]
    for e in chronology.entries:
        if e.practitioner:
            role = e.practitioner_role or "practitioner"
            people.append((role, (e.practitioner, *e.practitioner.split())))
    scrub = _scrubber(people)
    entries = [replace(e, subject=label[e.person_id], description=scrub(e.description), practitioner="",
                       practitioner_role=e.practitioner_role or ("practitioner" if e.practitioner else ""),
                       source_record="") for e in chronology.entries]
    shown = [Subject(label[s.person_id], s.person_id, name=label[s.person_id], basis=scrub(s.basis))
             for s in chronology.subjects]
    return replace(chronology, subjects=shown, entries=entries, anonymised=True)


def _scrubber(people: list[tuple[str, tuple[str, ...]]]):
    """A function replacing every known name in a text with the role of whoever holds it."""
    full: dict[str, str] = {}
    single: dict[str, set[str]] = defaultdict(set)
    for role, names in people:
        for name in names:
            name = name.strip()
            if len(name) < 2:
                continue
            if " " in name:
                full.setdefault(name.casefold(), role)
            else:
                for form in {name, name[:1].upper() + name[1:], name.capitalize(), name.upper()}:
                    single[form].add(role)
    words = {n: (next(iter(r)) if len(r) == 1 else "[family name]") for n, r in single.items()}

    def pattern(names, flags=0):
        alternatives = "|".join(re.escape(n) for n in sorted(names, key=lambda n: (-len(n), n)))
        return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", flags) if alternatives else None

    full_re, single_re = pattern(full, re.IGNORECASE), pattern(words)

    def scrub(text: str) -> str:
        if full_re:
            text = full_re.sub(lambda m: full[m.group(0).casefold()], text)
        if single_re:
            text = single_re.sub(lambda m: words[m.group(0)], text)
        return text

    return scrub


def scoped(full: Chronology, scope: Scope, shown: frozenset[int]) -> Chronology:
    """The chronology cut to the reader's agency (a scoped role): its events, of the people it
    holds or involves (``shown``); the whole of it for a role that is not scoped."""
    if not scope.limited:
        return full
    entries = [replace(e, also_recorded_by=()) for e in full.entries
               if e.person_id in shown and scope.admits(e)]
    return replace(full, subjects=[s for s in full.subjects if s.person_id in shown], entries=entries)
