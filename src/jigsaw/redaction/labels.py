"""Pseudonyms: one per person or place, in the style of published reviews.

Published local child safeguarding practice reviews name the subject "Child A", family members
by relationship ("Mother", "Father", "Sibling 1") and professionals by role ("Health Visitor 1"),
and speak of "the school" or "the GP practice" (DESIGN.md, Domain notes: "anonymised: Child A,
Mother, Father, roles for professionals"). A ``label`` in the known list always wins.
"""

from __future__ import annotations

import re
from collections import Counter

from .known import KnownEntity

#: roles that take a single label while unique ("Mother"), numbered when there are several
_SINGLE = {"mother": "Mother", "father": "Father"}
#: roles that are always numbered ("Sibling 1")
_NUMBERED = {"sibling": "Sibling", "carer": "Carer", "relative": "Relative",
             "professional": "Professional", "other": "Person"}

#: organisation kinds, tested in order against the name; the generic name reads in a sentence
ORG_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("nursery", re.compile(r"\b(?:Nursery|Pre-?[Ss]chool|Children'?s Centre|Day Care|Playgroup)\b")),
    ("school", re.compile(r"\b(?:School|Academy|College|Primary|Infants?|Juniors?|High|Grammar)\b")),
    ("GP practice", re.compile(r"\b(?:Surgery|Medical (?:Centre|Practice|Group)|Health Centre|"
                               r"Family Practice|Practice|GP)\b")),
    ("hospital", re.compile(r"\b(?:Hospital|Infirmary|Hospitals)\b")),
)


def org_kind(name: str) -> str:
    """``"school"``, ``"nursery"``, ``"GP practice"``, ``"hospital"`` or ``"organisation"``."""
    for kind, pattern in ORG_KINDS:
        if pattern.search(name):
            return kind
    return "organisation"


class Labeller:
    """Hands out pseudonyms, numbering a kind only when more than one of it is known."""

    def __init__(self, known: list[KnownEntity]) -> None:
        self._counts: Counter[str] = Counter()
        self._known_kinds: Counter[str] = Counter()
        for entity in known:
            if entity.category == "person" and not entity.label:
                self._known_kinds[entity.role] += 1
            elif entity.category == "organisation" and not entity.label:
                self._known_kinds[org_kind(entity.text)] += 1

    def _next(self, kind: str) -> int:
        self._counts[kind] += 1
        return self._counts[kind]

    def for_known(self, entity: KnownEntity) -> str:
        """The pseudonym of one known entity (call once per entity, in the list's order)."""
        if entity.label:
            return entity.label
        if entity.category == "person":
            return self.person(entity.role)
        if entity.category == "organisation":
            return self.organisation(org_kind(entity.text))
        return "[address]" if entity.category == "address" else "[place]"

    def person(self, role: str) -> str:
        """Child A, Child B...; Mother (Mother 2 if a second); Sibling 1, Professional 1..."""
        n = self._next(role)
        if role == "child":
            return "Child " + _letters(n)
        if role in _SINGLE:
            return _SINGLE[role] if n == 1 else f"{_SINGLE[role]} {n}"
        return f"{_NUMBERED.get(role, 'Person')} {n}"

    def organisation(self, kind: str) -> str:
        """"the school" while it is the only one known; "School 1", "School 2" otherwise."""
        n = self._next("org:" + kind)
        if self._known_kinds[kind] <= 1 and n == 1:
            return f"the {kind}"
        return f"{kind[0].upper()}{kind[1:]} {n}"


def _letters(n: int) -> str:
    """1 -> A, 26 -> Z, 27 -> AA."""
    out = ""
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out
