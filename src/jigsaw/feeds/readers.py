"""Streaming CSV and JSONL readers that keep every row's line and raw text.

Memory stays flat however large the file: rows are yielded one at a time. A row the reader
cannot even split into fields comes out with a ``problem`` instead of values, so the importer
can quarantine it with its position; a file that cannot be read at all raises FeedFileError.
"""

from __future__ import annotations

import csv
import difflib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .kinds import FORMATS, LOAD_ORDER, FeedKind, kind_of

#: the longest field accepted before the row is quarantined (characters); callers may pass their own
MAX_FIELD_CHARS = 65536


def read_fields_up_to(max_field_chars: int) -> None:
    """Let the csv module *read* fields far over the limit, so such a row is quarantined whole."""
    csv.field_size_limit(max(max_field_chars * 64, 16 * 1024 * 1024))


read_fields_up_to(MAX_FIELD_CHARS)


class FeedFileError(Exception):
    """The file as a whole cannot be read; the message is one line saying what to do."""


@dataclass(slots=True)
class SourceRow:
    line: int
    raw: str
    values: list[str] | None  # aligned to kind.columns; "" where absent
    problem: str | None = None
    #: (field, message) warnings a reader found before parsing (a return's unknown DfE code)
    warnings: tuple[tuple[str, str], ...] = ()


class FeedFile:
    """One feed file: its kind, format and rows."""

    def __init__(self, path: Path, kind: FeedKind, fmt: str) -> None:
        self.path, self.kind, self.format = path, kind, fmt

    def rows(self) -> Iterator[SourceRow]:
        try:
            if self.format == "csv":
                yield from _csv_rows(self.path, self.kind)
            else:
                yield from _jsonl_rows(self.path, self.kind)
        except UnicodeDecodeError as exc:
            raise FeedFileError(
                f"{self.path.name} is not UTF-8 text (bad byte at offset {exc.start}); "
                "re-export it as UTF-8 and import it again"
            ) from None


def open_feed(path: Path) -> FeedFile:
    """Recognise a feed file by name and check it can be read; raise FeedFileError if not."""
    kind = kind_of(path)
    if kind is None:
        raise FeedFileError(
            f"{path.name}: not a feed file; expected people, events, relationships or "
            "involvements with a .csv or .jsonl extension (a DfE return needs --source SYSTEM)"
        )
    if not path.is_file():
        raise FeedFileError(f"{path}: no such file")
    if path.stat().st_size == 0:
        raise FeedFileError(f"{path.name} is empty; a feed file needs at least a header row")
    feed = FeedFile(path, kind, FORMATS[path.suffix.lower()])
    if feed.format == "csv":
        _check_header(path, kind)
    return feed


def _check_header(path: Path, kind: FeedKind) -> list[str]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            header = next(csv.reader(f), None)
    except UnicodeDecodeError:
        raise FeedFileError(
            f"{path.name} is not UTF-8 text; re-export it as UTF-8 and import it again"
        ) from None
    except csv.Error as exc:
        raise FeedFileError(f"{path.name}: the header row cannot be read as CSV ({exc})") from None
    if not header or not any(h.strip() for h in header):
        raise FeedFileError(f"{path.name} has no header row; the first line must name the columns")
    return _header_columns(path.name, header, kind)


def _header_columns(name: str, header: list[str], kind: FeedKind) -> list[str]:
    columns = [h.strip().lower() for h in header]
    problems = []
    missing = sorted(kind.required - set(columns))
    if missing:
        problems.append(f"missing required column(s) {', '.join(missing)}")
    unknown = [c for c in columns if c not in kind.columns]
    if unknown:
        hints = []
        for c in unknown:
            close = difflib.get_close_matches(c, kind.columns, n=1)
            hints.append(f"{c!r} (did you mean {close[0]!r}?)" if close else repr(c))
        problems.append(f"unknown column(s) {', '.join(hints)}")
    dupes = sorted({c for c in columns if columns.count(c) > 1})
    if dupes:
        problems.append(f"repeated column(s) {', '.join(dupes)}")
    if problems:
        raise FeedFileError(
            f"{name}: {'; '.join(problems)}. The {kind.name} columns are: {', '.join(kind.columns)}"
        )
    return columns


class _LineTap:
    """Feeds lines to csv.reader while remembering them, so each row keeps its raw text."""

    __slots__ = ("buffer", "lines", "source")

    def __init__(self, source) -> None:
        self.source, self.buffer, self.lines = source, [], 0

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = next(self.source)
        self.buffer.append(line)
        self.lines += 1
        return line

    def take(self) -> str:
        raw = "".join(self.buffer)
        self.buffer.clear()
        return raw


def _csv_rows(path: Path, kind: FeedKind) -> Iterator[SourceRow]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        tap = _LineTap(f)
        reader = csv.reader(tap, strict=True)
        columns = _header_columns(path.name, next(reader), kind)
        tap.take()
        width = len(columns)
        positions = [columns.index(c) if c in columns else -1 for c in kind.columns]
        if all(p >= 0 for p in positions) and positions == list(range(width)):
            positions = None  # the file is already in canonical order
        while True:
            start = tap.lines + 1
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield SourceRow(start, tap.take(), None, f"the line cannot be read as CSV ({exc})")
                continue
            raw = tap.take()
            if not fields:
                continue  # a blank line is not a row
            if len(fields) != width:
                yield SourceRow(
                    start, raw, None,
                    f"the row has {len(fields)} fields but the header has {width} "
                    "(a truncated or broken line?)",
                )
                continue
            if positions is None:
                values = [v.strip() for v in fields]
            else:
                values = [fields[p].strip() if p >= 0 else "" for p in positions]
            yield SourceRow(start, raw, values)


def _jsonl_rows(path: Path, kind: FeedKind) -> Iterator[SourceRow]:
    known = set(kind.columns)
    with path.open(encoding="utf-8-sig", newline="") as f:
        for number, raw in enumerate(f, start=1):
            if not raw.strip():
                continue
            try:
                obj = json.loads(raw)
            except json.JSONDecodeError as exc:
                yield SourceRow(number, raw, None, f"the line is not valid JSON ({exc.msg})")
                continue
            if not isinstance(obj, dict):
                yield SourceRow(number, raw, None, "the line is not a JSON object")
                continue
            keys = {k.lower() for k in obj}
            unknown = sorted(keys - known)
            missing = sorted(kind.required - keys)
            if unknown or missing:
                what = []
                if missing:
                    what.append(f"missing required field(s) {', '.join(missing)}")
                if unknown:
                    what.append(f"unknown field(s) {', '.join(unknown)}")
                yield SourceRow(number, raw, None, "; ".join(what))
                continue
            lowered = {k.lower(): v for k, v in obj.items()}
            yield SourceRow(number, raw, [_jsonl_text(lowered.get(c)) for c in kind.columns])


def _jsonl_text(value: object) -> str:
    """JSONL values as the text a CSV would carry (so one parser serves both formats)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value).strip()


def discover(paths: list[Path], also: Callable[[Path], bool] | None = None) -> list[Path]:
    """Expand files and folders into feed files: people first within each source folder.

    A folder may hold feed files, or source folders (as ``jigsaw synth`` writes); a folder
    named ``truth`` is never read as a feed. ``also``: folders also give the other files it
    accepts (the DfE returns, ``feeds.returns.is_return``, for ``import DIR --source``), after
    the feed files beside them.
    """
    found: list[Path] = []
    for path in paths:
        if path.is_file():
            found.append(path)
        elif path.is_dir():
            found.extend(_folder_feeds(path, also))
        else:
            raise FeedFileError(f"{path}: no such file or folder")
    return found


def _folder_feeds(folder: Path, also: Callable[[Path], bool] | None) -> list[Path]:
    if folder.name == "truth":
        return []
    inside = sorted(p for p in folder.iterdir() if p.is_file())
    files = [p for p in inside if kind_of(p) is not None]
    files.sort(key=lambda p: (LOAD_ORDER.index(kind_of(p).name), p.name))
    if also is not None:
        files.extend(p for p in inside if kind_of(p) is None and also(p))
    for sub in sorted(p for p in folder.iterdir() if p.is_dir()):
        files.extend(_folder_feeds(sub, also))
    return files
