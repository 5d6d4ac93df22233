"""The gate: the one place that decides which people a reader may see, and names the others.

Every read of a person -- a child's page, its chronology exports, a household, an alert, the
link review queue, a search, the command line -- asks this module three things before it shows
anything:

* **Who is protected** (:func:`protected`): a shielded person, and any person who *could be* a
  shielded child: one whose record sits in an open review item beside a shielded person's
  record (scored above the review threshold and not yet ruled "different" by a person).
  ContactPoint's national feed made unshielded duplicates of shielded children
  (``research/anchors-signposting.md`` section 1.2); a pending duplicate is treated as the child
  until someone decides otherwise.
* **Whom this reader has broken glass for** (:class:`Override`): one child at a time, for
  ``JIGSAW_OVERRIDE_MINUTES``, ending as soon as the reader opens another child or searches.
* **How to show the rest** (:func:`guard_chronology`): a protected person in someone else's
  household is "a protected household member", with no name, birth date or events.

The reason for access is asked by every read (``search.reason_named``, no default): it is never
kept in the session, never pre-selected and never defaulted. Vetting is decided in
:func:`jigsaw.accounts.roles.may` for every case area, and the access log is written by the
callers through ``Actor.log`` before they show anything.
"""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Iterable, MutableMapping
from typing import Any

from django.conf import settings
from django.db.models import Q

from jigsaw.records import sql
from jigsaw.signpost.models import Person, RecordLink, ReviewItem

#: How a protected person appears wherever someone else's record would otherwise name them.
PROTECTED = "a protected household member"
#: What an alert or review item about a protected person shows instead of its details.
PROTECTED_RECORD = "a protected record"
#: Session key of the one override a reader holds: {"person": id, "until": epoch seconds}.
OVERRIDE_KEY = "jigsaw_override"


#: The gate's two reads, as SQL: every search and API query passes the gate, and building and
#: compiling these as querysets cost more CPU than running them (docs/api.md). The SQL is what
#: the querysets ``Person.filter(pk__in=...).values_list("pk", "shielded", "links__record_id")``
#: and ``ReviewItem.filter(Q(record_a_id__in=...) | Q(record_b_id__in=...))`` with each side's
#: ``link__person__shielded`` compiled to, less the joins to each side's ``PersonRecord`` (a review
#: item's records are non-null foreign keys, so those joins only cost planning: 1.3 ms of it, five
#: times the rest, on a 3,000-child partnership).
_PEOPLE = ("SELECT p.id, p.shielded, l.record_id FROM signpost_person p "
           "LEFT OUTER JOIN signpost_recordlink l ON p.id = l.person_id WHERE p.id IN ({ids})")
_PAIR = ("SELECT r.record_a_id, r.record_b_id, pa.shielded, pb.shielded FROM signpost_reviewitem r "
         "LEFT OUTER JOIN signpost_recordlink la ON r.record_a_id = la.record_id "
         "LEFT OUTER JOIN signpost_person pa ON la.person_id = pa.id "
         "LEFT OUTER JOIN signpost_recordlink lb ON r.record_b_id = lb.record_id "
         "LEFT OUTER JOIN signpost_person pb ON lb.person_id = pb.id ")
#: One branch per side, not ``a IN … OR b IN …``: PostgreSQL's generic plan for a prepared
#: statement, not knowing the list's length, scanned every review item for the OR (3,083 at
#: 100,000 children, on every page); each branch alone keeps to its side's index. A pair with both
#: records asked about comes twice, which :func:`protected` does not mind.
_PAIRS = f"{_PAIR}WHERE r.record_a_id IN ({{ids}}) UNION ALL {_PAIR}WHERE r.record_b_id IN ({{ids}})"


def protected(person_ids: Iterable[int], using: str) -> set[int]:
    """The people among ``person_ids`` a reader may not see without breaking glass for them.

    Shielded people, and people with a record in an open review item whose other record belongs
    to a shielded person (a candidate duplicate of a shielded child). Indexed lookups that start
    from the people asked about (primary key, ``RecordLink.person``, the review items' record
    keys), so the cost does not grow with the partnership: two queries (the people with their
    records; the open pairs with the shielding of the record on each side), one with no records.
    """
    ids = sorted(set(person_ids))
    if not ids:
        return set()
    found: set[int] = set()
    owner: dict[int, int] = {}  # record id -> its (unshielded) person, of the people asked about
    for pk, shielded, record in sql.read(_PEOPLE, ids, using):
        if shielded:
            found.add(pk)
        elif record is not None:
            owner[record] = pk
    if not owner:
        return found
    # each open pair touching their records, with whether the record on either side belongs to a
    # shielded person (a record not linked to anyone belongs to nobody shielded)
    for a, b, a_shielded, b_shielded in sql.read(_PAIRS, list(owner), using, times=2):
        if a in owner and b_shielded:
            found.add(owner[a])
        if b in owner and a_shielded:
            found.add(owner[b])
    return found


def protected_records(record_ids: Iterable[int], using: str) -> set[int]:
    """The records among ``record_ids`` that belong to a protected person (for the review queue)."""
    ids = set(record_ids)
    people = dict(
        RecordLink.objects.using(using).filter(record_id__in=ids).values_list("record_id", "person_id")
    )
    hidden = protected(people.values(), using)
    shielded_records = set(
        RecordLink.objects.using(using)
        .filter(person__shielded=True, record_id__in=ids)
        .values_list("record_id", flat=True)
    )
    return {r for r, p in people.items() if p in hidden} | shielded_records


def hub_contact(person_id: int, using: str) -> str:
    """Whom to contact about a protected person: their shield's hub, else (a candidate duplicate)
    the hub of the shielded person their record may belong to."""
    contact = (
        Person.objects.using(using).filter(pk=person_id).values_list("shield_contact", flat=True).first()
    )
    if not contact:
        mine = RecordLink.objects.using(using).filter(person_id=person_id).values("record_id")
        pairs = ReviewItem.objects.using(using).filter(Q(record_a_id__in=mine) | Q(record_b_id__in=mine))
        others = {r for pair in pairs.values_list("record_a_id", "record_b_id") for r in pair}
        contact = (
            RecordLink.objects.using(using)
            .filter(record_id__in=others, person__shielded=True)
            .exclude(person__shield_contact="")
            .values_list("person__shield_contact", flat=True)
            .first()
        )
    return contact or "the safeguarding hub"


# --- break glass ---------------------------------------------------------------------------------

#: An account of the emergency must say something: this many characters, words and letters.
MIN_ACCOUNT = 20
MIN_WORDS = 4
MIN_DISTINCT_LETTERS = 8


def account_problem(account: str) -> str | None:
    """Why a break-glass account of the emergency is not one, or None when it is."""
    words = re.findall(r"[^\W\d_]{2,}", account)
    letters = {c for c in account.casefold() if c.isalpha()}
    if len(account) < MIN_ACCOUNT or len(words) < MIN_WORDS or len(letters) < MIN_DISTINCT_LETTERS:
        return (
            f"say what the emergency is in words (at least {MIN_ACCOUNT} characters and {MIN_WORDS} "
            "words): the hub will read it"
        )
    return None


@dataclasses.dataclass(frozen=True)
class Override:
    """The break-glass grant a reader holds in their session, if any."""

    person_id: int
    until: float

    @classmethod
    def of(cls, session: MutableMapping[str, Any]) -> Override | None:
        """The grant still in force, or None (an expired one is removed)."""
        held = session.get(OVERRIDE_KEY)
        if not isinstance(held, dict):
            return None
        if float(held.get("until", 0)) <= time.time():
            session.pop(OVERRIDE_KEY, None)
            return None
        return cls(int(held["person"]), float(held["until"]))

    @staticmethod
    def grant(session: MutableMapping[str, Any], person_id: int) -> None:
        """Break glass for one child, for ``JIGSAW_OVERRIDE_MINUTES``; replaces any other grant."""
        minutes = float(getattr(settings, "JIGSAW_OVERRIDE_MINUTES", 30))
        session[OVERRIDE_KEY] = {"person": person_id, "until": time.time() + minutes * 60}

    @staticmethod
    def end(session: MutableMapping[str, Any]) -> None:
        session.pop(OVERRIDE_KEY, None)


def granted(session: MutableMapping[str, Any], opening: int | None) -> set[int]:
    """The people this reader has broken glass for, while opening ``opening`` (None: no child).

    Opening any other child (or searching) ends the override: it is for one child's emergency.
    """
    held = Override.of(session)
    if held is None:
        return set()
    if opening != held.person_id:
        Override.end(session)
        return set()
    return {held.person_id}


# --- showing what is allowed ---------------------------------------------------------------------


def guard_chronology(chronology: Any, hidden: set[int]) -> Any:
    """A chronology with every hidden person other than its subject reduced to a placeholder.

    Their events go; their label, name, birth date and basis become :data:`PROTECTED`; their
    names are scrubbed from the descriptions of everyone else's events.
    """
    hidden = hidden - {chronology.person_id}
    if not hidden or not any(s.person_id in hidden for s in chronology.subjects):
        return chronology
    names = [n for s in chronology.subjects if s.person_id in hidden for n in (s.name, *s.name_variants)]
    scrub = _scrubber(names)
    subjects = [
        dataclasses.replace(
            s, label=PROTECTED, name=PROTECTED, birth_date=None, basis=PROTECTED, name_variants=()
        )
        if s.person_id in hidden
        else s
        for s in chronology.subjects
    ]
    entries = [
        dataclasses.replace(e, description=scrub(e.description))
        for e in chronology.entries
        if e.person_id not in hidden
    ]
    return dataclasses.replace(chronology, subjects=subjects, entries=entries)


def _scrubber(names: list[str]):
    words = sorted({w for n in names for w in [n, *n.split()] if len(w.strip()) >= 2}, key=lambda w: -len(w))
    if not words:
        return lambda text: text
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")(?!\w)", re.IGNORECASE)
    return lambda text: pattern.sub(PROTECTED, text)
