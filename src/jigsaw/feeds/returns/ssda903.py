"""The children looked after return (SSDA903) CSVs, read as people and events rows.

Files are recognised by their columns, whatever their names (DfE *Children looked after return
(SSDA903) 2024 to 2025: guide*; the column sets match Data to Insight's 903 validator):

* ``header``: CHILD, SEX, DOB, ETHNIC, UPN (MOTHER, MC_DOB) — one row per child;
* ``episodes``: CHILD, DECOM, RNE, LS, CIN, PLACE, PLACE_PROVIDER, DEC, REC, … — one row per
  episode of care; a new episode starts at each change of placement or legal status;
* ``missing``: CHILD, (DOB,) MISSING, MIS_START, MIS_END — one row per missing or away episode.

Dates are ``dd/mm/yyyy``. An episode row is read twice, as two parts of the import: its start
(looked-after start for reason ``S``, a placement change for a new placement, a change of
status otherwise) and, when its reason for ending is a leaving-care code, its end. A missing
row likewise gives the missing episode and, once ended, the return.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from pathlib import Path

from ..readers import FeedFileError, SourceRow, _LineTap
from . import codes
from .build import (
    Lines,
    Notes,
    dmy_date,
    event_row,
    held_row,
    person_row,
    phrase,
    problem_row,
    refuse,
    summary,
)

#: the columns each file must have to be recognised (upper case, as the guide writes them)
SIGNATURES: dict[str, frozenset[str]] = {
    "903_header": frozenset({"CHILD", "SEX", "DOB", "ETHNIC", "UPN"}),
    "903_episodes": frozenset({"CHILD", "DECOM", "RNE", "LS", "PLACE", "DEC", "REC"}),
    "903_missing": frozenset({"CHILD", "MISSING", "MIS_START", "MIS_END"}),
}
#: RNE codes meaning the child moved to a new placement with new carer(s)
NEW_PLACEMENT = frozenset({"P", "B"})
#: UPN "codes" the guide allows in place of a UPN when it is not known (UN1 … UN10)
UPN_UNKNOWN_PREFIX = "UN"


def header_columns(path: Path) -> list[str] | None:
    """The upper-cased header of a CSV file, or None when it has none we can read."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            header = next(csv.reader(f), None)
    except (UnicodeDecodeError, csv.Error, OSError):
        return None
    return [h.strip().upper() for h in header] if header else None


def recognise(path: Path) -> str | None:
    """Which 903 file this is, from its columns, or None."""
    columns = header_columns(path)
    if not columns:
        return None
    for role, needed in SIGNATURES.items():
        if needed <= set(columns):
            return role
    return None


Row = dict[str, str]


def _rows(path: Path, role: str) -> Iterator[tuple[int, str, Row | None, str | None]]:
    """(line, raw, fields by column, problem) for each CSV row."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            tap = _LineTap(f)
            reader = csv.reader(tap, strict=True)
            columns = [c.strip().upper() for c in next(reader)]
            tap.take()
            missing = sorted(SIGNATURES[role] - set(columns))
            if missing:
                raise FeedFileError(f"{path.name}: missing 903 column(s) {', '.join(missing)}")
            width = len(columns)
            while True:
                start = tap.lines + 1
                try:
                    fields = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    yield start, tap.take(), None, f"the line cannot be read as CSV ({exc})"
                    continue
                raw = tap.take()
                if not fields:
                    continue
                if len(fields) != width:
                    yield (start, raw, None, f"the row has {len(fields)} fields but the header has "
                           f"{width} (a truncated or broken line?)")
                    continue
                yield start, raw, dict(zip(columns, (v.strip() for v in fields), strict=True)), None
    except UnicodeDecodeError as exc:
        raise FeedFileError(f"{path.name} is not UTF-8 text (bad byte at offset {exc.start}); "
                            "re-export it as UTF-8 and import it again") from None


def _each(path: Path, role: str,
          make: Callable[[int, str, Row], SourceRow | None]) -> Iterator[SourceRow]:
    lines = Lines()
    for line, raw, row, problem in _rows(path, role):
        at = lines.take(line)
        if problem is not None:
            yield problem_row(at, raw, problem)
            continue
        if not row.get("CHILD"):
            yield problem_row(at, raw, "CHILD is blank")
            continue
        made = make(at, raw, row)
        if made is not None:
            yield made


def header_rows(path: Path, source: str, known: frozenset[str]) -> Iterator[SourceRow]:
    """One people row per child the source has not sent itself (names unknown); a child it has
    sent is a held row (read and counted, nothing loaded)."""
    def make(line: int, raw: str, row: Row) -> SourceRow | None:
        child = row["CHILD"]
        if child in known:
            return held_row(line, raw)  # the source's own record: the events attach to it
        notes = Notes()
        born = dmy_date(row.get("DOB"))
        sex = codes.SEX_903.get(row.get("SEX", ""), "")
        if row.get("SEX") and not sex:
            notes.items.append(("SEX", "SEX is not a 903 sex code (1 or 2); recorded as unknown"))
        upn = row.get("UPN", "")
        if upn.upper().startswith(UPN_UNKNOWN_PREFIX):
            upn = ""  # a reason why the UPN is not known, not a UPN
        made = person_row(source, line, raw, child, born or row.get("DOB", ""), sex, upn,
                          row.get("ETHNIC", ""), notes)
        return refuse(made, "DOB is not a dd/mm/yyyy date") if row.get("DOB") and not born else made
    return _each(path, "903_header", make)


def _dated(line: int, raw: str, row: Row, column: str) -> tuple[str | None, SourceRow | None]:
    when = dmy_date(row.get(column))
    if when is None:
        return None, problem_row(line, raw, f"{column} is not a dd/mm/yyyy date")
    return when, None


def episode_start_rows(path: Path, source: str) -> Iterator[SourceRow]:
    """Each episode's start: looked-after start, placement change or change of status."""
    def make(line: int, raw: str, row: Row) -> SourceRow:
        when, bad = _dated(line, raw, row, "DECOM")
        if bad:
            return bad
        notes = Notes()
        rne, ls, place = row.get("RNE", "").upper(), row.get("LS", ""), row.get("PLACE", "")
        rne_words = notes.code(codes.NEW_EPISODE_REASON, rne, "RNE", codes.SPEC_903)
        ls_words = notes.code(codes.LEGAL_STATUS, ls, "LS", codes.SPEC_903)
        place_words = notes.code(codes.PLACEMENT_TYPE, place, "PLACE", codes.SPEC_903)
        if rne == "S":
            event_type, head = "looked_after_start", "Started to be looked after (SSDA903)"
        elif rne in NEW_PLACEMENT:
            event_type, head = "placement_change", "Moved to a new placement (SSDA903)"
        else:
            event_type, head = "care_status_change", "Change while looked after (SSDA903)"
        text = summary(head, [None if rne == "S" else phrase("reason", rne, rne_words),
                              phrase("legal status", ls, ls_words),
                              phrase("placement", place, place_words)])
        details = {"return": "SSDA903", "reason_new_episode": rne, "reason_new_episode_text":
                   rne_words, "legal_status": ls, "legal_status_text": ls_words,
                   "placement_type": place, "placement_type_text": place_words,
                   "placement_provider": row.get("PLACE_PROVIDER", ""),
                   "cin_category": row.get("CIN", "")}
        return event_row(source, line, raw, f"903:{row['CHILD']}:{when}:episode", row["CHILD"],
                         event_type, when, text, details, notes)
    return _each(path, "903_episodes", make)


def episode_end_rows(path: Path, source: str) -> Iterator[SourceRow]:
    """The end of each episode whose reason for ending is the child leaving care."""
    def make(line: int, raw: str, row: Row) -> SourceRow | None:
        rec = row.get("REC", "").upper()
        if not row.get("DEC") or not rec or rec == codes.EPISODE_CONTINUES:
            return None  # still open, or care went on in the next episode
        when = dmy_date(row.get("DEC"))
        start = dmy_date(row.get("DECOM")) or row.get("DECOM", "")
        notes = Notes()
        rec_words = notes.code(codes.EPISODE_END_REASON, rec, "REC", codes.SPEC_903)
        text = summary("Ceased to be looked after (SSDA903)", [phrase("reason", rec, rec_words)])
        details = {"return": "SSDA903", "reason_episode_ceased": rec,
                   "reason_episode_ceased_text": rec_words}
        made = event_row(source, line, raw, f"903:{row['CHILD']}:{start}:ceased", row["CHILD"],
                         "looked_after_end", when or row["DEC"], text, details, notes)
        return made if when else refuse(made, "DEC is not a dd/mm/yyyy date")
    return _each(path, "903_episodes", make)


def missing_start_rows(path: Path, source: str) -> Iterator[SourceRow]:
    """Each missing or away-from-placement episode, from its start."""
    def make(line: int, raw: str, row: Row) -> SourceRow:
        when, bad = _dated(line, raw, row, "MIS_START")
        if bad:
            return bad
        notes = Notes()
        kind = row.get("MISSING", "").upper()
        kind_words = notes.code(codes.MISSING_TYPE, kind, "MISSING", codes.SPEC_903)
        text = summary("Missing episode (SSDA903)", [phrase("type", kind, kind_words)])
        return event_row(source, line, raw, f"903:{row['CHILD']}:{when}:missing", row["CHILD"],
                         "missing_episode", when, text,
                         {"return": "SSDA903", "missing": kind, "missing_text": kind_words}, notes)
    return _each(path, "903_missing", make)


def missing_end_rows(path: Path, source: str) -> Iterator[SourceRow]:
    """The return of each missing or away episode that has ended."""
    def make(line: int, raw: str, row: Row) -> SourceRow | None:
        if not row.get("MIS_END"):
            return None  # still missing at the end of the year
        when = dmy_date(row.get("MIS_END"))
        start = dmy_date(row.get("MIS_START")) or row.get("MIS_START", "")
        made = event_row(source, line, raw, f"903:{row['CHILD']}:{start}:returned", row["CHILD"],
                         "missing_return", when or row["MIS_END"],
                         "Returned from a missing episode (SSDA903)",
                         {"return": "SSDA903", "missing": row.get("MISSING", "").upper()}, Notes())
        return made if when else refuse(made, "MIS_END is not a dd/mm/yyyy date")
    return _each(path, "903_missing", make)
