"""The statistical layer: Presidio's spaCy recognizer on the pinned model, for the people and
places the review's records do not know, and one pseudonym per such person.

What the model says is never trusted alone: every span it adds is marked for a person to check,
and it ranks below the records and the validated patterns (see :mod:`.spans`). spaCy's small
model often calls a person an ORGANIZATION ("Kayden Morris" in the measured baseline), so an
ORGANIZATION made only of two or three plain capitalised words is read as a person.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from .labels import org_kind
from .patterns import GENERIC_HEADS
from .spans import ECHO, MODEL, Candidate
from .vocabulary import HONORIFICS, NOT_NAMES

_LEADING_TITLE = re.compile(r"^(?:(?:" + "|".join(HONORIFICS) + r")\.?\s+)+")
_POSSESSIVE = re.compile(r"['’]s?$")
_NAME_WORD = re.compile(r"^[A-Z][a-z]+(?:['’-][A-Z]?[a-z]+)*$")
#: words that make an ORGANIZATION a body, not a misread person
_BODY_WORDS = frozenset({
    "Council", "Service", "Services", "Team", "Police", "Care", "Social", "Trust", "Board", "Unit",
    "Department", "Court", "Agency", "Partnership", "Centre", "Health", "Housing", "Association",
    "Group", "Limited", "Ltd", "Project", "Society", "Church", "Mosque", "Club", "Children", "Hub",
    "Panel", "Office", "Authority", "Foundation", "Charity", "Network", "Safeguarding", "Front",
    "Door", "Midwifery", "Visiting", "Probation", "Youth", "Justice", "Women's", "Aid", "Refuge"})
#: capitalised words of a titled name that are not the name ("Dr Patel at Ossett" stops at "at")
_NOT_NAME_WORDS = NOT_NAMES | {"The", "And"}
#: characters given to the model at a time (see chunks)
CHUNK = 100_000
REASON = "model: {label} (Presidio, spaCy en_core_web_sm 3.8.0)"


class ModelLayer:
    """Presidio on the pinned model, loaded on first use."""

    def __init__(self, analyzer=None) -> None:
        self._analyzer = analyzer

    @property
    def analyzer(self):
        if self._analyzer is None:
            from .model import shared_analyzer

            self._analyzer = shared_analyzer()
        return self._analyzer

    def candidates(self, text: str) -> list[Candidate]:
        out = []
        for offset, chunk in chunks(text):
            out.extend(self._candidates(chunk, offset, text))
        return out

    def _candidates(self, chunk: str, offset: int, text: str) -> list[Candidate]:
        out = []
        for result in self.analyzer.analyze(chunk, language="en", score_threshold=0):
            start, end, label = result.start + offset, result.end + offset, result.entity_type
            surface = text[start:end]
            words = surface.split()
            if all(w.strip(".,'’") in NOT_NAMES for w in words):
                continue
            if label == "ORGANIZATION":
                named = len(words) >= 2 and words[0] not in GENERIC_HEADS
                if named and org_kind(surface) != "organisation":
                    out.append(Candidate(start, end, "organisation", MODEL, REASON.format(label=label),
                                         "org:" + " ".join(surface.split()), True))
                    continue
                if not _looks_like_person(surface):
                    continue
                label = "PERSON"
            if label == "PERSON":
                if (m := _LEADING_TITLE.match(surface)) is not None:
                    start += m.end()
                if (m := _POSSESSIVE.search(text, start, end)) is not None:
                    end = m.start()
                if start < end:
                    out.append(Candidate(start, end, "person", MODEL, REASON.format(label=label), "person",
                                         True))
            elif label == "LOCATION":
                out.append(Candidate(start, end, "place", MODEL, REASON.format(label=label), "place", True))
        return out



class UnknownPeople:
    """People the records do not know: one label per person, and their later mentions."""

    def __init__(self, new_label: Callable[[], str] | None = None) -> None:
        self._new_label = new_label or _counter()
        self._clusters: list[tuple[set[str], str]] = []  # (name words, label)

    def echoes(self, text: str, spans: list[Candidate]) -> list[Candidate]:
        """Other mentions of the words of names the model found ("Mrs Oduya" after "Helen Oduya")."""
        words = self.words()
        for span in spans:
            if span.category == "person" and span.key == "person":
                words.update(w for w in text[span.start:span.end].split()
                             if _NAME_WORD.match(w) and len(w) > 2 and w not in _NOT_NAME_WORDS)
        if not words:
            return []
        lower_words = lowercase_words(text)
        words = {w for w in words if w.lower() not in lower_words}
        if not words:
            return []
        pattern = re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, sorted(words, key=len, reverse=True)))
                             + r")(?![\w-])")
        return [Candidate(m.start(), m.end(), "person", ECHO, "later mention of a name the model found",
                          "person", True) for m in pattern.finditer(text)]

    def words(self) -> set[str]:
        """Every name word of the unknown people met so far (in this text or an earlier one)."""
        return {w for cluster, _label in self._clusters for w in cluster if len(w) > 2}

    def person_label(self, surface: str) -> str:
        """One label per unknown person: a full name, then its surname or given name alone, agree."""
        words = [w for w in _LEADING_TITLE.sub("", surface).split() if w]
        names = {_POSSESSIVE.sub("", w) for w in words}
        if len(words) >= 2:
            surname = _POSSESSIVE.sub("", words[-1])
            for cluster, label in self._clusters:
                if surname in cluster:
                    cluster.update(names)
                    return label
        else:
            for cluster, label in self._clusters:
                if names & cluster:
                    return label
        label = self._new_label()
        self._clusters.append((names, label))
        return label


def chunks(text: str, size: int = CHUNK) -> Iterator[tuple[int, str]]:
    """(offset, piece) of at most about ``size`` characters, cut at line breaks where possible.

    spaCy refuses texts over a million characters, and memory grows with the text; a review is
    cut between paragraphs, where no name runs across.
    """
    start = 0
    while start < len(text):
        end = min(len(text), start + size)
        if end < len(text):
            cut = text.rfind("\n", start + size // 2, end)
            end = cut + 1 if cut != -1 else end
        yield start, text[start:end]
        start = end


def lowercase_words(text: str) -> set[str]:
    """Words written in lower case somewhere in the text (not inside e-mail addresses or links)."""
    return {w for w in (t.strip(".,;:!?()[]\"'“”‘’") for t in text.split()) if w.isalpha() and w.islower()}


def _looks_like_person(surface: str) -> bool:
    words = surface.split()
    return 2 <= len(words) <= 3 and all(_NAME_WORD.match(w) and w not in _BODY_WORDS for w in words)


def _counter() -> Callable[[], str]:
    n = 0

    def new() -> str:
        nonlocal n
        n += 1
        return f"Person {n}"

    return new
