"""Import feed files: each file atomically, idempotently, every row accounted for.

A file is loaded inside one transaction holding the import lock (SQLite: BEGIN IMMEDIATE;
PostgreSQL: an advisory lock), so a killed import leaves the database as it was before that
file, and two imports of the same file at once queue rather than duplicate anything. Parsing
happens outside the transaction — in a worker process for big imports (pipeline.py) — and
touches nothing but the file.
"""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from django.db import DatabaseError, OperationalError, connections, transaction
from django.db.models import Case, FloatField, Value, When

from jigsaw.feeds import FeedFileError, discover, is_return

from ..models import ImportBatch
from . import apply
from .counts import RowCounts
from .load import Progress, Run, load_file
from .pipeline import Parsed
from .prepare import Batch, End, Unit, file_digest, unit_kind, unit_path
from .returns import plan_returns, split_returns
from .staging import Stager

log = logging.getLogger("jigsaw.import")
IMPORT_LOCK_ID = 0x6A6967  # "jig": one import at a time per database

__all__ = ["FileResult", "ImportBusyError", "ImportReport", "Progress", "Stager",
           "import_file", "import_paths"]


class ImportBusyError(Exception):
    """Another import held the lock for longer than the wait allows."""


@dataclass
class FileResult(RowCounts):
    file: str
    kind: str
    source_system: str | None
    status: str  # loaded | refused
    seconds: float = 0.0
    reason: str = ""
    batch_id: int | None = None
    part: str = ""  # for a DfE return: which rows of the file (e.g. "CIN census: children")
    #: the agency safeguarding contact the file's source.json recorded (load.Loaded.contact)
    agency_contact: dict | None = None
    #: why the file's source.json named nothing (not an object, another system's ...), else ""
    source_json_problem: str = ""


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


def import_paths(paths: list[Path], using: str = "default", progress: Progress | None = None,
                 on_file: Callable[[Path], None] | None = None,
                 source: str | None = None, new_source: bool = True) -> ImportReport:
    """Import files and folders (see ``discover``); one FileResult per file.

    With ``source``, DfE return files among them (CIN census XML, SSDA903 CSVs) are read as
    records of that source system, after the canonical feeds (see returns.py); a return file
    gives one FileResult per part. ``new_source=False`` refuses the returns if no source system
    of that name exists by then (the command's guard against a mistyped ``--source``).
    """
    report = ImportReport()
    files, returns = split_returns(discover(paths, also=is_return if source else None), source)
    run = Run()  # staging tables and source systems, reused from file to file
    try:
        _import_units(files, report, using, progress, on_file, run)
        if returns:
            units, refused = plan_returns(returns, source, using, new_source)
            for path, reason in refused:
                report.files.append(_refuse(path, reason, using, datetime.now(UTC)))
            _import_units(units, report, using, progress, on_file, run)
    finally:
        _drop_stages(run)
        _record_seconds(report.files, using)
    return report


def _import_units(units: list[Unit], report: ImportReport, using: str, progress: Progress | None,
                  on_file: Callable[[Path], None] | None, run: Run) -> None:
    refused: set[Path] = set()  # a return file refused whole: its later parts are not reported
    with Parsed(units, for_copy=connections[using].vendor == "postgresql") as parsed:
        for index, unit in enumerate(units):
            if unit_path(unit) in refused:
                _drain(parsed.file(index))
                continue
            if on_file:
                on_file(unit_path(unit))
            result = _import(unit, parsed.file(index), using, progress, run)
            if result.status == "refused" and result.part:
                refused.add(unit_path(unit))
            report.files.append(result)


def _drain(batches: Iterator[Batch | End]) -> None:
    """Read a part no one will load to its end (its worker hands over the parts in order)."""
    try:
        for _batch in batches:
            pass
    except FeedFileError:
        pass


def import_file(path: Path, using: str = "default", progress: Progress | None = None) -> FileResult:
    """Import one file (as one file of ``import_paths``)."""
    run = Run()
    try:
        with Parsed([path], for_copy=connections[using].vendor == "postgresql") as parsed:
            result = _import(path, parsed.file(0), using, progress, run)
    finally:
        _drop_stages(run)
    _record_seconds([result], using)
    return result


def _import(unit: Unit, batches: Iterator[Batch | End], using: str, progress: Progress | None,
            run: Run) -> FileResult:
    path, part = unit_path(unit), getattr(unit, "what", "")
    started = datetime.now(UTC)
    clock = time.perf_counter()
    connection = connections[using]
    gc_was_enabled = gc.isenabled()
    gc.disable()  # millions of short-lived tuples; cyclic GC passes would cost ~15% for nothing
    try:
        first = next(batches)  # refusals of the whole file come before any database work
        try:
            with transaction.atomic(using=using):
                _lock(connection)
                done = load_file(_chain(first, batches), unit, unit_kind(unit).name, connection,
                                 using, started, progress, run)
        except BaseException:
            run.rolled_back()
            raise
        run.committed(done.system)
        code = done.system.code if done.system else None
        result = FileResult(str(path), done.kind, code, "loaded", batch_id=done.batch_id,
                            part=part, agency_contact=done.contact,
                            source_json_problem=done.manifest_problem, **done.counts())
    except FeedFileError as exc:
        result = _refuse(unit, str(exc), using, started)
    except OperationalError as exc:
        if "locked" in str(exc).lower():
            raise ImportBusyError(
                "another import is holding the database; wait for it to finish and try again"
            ) from None
        raise
    finally:
        if gc_was_enabled:
            gc.enable()
    result.seconds = round(time.perf_counter() - clock, 3)
    log.info("import %s %s read=%d accepted=%d quarantined=%d unchanged=%d warnings=%d %.2fs",
             result.kind, result.status, result.rows_read, result.accepted, result.quarantined,
             result.unchanged, result.warnings, result.seconds)
    return result


def _chain(first: Batch | End, rest: Iterator[Batch | End]) -> Iterator[Batch | End]:
    yield first
    yield from rest


def _record_seconds(results: list[FileResult], using: str) -> None:
    """Store each batch's duration: one statement (and one commit) for the whole run.

    A commit waits for the disk, so one per file on top of the file's own would cost a few
    milliseconds a file for a figure only reports read.
    """
    timed = [r for r in results if r.batch_id is not None]
    if not timed:
        return
    try:
        with transaction.atomic(using=using):
            for start in range(0, len(timed), 500):
                chunk = timed[start:start + 500]
                ImportBatch.objects.using(using).filter(pk__in=[r.batch_id for r in chunk]).update(
                    seconds=Case(*(When(pk=r.batch_id, then=Value(r.seconds)) for r in chunk),
                                 output_field=FloatField())
                )
    except Exception:  # e.g. the connection broke: never hide why the run stopped
        log.warning("could not record import durations", exc_info=True)


def _drop_stages(run: Run) -> None:
    """Drop a run's staging tables; a connection already broken loses them anyway."""
    for stager in run.stagers.values():
        try:
            stager.drop()
        except DatabaseError:
            log.debug("could not drop staging table %s", stager.name, exc_info=True)
            break
    run.stagers.clear()


def _refuse(unit: Unit, reason: str, using: str, started: datetime) -> FileResult:
    path = unit_path(unit)
    sha, size = file_digest(path) if path.is_file() else ("", 0)
    kind = unit_kind(unit)
    batch = ImportBatch.objects.using(using).create(
        file_name=str(path), file_kind=kind.name if kind else "", sha256=sha, size_bytes=size,
        status="refused", refusal_reason=reason, started_at=started,
        finished_at=datetime.now(UTC),
    )
    return FileResult(str(path), kind.name if kind else "", None, "refused", reason=reason,
                      batch_id=batch.pk, part=getattr(unit, "what", ""))


def _lock(connection) -> None:
    """Take the import lock, and on PostgreSQL the planner settings, in one round trip."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute(f"SELECT pg_advisory_xact_lock(%s), {apply.PG_BULK_SETTINGS}",
                        [IMPORT_LOCK_ID])
    # SQLite: the IMMEDIATE transaction mode already holds the write lock
