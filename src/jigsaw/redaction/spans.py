"""Candidate spans from every layer, and the precedence that decides between them.

Each layer proposes :class:`Candidate` spans with a *rank*: lower is stronger. Resolution takes
the strongest first (ties: the longer span, then the earlier one) and cuts every weaker
candidate around what is already accepted, so a checksum-validated NHS number is never
swallowed by a wider, weaker span (Presidio's own conflict rule drops a contained span whatever
its score, which is how an NHS number became a "phone number" in the measured baseline; see
docs/redaction.md). A weaker span's leftover pieces survive only if they still hold a letter or
digit.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, replace

#: ranks, strongest first
VALIDATED = 0   # checksum- or format-validated identifiers: NHS number, e-mail, phone, postcode
KNOWN = 1       # the review's own records: known people, organisations, addresses, places
PATTERN = 2     # shape-based patterns: dates, street addresses, named schools and practices
MODEL = 3       # the statistical model (Presidio with spaCy) for what the records do not know
ECHO = 4        # later mentions of a name the model found once


@dataclass(frozen=True, slots=True)
class Candidate:
    """A proposed replacement of ``text[start:end]``.

    ``key`` names the entity (one pseudonym per key, not per string); ``check`` marks spans a
    person should confirm (model guesses, ambiguous names).
    """

    start: int
    end: int
    category: str
    rank: int
    reason: str
    key: str
    check: bool = False


def _strip(text: str, c: Candidate) -> Candidate | None:
    """Trim spaces and edge punctuation; ``None`` when no letter or digit is left."""
    start, end = c.start, c.end
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    if end - start < 2 and (start, end) != (c.start, c.end):
        return None  # a cut left one character ("s" of a possessive): nothing to name
    if start >= end:
        return None
    return c if (start, end) == (c.start, c.end) else replace(c, start=start, end=end)


def resolve(text: str, candidates: list[Candidate]) -> list[Candidate]:
    """Non-overlapping spans in text order, strongest layer first, weaker ones cut around them."""
    order = sorted(candidates, key=lambda c: (c.rank, -(c.end - c.start), c.start))
    starts: list[int] = []
    taken: list[Candidate] = []
    for cand in order:
        pieces = [cand]
        i = bisect.bisect_right(starts, cand.start) - 1
        lo = max(i, 0)
        # accepted spans that may overlap: from the one starting at or before cand.start onward
        j = lo
        while j < len(taken) and taken[j].start < cand.end:
            held = taken[j]
            next_pieces = []
            for piece in pieces:
                if held.end <= piece.start or held.start >= piece.end:
                    next_pieces.append(piece)
                    continue
                if piece.start < held.start:
                    next_pieces.append(replace(piece, end=held.start))
                if held.end < piece.end:
                    next_pieces.append(replace(piece, start=held.end))
            pieces = next_pieces
            j += 1
        for piece in pieces:
            kept = _strip(text, piece)
            if kept is None:
                continue
            k = bisect.bisect_left(starts, kept.start)
            starts.insert(k, kept.start)
            taken.insert(k, kept)
    return taken
