"""Import feed files: each file atomically, idempotently, every row accounted for.

A file is loaded inside one transaction holding the import lock (SQLite: BEGIN IMMEDIATE;
PostgreSQL: an advisory lock), so a killed import leaves the database as it was before that
file, and two imports of the same file at once queue rather than duplicate anything.
"""

from __future__ import annotations

import gc
import hashlib
import json
import logging
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from django.db import OperationalError, connections, transaction

from jigsaw.feeds.kinds import KEY_SEPARATOR, FeedKind, kind_of
from jigsaw.feeds.readers import MAX_FIELD_CHARS, FeedFileError, discover, open_feed
from jigsaw.feeds.rows import PARSERS, RowRejected

from ..models import Agency, ImportBatch, ImportWarning, SourceSystem
from . import apply
from .staging import Stager, content_hash, text_hash
from .tables import SPECS

log = logging.getLogger("jigsaw.import")
FLUSH_ROWS = 5000
IMPORT_LOCK_ID = 0x6A6967  # "jig": one import at a time per database


class ImportBusyError(Exception):
    """Another import held the lock for longer than the wait allows."""


@dataclass
class FileResult:
    file: str
    kind: str
    source_system: str | None
    status: str  # loaded | refused
    rows_read: int = 0
    accepted: int = 0
    quarantined: int = 0
    unchanged: int = 0
    warnings: int = 0
    resolved: int = 0
    seconds: float = 0.0
    reason: str = ""
    batch_id: int | None = None


@dataclass
class ImportReport:
    files: list[FileResult] = field(default_factory=list)

    def total(self, name: str) -> int:
        return sum(getattr(f, name) for f in self.files)

    @property
    def refused(self) -> list[FileResult]:
        return [f for f in self.files if f.status == "refused"]

    def as_dict(self) -> dict:
        keys = ("rows_read", "accepted", "quarantined", "unchanged", "warnings", "resolved")
        out: dict = {k: self.total(k) for k in keys}
        out["read"] = out.pop("rows_read")
        out["files"] = [asdict(f) for f in self.files]
        out["refused"] = [{"file": f.file, "reason": f.reason} for f in self.refused]
        return out


Progress = Callable[[int], None]  # called with characters consumed since the last call


def import_paths(paths: list[Path], using: str = "default", progress: Progress | None = None,
                 on_file: Callable[[Path], None] | None = None) -> ImportReport:
    """Import files and folders (see ``discover``); one FileResult per file."""
    report = ImportReport()
    for path in discover(paths):
        if on_file:
            on_file(path)
        report.files.append(import_file(path, using=using, progress=progress))
    return report


def import_file(path: Path, using: str = "default", progress: Progress | None = None) -> FileResult:
    started = datetime.now(UTC)
    clock = time.perf_counter()
    try:
        feed = open_feed(path)
        with transaction.atomic(using=using):
            result = _load(feed, path, using, started, progress)
    except FeedFileError as exc:
        result = _refuse(path, str(exc), using, started)
    except OperationalError as exc:
        if "locked" in str(exc).lower():
            raise ImportBusyError(
                "another import is holding the database; wait for it to finish and try again"
            ) from None
        raise
    result.seconds = round(time.perf_counter() - clock, 3)
    ImportBatch.objects.using(using).filter(pk=result.batch_id).update(seconds=result.seconds)
    log.info("import %s %s read=%d accepted=%d quarantined=%d unchanged=%d warnings=%d %.2fs",
             result.kind, result.status, result.rows_read, result.accepted, result.quarantined,
             result.unchanged, result.warnings, result.seconds)
    return result


def _sha256(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _refuse(path: Path, reason: str, using: str, started: datetime) -> FileResult:
    sha, size = _sha256(path) if path.is_file() else ("", 0)
    kind = kind_of(path)
    batch = ImportBatch.objects.using(using).create(
        file_name=str(path), file_kind=kind.name if kind else "", sha256=sha, size_bytes=size,
        status="refused", refusal_reason=reason, started_at=started,
        finished_at=datetime.now(UTC),
    )
    return FileResult(str(path), kind.name if kind else "", None, "refused", reason=reason,
                      batch_id=batch.pk)


def _lock(connection) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK_ID])
    # SQLite: the IMMEDIATE transaction mode already holds the write lock


def _source_system(code: str, folder: Path, using: str) -> SourceSystem:
    system, _ = SourceSystem.objects.using(using).get_or_create(code=code)
    manifest = folder / "source.json"
    if manifest.is_file() and not system.name:
        try:
            meta = json.loads(manifest.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError):
            meta = {}
        if meta.get("source_system") == code:
            if meta.get("agency"):
                agency, _ = Agency.objects.using(using).get_or_create(
                    name=meta["agency"], defaults={"agency_type": meta.get("agency_type", "other")}
                )
                system.agency = agency
            system.name = str(meta.get("name", ""))[:200]
            system.save(using=using)
    return system


def _raw_lines(feed, lines: set[int]) -> dict[int, str]:
    """Raw text of the given lines, read again from the file (only for late quarantines)."""
    found: dict[int, str] = {}
    for row in feed.rows():
        if row.line in lines:
            found[row.line] = row.raw
            if len(found) == len(lines):
                break
    return found


def _guess_key(kind: FeedKind, values: list[str]) -> str:
    return KEY_SEPARATOR.join(values[kind.index(c)] for c in kind.key_columns)


def _load(feed, path: Path, using: str, started: datetime, progress: Progress | None) -> FileResult:
    connection = connections[using]
    _lock(connection)
    gc_was_enabled = gc.isenabled()
    gc.disable()  # millions of short-lived tuples; cyclic GC passes would cost ~15% for nothing
    try:
        return _load_locked(feed, path, using, started, progress, connection)
    finally:
        if gc_was_enabled:
            gc.enable()


def _load_locked(feed, path: Path, using: str, started: datetime, progress: Progress | None,
                 connection) -> FileResult:
    kind, spec = feed.kind, SPECS[feed.kind.name]
    sha, size = _sha256(path)
    batch = ImportBatch.objects.using(using).create(
        file_name=str(path), file_kind=kind.name, sha256=sha, size_bytes=size, status="loaded",
        started_at=started, finished_at=started,
    )
    stager = Stager(connection, spec.table, spec.columns)
    parse, width, now = PARSERS[kind.name], len(spec.columns), datetime.now(UTC)
    empty = (None,) * width
    system: SourceSystem | None = None
    pending: list[tuple] = []
    warnings: list[tuple[int, str, str, str]] = []
    read = consumed = 0

    for row in feed.rows():
        read += 1
        consumed += len(row.raw)
        values, reason = row.values, row.problem
        if values is not None and system is None and values[0]:
            system = _source_system(values[0], path.parent, using)
        if reason is None:
            if not values[0]:
                reason = "source_system is blank"
            elif values[0] != system.code:
                reason = (f"source_system {values[0]!r} differs from this file's "
                          f"{system.code!r}; a feed file comes from one source system")
            elif max(map(len, values)) > MAX_FIELD_CHARS:
                longest = kind.columns[max(range(len(values)), key=lambda i: len(values[i]))]
                reason = (f"{longest} is longer than the {MAX_FIELD_CHARS:,}-character limit "
                          "for one field")
        if reason is None:
            try:
                parsed = parse(values, now)
            except RowRejected as exc:
                reason = str(exc)
        if reason is not None:
            key = _guess_key(kind, values) if values is not None else ""
            pending.append((row.line, row.raw, text_hash(row.raw), reason, "quarantined", 0, key,
                            None, *empty))
        else:
            pending.append((row.line, None, None, None, None, 1 if parsed.warnings else 0,
                            parsed.key, content_hash(values), *parsed.values))
            warnings.extend((row.line, parsed.key, f, m) for f, m in parsed.warnings)
        if len(pending) >= FLUSH_ROWS:
            stager.load(pending)
            pending.clear()
            if progress:
                progress(consumed)
                consumed = 0
    stager.load(pending)
    if progress and consumed:
        progress(consumed)

    result = FileResult(str(path), kind.name, system.code if system else None, "loaded",
                        rows_read=read)
    stager.index()
    with connection.cursor() as cur:
        ss_id = system.pk if system else None
        if system is not None:
            apply.mark_duplicates(cur, spec)
            apply.mark_dangling(cur, spec, ss_id)
            apply.classify(cur, spec, ss_id)
            apply.keep_history(cur, spec, ss_id, batch.pk, connection.vendor)
            apply.update_changed(cur, spec, ss_id, batch.pk)
            apply.insert_new(cur, spec, ss_id, batch.pk)
            result.resolved = apply.resolve_quarantine(cur, kind.name, ss_id, batch.pk)
            if kind.name == "events":
                result.warnings += apply.warn_before_birth(cur, ss_id, batch.pk)
            loaded_lines = apply.lines_loaded_with_warnings(cur)
            kept = [w for w in warnings if w[0] in loaded_lines]
            ImportWarning.objects.using(using).bulk_create(
                [ImportWarning(batch_id=batch.pk, line=line, record_key=key, field=f, message=m)
                 for line, key, f, m in kept], batch_size=1000,
            )
            result.warnings += len(kept)
        apply.fill_late_quarantine(cur, lambda lines: _raw_lines(feed, lines), text_hash)
        apply.store_quarantine(cur, kind.name, ss_id, str(path), batch.pk)
        counts = apply.outcome_counts(cur)
    stager.drop()

    result.accepted = counts.get("new", 0) + counts.get("changed", 0)
    result.unchanged = counts.get("unchanged", 0)
    result.quarantined = counts.get("quarantined", 0)
    if read != result.accepted + result.unchanged + result.quarantined:
        raise RuntimeError(f"row counts do not reconcile for {path.name}: {counts}; nothing loaded")
    ImportBatch.objects.using(using).filter(pk=batch.pk).update(
        source_system=system, rows_read=read, accepted=result.accepted,
        quarantined=result.quarantined, unchanged=result.unchanged, warnings=result.warnings,
        finished_at=datetime.now(UTC),
    )
    result.batch_id = batch.pk
    return result
