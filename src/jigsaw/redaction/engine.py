"""The redaction engine: layered detection, precedence, one pseudonym per entity, the report.

Layers, strongest first (see :mod:`.spans`): validated identifiers; the review's known people,
organisations, addresses and places; shape patterns (dates, street addresses, named schools and
practices); the statistical model (Presidio on the pinned spaCy model) for people and places the
records do not know; later mentions of a name the model found once. Whatever is left that looks
like a name (a capitalised word mid-sentence that never appears in lower case) is listed for a
person to check, never silently passed.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace

from . import patterns
from .aliases import _HONORIFIC, AliasTable
from .dates import DatePolicy, date_candidates
from .known import KnownEntity, validate_known
from .labels import Labeller, org_kind
from .ner import ModelLayer, UnknownPeople, lowercase_words
from .spans import KNOWN, MODEL, PATTERN, Candidate, resolve
from .vocabulary import NOT_NAMES

_FIXED = {"nhs_number": "[NHS number]", "postcode": "[postcode]", "phone": "[phone number]",
          "email": "[e-mail address]", "address": "[address]", "place": "[place]", "date": "[date]"}
_SENTENCE_MARKS = frozenset(".!?:\n\"“(•*-")
_HONORIFIC_BEFORE = re.compile(_HONORIFIC + r"$")
_THE_BEFORE = re.compile(r"\b[Tt]he\s+$")
#: how far back a title or "the" before a span is looked for
_LOOK_BACK = 16
#: a capitalised word and one space just before a surname ("Nadia" in "Nadia Begum")
_GIVEN_BEFORE = re.compile(r"(?<![\w'’-])([A-Z][a-z]+(?:-[A-Z][a-z]+)?) $")
_CAPITALISED = re.compile(r"(?<![\w'’-])[A-Z][a-z]+(?:['’-][A-Za-z]+)*(?![\w-])")
@dataclass(frozen=True, slots=True)
class Replacement:
    """One report item: ``text[start:end]`` of the original became ``replacement``.

    ``replacement`` is ``None`` for an item only listed for a person to check (a leftover
    capitalised word); ``check`` is true for every item a person should confirm. The original
    text is never part of an item.
    """

    start: int
    end: int
    category: str
    replacement: str | None
    reason: str
    check: bool = False

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Redaction:
    """The redacted text and every item of its report, in the original's order."""

    text: str
    replacements: list[Replacement]

    @property
    def report(self) -> list[dict[str, object]]:
        return [item.as_dict() for item in self.replacements]


class Redactor:
    """Redacts the narratives of one review; pseudonyms stay the same across calls.

    ``known`` is the review's list of known entities (from ``KNOWN.csv`` or the review's
    records); ``use_model=False`` leaves the statistical layer out (records and patterns only).
    """

    def __init__(self, known: Iterable[KnownEntity], policy: DatePolicy | None = None,
                 use_model: bool = True) -> None:
        self.known = validate_known(known)
        self.policy = policy or DatePolicy()
        self.aliases = AliasTable(self.known)
        self.labeller = Labeller(self.known)
        self.labels = {f"known:{i}": self.labeller.for_known(e) for i, e in enumerate(self.known)}
        self.model = ModelLayer() if use_model else None
        self.unknown = UnknownPeople(new_label=lambda: self.labeller.person("other"))

    def redact(self, text: str) -> Redaction:
        """Find, resolve and replace; see the module docstring for the layers' order."""
        candidates, dated = self._candidates(text)
        spans = self._people_not_places(text, resolve(text, candidates))
        echoes = self.unknown.echoes(text, spans)
        if echoes:
            spans = resolve(text, [*spans, *echoes])
        items = [self._replacement(text, span, dated) for span in spans]
        items = [self._absorb(text, item, span) for item, span in zip(items, spans, strict=True)]
        for n in range(1, len(items)):  # a title or "the" taken in never reaches into the span before
            if items[n].start < items[n - 1].end:
                items[n] = replace(items[n], start=items[n - 1].end)
        leftovers = self._leftovers(text, spans)
        output = _apply(text, items)
        return Redaction(output, sorted([*items, *leftovers], key=lambda r: (r.start, r.end)))

    def _people_not_places(self, text: str, spans: list[Candidate]) -> list[Candidate]:
        """A "place" the model found that is the name of an unknown person met before is that person."""
        names = self.unknown.words()
        return [replace(s, category="person", reason=s.reason + "; the name of a person met before")
                if s.rank == MODEL and s.category == "place" and text[s.start:s.end] in names else s
                for s in spans]

    # -- detection -----------------------------------------------------------------------------

    def _candidates(self, text: str) -> tuple[list[Candidate], dict[tuple[int, int], str]]:
        found: list[Candidate] = []
        for detect in patterns.DETECTORS:
            found.extend(detect(text))
        found.extend(self._known(text))
        dated = {}
        for cand, replacement in date_candidates(text, self.policy):
            found.append(cand)
            dated[(cand.start, cand.end)] = replacement
        if self.model:
            found.extend(self.model.candidates(text))
        return _places_inside_names(found), dated

    def _known(self, text: str) -> Iterable[Candidate]:
        if self.aliases.pattern is None:
            return
        lower = None
        for m in self.aliases.pattern.finditer(text):
            form, honorific = m.group("form"), m.group("hon") or ""
            targets = self.aliases.candidates_for(form, honorific)
            first = targets[0]
            before = _GIVEN_BEFORE.search(text, max(0, m.start() - _LOOK_BACK * 2), m.start())
            if first.how == "surname" and not honorific and (given := before):
                lower = lowercase_words(text) if lower is None else lower
                if given.group(1) not in NOT_NAMES and given.group(1).lower() not in lower:
                    # "Nadia Begum" when only Saima Begum is known: another person of the family
                    yield Candidate(given.start(1), m.end(), "person", KNOWN,
                                    "a given name the records do not know, before a known surname",
                                    "person", check=True)
                    continue
            category = self.aliases.form_category[(form, first.index)]
            start = m.start() if category == "person" else m.start("form")
            # several rows with one label are one person written several ways (a review's records)
            shared = len({self.labels[f"known:{t.index}"] for t in self.aliases.forms[form]})
            reason = f"known {category} ({first.how})"
            if shared > 1:
                reason += f"; {shared} known entities are written this way"
            ambiguous = shared > 1
            yield Candidate(start, m.end(), category, KNOWN, reason, f"known:{first.index}",
                            check=ambiguous or first.how in ("short", "initials", "street"))

    # -- replacement ---------------------------------------------------------------------------

    def _replacement(self, text: str, span: Candidate, dated: dict[tuple[int, int], str]) -> Replacement:
        if span.key in self.labels and not self._town_of_address(span):
            label = self.labels[span.key]
        elif span.category == "date":
            label = dated.get((span.start, span.end), "[date]")
        elif span.category == "organisation":
            label = self._org_label(span.key)
        elif span.category == "person":
            label = self.unknown.person_label(text[span.start:span.end])
        else:
            label = _FIXED.get(span.category, "[redacted]")
        return Replacement(span.start, span.end, span.category, label, span.reason,
                           span.check or span.rank >= MODEL)

    def _town_of_address(self, span: Candidate) -> bool:
        """The town of a known address is a place, not the address ("[place]", not "[address]")."""
        if not span.key.startswith("known:"):
            return False
        return self.known[int(span.key[6:])].category != span.category

    def _org_label(self, key: str) -> str:
        if key not in self.labels:
            self.labels[key] = self.labeller.organisation(org_kind(key.removeprefix("org:")))
        return self.labels[key]

    def _absorb(self, text: str, item: Replacement, span: Candidate) -> Replacement:
        """Take in a title before a person ("Mrs"), or "the" before "the school"; fix capitals."""
        start, label = item.start, item.replacement or ""
        back = max(0, start - _LOOK_BACK)
        titled = span.category == "person" and span.rank != KNOWN
        if titled and (m := _HONORIFIC_BEFORE.search(text, back, start)):
            start = m.start()
        if label.startswith("the ") and (m := _THE_BEFORE.search(text, back, start)):
            start = m.start()
        if _starts_sentence(text, start) and label[:1].islower():
            label = label[0].upper() + label[1:]
        return Replacement(start, item.end, item.category, label, item.reason, item.check)

    def _leftovers(self, text: str, spans: list[Candidate]) -> list[Replacement]:
        covered = [(s.start, s.end) for s in spans]
        lower = lowercase_words(text)
        out = []
        j = 0
        for m in _CAPITALISED.finditer(text):
            while j < len(covered) and covered[j][1] <= m.start():
                j += 1
            if j < len(covered) and covered[j][0] < m.end():
                continue
            word = m.group()
            if word in NOT_NAMES or word.lower() in lower or _starts_sentence(text, m.start()):
                continue
            out.append(Replacement(m.start(), m.end(), "unknown", None,
                                   "capitalised word left unchanged: check it is not a name", True))
        return out


def _places_inside_names(found: list[Candidate]) -> list[Candidate]:
    """A known town inside a street or a practice's name ("112 Leeds Road", "Leeds Family
    Practice") is part of that name: the whole becomes "[address]" or "the GP practice"."""
    holders = sorted((c.start, c.end) for c in found
                     if c.rank == PATTERN and c.category in ("address", "organisation"))
    if not holders:
        return found

    def inside(c: Candidate) -> bool:
        i = bisect.bisect_right(holders, (c.start, 1 << 62))  # holders starting at or before c
        return any(c.end <= e and (s, e) != (c.start, c.end) for s, e in holders[max(0, i - 8):i])

    return [c for c in found if not (c.rank == KNOWN and c.category == "place" and inside(c))]


def _starts_sentence(text: str, at: int) -> bool:
    """True when only spaces lie between ``at`` and the start of text or a sentence mark."""
    i = at - 1
    while i >= 0 and text[i] in " \t":
        i -= 1
    return i < 0 or text[i] in _SENTENCE_MARKS


def _apply(text: str, items: list[Replacement]) -> str:
    out, at = [], 0
    for item in items:
        out.append(text[at:item.start])
        out.append(item.replacement or "")
        at = item.end
    out.append(text[at:])
    return "".join(out)


def redact_text(text: str, known: Iterable[KnownEntity], policy: DatePolicy | None = None,
                use_model: bool = True) -> Redaction:
    """One-call form of :class:`Redactor` for a single text."""
    return Redactor(known, policy, use_model).redact(text)


