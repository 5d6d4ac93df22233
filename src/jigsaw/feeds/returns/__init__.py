"""The DfE statutory returns — CIN census XML and SSDA903 CSVs — read as canonical feed rows.

``jigsaw import FILE... --source SYSTEM`` hands each return file here; it comes back as one or
more :class:`ReturnPart` objects, each behaving like a canonical feed file of one kind (people
or events) whose rows belong to SYSTEM. The importer then loads them exactly as it loads any
feed: same row outcomes, quarantine and idempotence. See docs/returns.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..kinds import EVENTS, PEOPLE, FeedKind
from ..readers import FeedFileError, SourceRow
from ..rows import ParsedRow, parse_built_event, parse_unnamed_person
from . import cin, codes, csww, ssda903

__all__ = ["ReturnPart", "codes", "csww", "is_return", "parts_count", "recognise", "return_parts"]


@dataclass(frozen=True)
class ReturnPart:
    """One kind of rows read from a return file (a file may give several parts)."""

    path: Path
    kind: FeedKind
    what: str  # e.g. "CIN census: children"
    read: Callable[[], Iterator[SourceRow]]
    #: the source system the rows belong to (``--source``): the part's even when every row of it
    #: is quarantined, so its quarantine is listed under that system
    source: str = ""

    @property
    def child_field(self) -> str:
        """What the return calls the child's id, for the reasons a row is quarantined with."""
        return "LAchildID" if self.path.suffix.lower() == ".xml" else "CHILD"

    def rows(self) -> Iterator[SourceRow]:
        """The part's rows, each with a line unique within the part."""
        yield from self.read()

    @property
    def parse(self) -> Callable[[list[str], datetime], ParsedRow]:
        """How the importer parses this part's rows: a return's people carry no names, and
        its events were built in canonical form (see ``parse_built_event``)."""
        return parse_unnamed_person if self.kind is PEOPLE else parse_built_event


def recognise(path: Path) -> str | None:
    """``cin`` for an XML file (checked as it is read), the 903 file's role for a CSV whose
    columns are a 903 file's, else None."""
    suffix = path.suffix.lower()
    if suffix == ".xml":
        return "cin"
    if suffix == ".csv" and path.is_file():
        return ssda903.recognise(path)
    return None


def is_return(path: Path) -> bool:
    return recognise(path) is not None


def parts_count(path: Path) -> int:
    """How many times an import reads this file (for a progress bar's total)."""
    return {"cin": 2, "903_header": 1, "903_episodes": 2, "903_missing": 2}.get(
        recognise(path) or "", 1)


def return_parts(path: Path, source: str, known: frozenset[str]) -> list[ReturnPart]:
    """The parts of one return file, people before events.

    ``known`` holds the source system's own person records (by id): a child among them gets no
    people row from the return, and its events attach to the source's record.
    """
    role = recognise(path)
    if role == "cin":
        return [
            ReturnPart(path, PEOPLE, "CIN census: children",
                       lambda: cin.people_rows(path, source, known), source),
            ReturnPart(path, EVENTS, "CIN census: episodes of need",
                       lambda: cin.event_rows(path, source), source),
        ]
    if role == "903_header":
        return [ReturnPart(path, PEOPLE, "SSDA903 header: children",
                           lambda: ssda903.header_rows(path, source, known), source)]
    if role == "903_episodes":
        return [
            ReturnPart(path, EVENTS, "SSDA903 episodes: starts",
                       lambda: ssda903.episode_start_rows(path, source), source),
            ReturnPart(path, EVENTS, "SSDA903 episodes: leaving care",
                       lambda: ssda903.episode_end_rows(path, source), source),
        ]
    if role == "903_missing":
        return [
            ReturnPart(path, EVENTS, "SSDA903 missing: episodes",
                       lambda: ssda903.missing_start_rows(path, source), source),
            ReturnPart(path, EVENTS, "SSDA903 missing: returns",
                       lambda: ssda903.missing_end_rows(path, source), source),
        ]
    if not path.is_file():
        raise FeedFileError(f"{path}: no such file")
    raise FeedFileError(f"{path.name}: not a CIN census XML or an SSDA903 header, episodes or "
                        "missing CSV (recognised by their columns)")
