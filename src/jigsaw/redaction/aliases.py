"""Every way a review may write a known name, and the entity each way points to.

A person is written many ways in one report: "Kayden", "Kayden Morris", "Mr Morris",
"K. Morris", "KM", a nickname ("Bill" for William, from the identity engine's nickname table),
a part of a hyphenated given name ("Lacey" for Lacey-Mae), or in capitals. All of them map to
the person, so all get the person's one pseudonym. Matching is case-sensitive on whole words:
a deny-list matched without case tagged "hope", "summer" and "grace" in ordinary prose in the
measured baseline (docs/redaction.md). A surface form shared by several known people (a
surname, a given name) is still replaced, with the first candidate's label, and marked for a
person to check.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .known import KnownEntity
from .labels import ORG_KINDS
from .vocabulary import HONORIFICS

#: honorifics absorbed into a person's span, so "Mr Morris" becomes "Father", not "Mr Father"
_MALE = frozenset({"Mr", "Master", "Sir", "Lord"})
_FEMALE = frozenset({"Mrs", "Ms", "Miss", "Dame", "Lady"})
_ADULT = frozenset(HONORIFICS) - {"Master", "Miss"}
_HONORIFIC = r"(?:(?:" + "|".join(HONORIFICS) + r")\.?\s+)"
#: the identity engine's nickname table (formal,short), read as data so no linkage code loads
NICKNAMES = Path(__file__).resolve().parent.parent / "identity" / "data" / "nicknames.csv"
#: one word of an organisation kind ("School", "Primary", "Centre"), for dropping from the end
_EXTRA_ORG_WORDS = ("|Centre|Medical|Health|Infant|Junior|C|of|E|CE|RC|Catholic|Community|Church|"
                    "Academy|Trust|and")
_ORG_WORDS = tuple(
    (kind, re.compile(pattern.pattern.removeprefix(r"\b").removesuffix(r"\b") + _EXTRA_ORG_WORDS))
    for kind, pattern in ORG_KINDS)
#: lower-case words that belong to a surname ("de Souza", "van der Berg", "bin Laden")
_PARTICLES = frozenset({"de", "da", "di", "du", "del", "della", "der", "den", "van", "von", "le", "la",
                        "al", "el", "bin", "ben", "ap", "st"})
_SAINT = re.compile(r"\b(?:St\.?|Saint)\s")


@dataclass(frozen=True, slots=True)
class Target:
    """What one surface form refers to: the entity's index, and how the form was made."""

    index: int
    how: str  # full, given, surname, initials, nickname, part, short


@cache
def _nickname_groups() -> dict[str, frozenset[str]]:
    """lower-case given name -> every other name of its nickname groups (both directions)."""
    groups: defaultdict[str, set[str]] = defaultdict(set)
    if not NICKNAMES.exists():
        return {}
    with NICKNAMES.open(encoding="utf-8", newline="") as f:
        rows = [(r["formal"].strip().lower(), r["short"].strip().lower()) for r in csv.DictReader(f)]
    members: defaultdict[str, set[str]] = defaultdict(set)
    for formal, short in rows:
        members[formal].update((formal, short))
    for names in members.values():
        for name in names:
            groups[name].update(names - {name})
    return {k: frozenset(v) for k, v in groups.items()}


def _title(word: str) -> str:
    return "-".join(p[:1].upper() + p[1:] for p in word.split("-"))


def _strip_honorific(text: str) -> str:
    return re.sub(r"^" + _HONORIFIC, "", text)


def person_forms(name: str) -> dict[str, str]:
    """Surface form -> how it was made, for one person's name."""
    words = _strip_honorific(name).split()
    forms: dict[str, str] = {" ".join(words): "full"}
    given, surname = words[0], (words[-1] if len(words) > 1 else "")
    first_of_surname = len(words) - 1
    while first_of_surname > 1 and words[first_of_surname - 1].lower() in _PARTICLES:
        first_of_surname -= 1  # "de Souza", "van der Berg": the particles belong to the surname
    if surname and first_of_surname < len(words) - 1:
        forms.setdefault(" ".join(words[first_of_surname:]), "surname")
    forms.setdefault(given, "given")
    if "-" in given:  # Lacey-Mae: "Lacey", "Lacey Mae"
        forms.setdefault(given.split("-")[0], "part")
        forms.setdefault(given.replace("-", " "), "part")
    for nick in sorted(_nickname_groups().get(given.lower(), ())):
        forms.setdefault(_title(nick), "nickname")
    if surname:
        forms.setdefault(surname, "surname")
        for first in [g for g, how in list(forms.items()) if how in ("given", "part", "nickname")]:
            forms.setdefault(f"{first} {surname}", "full")
        initial = given[0]
        for sep in (". ", " ", "."):
            forms.setdefault(f"{initial}{sep}{surname}", "initials")
        letters = "".join(w[0] for w in words if w[0].isupper())
        if len(letters) >= 2:
            forms.setdefault(letters, "initials")
            forms.setdefault(".".join(letters) + ".", "initials")
    for form, how in list(forms.items()):
        if len(form) > 3 and how != "initials":
            forms.setdefault(form.upper(), how)
    return _apostrophes(forms)


def _apostrophes(forms: dict[str, str]) -> dict[str, str]:
    """Each form with a straight apostrophe also with a typographic one, and the reverse."""
    for form, how in list(forms.items()):
        for a, b in (("'", "’"), ("’", "'")):
            if a in form:
                forms.setdefault(form.replace(a, b), how)
    return forms


def organisation_forms(name: str) -> dict[str, str]:
    """Surface form -> how, for a school, practice, nursery...: with or without "The", "St"."""
    base = re.sub(r"^[Tt]he\s+", "", name)
    forms = {base: "full"}
    if _SAINT.search(base):
        for saint in ("St ", "St. ", "Saint "):
            forms.setdefault(_SAINT.sub(saint, base), "full")
    for form in list(forms):
        words = form.split()
        while len(words) > 1 and any(p.fullmatch(words[-1]) for _k, p in _ORG_WORDS):
            words = words[:-1]
            stem = " ".join(words)
            if len(stem) >= 4 and not any(p.fullmatch(stem) for _k, p in _ORG_WORDS):
                forms.setdefault(stem, "short")
    for form, how in list(forms.items()):
        forms.setdefault(form.upper(), how)
    return _apostrophes(forms)


def address_forms(text: str) -> dict[str, tuple[str, str]]:
    """Surface form -> (category, how) for an address: whole, first line, street, town."""
    forms = {text: ("address", "full")}
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if len(parts) > 1 and re.fullmatch(r"(?:Flat|Apartment|Unit|Room)\s+\w+", parts[0]):
        parts[:2] = [f"{parts[0]}, {parts[1]}"]  # "Flat 3, 27 Mill Lane" is one line
    if parts:
        forms.setdefault(parts[0], ("address", "line"))
        street = re.sub(r"^(?:Flat\s+\w+\s+)?\d+[A-Za-z]?\s+", "", parts[0])
        if street != parts[0]:
            forms.setdefault(street, ("address", "street"))
        for part in parts[1:]:
            if not re.search(r"\d", part):  # a town or district; the postcode has its own layer
                forms.setdefault(part, ("place", "town"))
    return forms


class AliasTable:
    """All surface forms of all known entities, matched in one pass of one regular expression."""

    def __init__(self, known: list[KnownEntity]) -> None:
        self.known = known
        self.forms: dict[str, list[Target]] = defaultdict(list)
        self.form_category: dict[tuple[str, int], str] = {}
        for index, entity in enumerate(known):
            if entity.category == "person":
                items = {f: ("person", how) for f, how in person_forms(entity.text).items()}
            elif entity.category == "organisation":
                items = {f: ("organisation", how) for f, how in organisation_forms(entity.text).items()}
            elif entity.category == "address":
                items = address_forms(entity.text)
            else:
                items = {entity.text: ("place", "full")}
            for form, (category, how) in items.items():
                if len(form) < 2 or any(t.index == index for t in self.forms[form]):
                    continue
                self.forms[form].append(Target(index, how))
                self.form_category[(form, index)] = category
        self._drop_weak_shared()
        alternation = "|".join(re.escape(f) for f in sorted(self.forms, key=len, reverse=True))
        self.pattern = (re.compile(rf"(?<![\w-])(?P<hon>{_HONORIFIC})?(?P<form>{alternation})(?![\w-])")
                        if self.forms else None)

    def _drop_weak_shared(self) -> None:
        """A nickname or part shared with another entity's full given name yields to it."""
        for form, targets in list(self.forms.items()):
            strong = [t for t in targets if t.how in ("full", "given", "surname", "line", "street", "town")]
            if strong and len(strong) < len(targets):
                self.forms[form] = strong

    def candidates_for(self, form: str, honorific: str) -> list[Target]:
        """The targets of a form, narrowed by the honorific before it (Mr is not the mother)."""
        targets = self.forms[form]
        hon = honorific.strip().rstrip(".")
        if not hon or len(targets) == 1:
            return targets
        roles = [self.known[t.index].role for t in targets]
        keep = []
        for t, role in zip(targets, roles, strict=True):
            if (hon in _MALE and role == "mother") or (hon in _FEMALE and role == "father"):
                continue
            if hon in _ADULT and role in ("child", "sibling"):
                continue
            keep.append(t)
        return keep or targets
