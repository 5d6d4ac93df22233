"""Rows of the canonical feed built from a return's fields, shared by the CIN and 903 readers.

A return describes children and dated episodes of work; the readers turn each child into a
``people`` row (names unknown: the returns carry none) and each date into an ``events`` row of
the event vocabulary, with the DfE codes decoded into words in the summary and kept as sent in
``details``. Rows then go through the same parsers, staging and outcomes as any feed.

Event ids are built from the child's id, the dates and what happened, so re-sending a return
(or next year's, which repeats open episodes) updates the same events rather than adding more.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from ..readers import SourceRow
from ..rows import details_json
from . import codes


@dataclass(slots=True)
class Lines:
    """Line numbers that are unique within one part (a file written on one line still works).

    Rows are quarantined and re-read by line, so two rows may not share one; an element on the
    same line as the previous row's gets the next free number.
    """

    last: int = 0

    def take(self, line: int | None) -> int:
        line = line or 0
        self.last = line if line > self.last else self.last + 1
        return self.last


@dataclass(slots=True)
class Notes:
    """Warnings gathered for one row while decoding its codes."""

    items: list[tuple[str, str]] = field(default_factory=list)

    def code(self, codes_list: dict[str, str], code: str | None, field_name: str,
             spec: str) -> str | None:
        """Words for a code; an unknown code is a warning and keeps the code as sent."""
        if not code:
            return None
        found = codes.words(codes_list, code)
        if found is None:
            self.items.append((field_name, f"{field_name} code is not in the {spec} code list; "
                                           "kept as sent"))
        return found


def iso_date(text: str | None) -> str | None:
    """A CIN date (``YYYY-MM-DD``) checked, or None when it is not one."""
    return _iso_date((text or "").strip())


@lru_cache(maxsize=1 << 14)  # a return's dates repeat: a year has 365 of them
def _iso_date(text: str) -> str | None:
    if len(text) != 10:
        return None
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        return None


def dmy_date(text: str | None) -> str | None:
    """A 903 date (``dd/mm/yyyy``) as ISO, or None when it is not one."""
    return _dmy_date((text or "").strip())


@lru_cache(maxsize=1 << 14)
def _dmy_date(text: str) -> str | None:
    parts = text.split("/")
    if len(parts) != 3 or len(parts[2]) != 4:
        return None
    try:
        return date(int(parts[2]), int(parts[1]), int(parts[0])).isoformat()
    except ValueError:
        return None


def phrase(label: str, code: str | None, meaning: str | None) -> str | None:
    """``label: CODE meaning`` for a summary, or None when there was no code."""
    if not code:
        return None
    return f"{label}: {code} {meaning}" if meaning else f"{label}: {code} (unknown code)"


def summary(head: str, parts: Iterable[str | None]) -> str:
    said = [p for p in parts if p]
    return f"{head} — {'; '.join(said)}" if said else head


def person_row(source: str, line: int, raw: str, child_id: str, birth: str, sex: str,
               upn: str, ethnicity: str, notes: Notes) -> SourceRow:
    """A child known to the return only: its identifiers, no names (people columns order).

    Disability is left unknown here: only the CIN census carries it, and a flag the SSDA903
    header then blanks would change the record at every import of either return. The CIN
    codes stay on the referral events (``details.disabilities``).
    """
    values = [source, child_id, "", "", birth, "", sex, "", upn, "", "", "", "true",
              ethnicity, "", ""]
    return SourceRow(line, raw, values, None, tuple(notes.items))


def details_text(details: dict) -> str:
    """``details`` as stored (compact sorted JSON), leaving out what the return left blank.

    A return repeats a few code combinations many thousands of times, so the text is
    memoised on the (hashable) items.
    """
    return _details_text(tuple((k, tuple(v) if isinstance(v, list) else v)
                               for k, v in details.items() if v not in (None, "", [])))


@lru_cache(maxsize=1 << 14)
def _details_text(items: tuple) -> str:
    return details_json({k: list(v) if isinstance(v, tuple) else v for k, v in items})


def event_row(source: str, line: int, raw: str, event_id: str, child_id: str, event_type: str,
              occurred: str, text: str, details: dict | str,
              notes: Notes | tuple[tuple[str, str], ...]) -> SourceRow:
    """One dated fact of the return (events columns order); ``details`` may come as its
    stored text already (rows without codes share one)."""
    values = [source, event_id, child_id, event_type, occurred, "", "", "", "", text, "fact", "",
              details if isinstance(details, str) else details_text(details)]
    return SourceRow(line, raw, values, None,
                     notes if isinstance(notes, tuple) else tuple(notes.items))


def held_row(line: int, raw: str) -> SourceRow:
    """A child the source system has sent itself: the row is read, and counted unchanged, but
    nothing is loaded from it (the source's own record keeps its names; events attach to it)."""
    return SourceRow(line, raw, None)


def problem_row(line: int, raw: str, reason: str) -> SourceRow:
    """A row the reader can already tell cannot load (it is quarantined with its reason)."""
    return SourceRow(line, raw, None, reason)


def refuse(row: SourceRow, reason: str) -> SourceRow:
    """Quarantine a built row: it keeps its values, so the quarantine entry carries the
    record's id and resolves when the record is re-sent fixed."""
    row.problem = reason
    return row
