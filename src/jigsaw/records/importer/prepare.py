"""Read and parse one feed file into batches ready to stage, without touching the database.

Parsing is most of an import's Python time, and needs nothing from the database, so it can run
in a worker process (see pipeline.py) while the importer loads the previous batch or file. It
runs in the importing process too, for small imports, with the same code and the same results.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings

from jigsaw.feeds import (
    KEY_SEPARATOR,
    PARSERS,
    FeedFile,
    FeedKind,
    ReturnPart,
    RowRejected,
    kind_of,
    open_feed,
    read_fields_up_to,
)

from .staging import content_hash, copy_text, text_hash

FLUSH_ROWS = 5000
#: keys a parse remembers to tell the importer no key was given twice (its hashes: bounded
#: memory); a bigger file leaves the check to SQL, as every file did before
KEYS_TRACKED = 250_000

#: what one import step reads: a feed file, or one part of a DfE return file
Unit = Path | ReturnPart


def unit_path(unit: Unit) -> Path:
    return unit if isinstance(unit, Path) else unit.path


def unit_kind(unit: Unit) -> FeedKind | None:
    return kind_of(unit) if isinstance(unit, Path) else unit.kind


def _open(unit: Unit) -> FeedFile | ReturnPart:
    return open_feed(unit) if isinstance(unit, Path) else unit


@dataclass(slots=True)
class Batch:
    """Up to FLUSH_ROWS rows of one file, ready for ``Stager.load`` / ``Stager.quarantine``."""

    good: list[tuple] | bytes = field(default_factory=list)  # (line, has_warning, key, hash,
    # *values), or those rows as COPY text for PostgreSQL
    bad: list[tuple] = field(default_factory=list)  # (line, key, raw, raw_hash, reason)
    warnings: list[tuple[int, str, str, str]] = field(default_factory=list)
    consumed: int = 0  # characters of the file these rows came from (for progress bars)
    source_code: str | None = None  # the file's source system, once a row has named it


@dataclass(slots=True)
class End:
    """The file was read to its end."""

    rows_read: int
    sha256: str
    size_bytes: int
    #: every row staged to load has a key no other has (so the SQL duplicate check has no work)
    keys_unique: bool = False
    #: rows of a DfE return about a child its source system has sent itself: read, nothing to
    #: load, reported unchanged (``feeds.returns.build.held_row``)
    held: int = 0


def file_digest(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _guess_key(kind: FeedKind, values: list[str]) -> str:
    return KEY_SEPARATOR.join(values[kind.index(c)] for c in kind.key_columns)


def _too_long(kind: FeedKind, values: list[str]) -> str:
    longest = kind.columns[max(range(len(values)), key=lambda i: len(values[i]))]
    return f"{longest} is longer than the {settings.JIGSAW_MAX_FIELD_CHARS:,}-character limit for one field"


def prepare(unit: Unit, for_copy: bool = False) -> Iterator[Batch | End]:
    """Batches of one file's rows, then End; raises FeedFileError if the file is unreadable.

    ``for_copy``: hand the rows to load as PostgreSQL COPY text (formatted here, which may be
    the worker process, rather than by the importer).
    """
    limit = settings.JIGSAW_MAX_FIELD_CHARS
    read_fields_up_to(limit)
    feed = _open(unit)
    kind = feed.kind
    parse, now = PARSERS[kind.name], datetime.now(UTC)
    if isinstance(unit, ReturnPart):
        parse = unit.parse  # a return's rows: people without names, events built canonical
    code = (unit.source or None) if isinstance(unit, ReturnPart) else None
    batch = Batch(source_code=code)
    good, bad, warnings = batch.good, batch.bad, batch.warnings
    read = consumed = held = 0
    seen: set[int] | None = set()  # hashes of the loadable rows' keys; None once one repeats
    for row in feed.rows():
        read += 1
        consumed += len(row.raw)
        values, reason = row.values, row.problem
        if values is None and reason is None:  # a return's child the source holds itself
            held += 1
            continue
        if reason is None:
            first = values[0]
            if code is None and first:
                code = batch.source_code = first
            if not first:
                reason = "source_system is blank"
            elif first != code:
                reason = (f"source_system {first!r} differs from this file's {code!r}; a feed "
                          "file comes from one source system")
            elif max(map(len, values)) > limit:
                reason = _too_long(kind, values)
            else:
                try:
                    parsed = parse(values, now)
                except RowRejected as exc:
                    reason = str(exc)
                else:
                    noted = parsed.warnings + row.warnings if row.warnings else parsed.warnings
                    good.append((row.line, 1 if noted else 0, parsed.key,
                                 content_hash(values), *parsed.values))
                    if seen is not None:  # equal keys hash alike; a collision only sends
                        hashed = hash(parsed.key)  # the file to the SQL check
                        if hashed in seen or len(seen) >= KEYS_TRACKED:
                            seen = None
                        else:
                            seen.add(hashed)
                    if noted:
                        warnings.extend((row.line, parsed.key, f, m) for f, m in noted)
        if reason is not None:
            key = _guess_key(kind, values) if values is not None else ""
            bad.append((row.line, key, row.raw, text_hash(row.raw), reason))
        if len(good) + len(bad) >= FLUSH_ROWS:
            batch.consumed, consumed = consumed, 0
            if for_copy:
                batch.good = copy_text(good)
            yield batch
            batch = Batch(source_code=code)
            good, bad, warnings = batch.good, batch.bad, batch.warnings
    batch.consumed = consumed
    if for_copy:
        batch.good = copy_text(good)
    yield batch
    sha, size = file_digest(unit_path(unit))
    yield End(read, sha, size, keys_unique=seen is not None, held=held)


def raw_lines(unit: Unit, lines: set[int]) -> dict[int, str]:
    """Raw text of the given lines, read again from the file (only for late quarantines)."""
    found: dict[int, str] = {}
    for row in _open(unit).rows():
        if row.line in lines:
            found[row.line] = row.raw
            if len(found) == len(lines):
                break
    return found

