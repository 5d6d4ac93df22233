"""Stage one file's parsed batches and apply them, inside the file's transaction.

Called by run.py with the transaction open and the import lock held; raising anything here
rolls the whole file back. Counts are checked twice over before anything commits: every row
read is staged once (to load or to quarantine), and every statement that writes stored rows
touches exactly as many rows as the classification counted.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from ..models import (
    AGENCY_NAME_MAX,
    SAFEGUARDING_PHONE,
    Agency,
    ImportBatch,
    ImportWarning,
    SourceSystem,
    agency_named,
    tidy_agency_name,
)
from . import apply, quarantine
from .counts import RowCounts
from .prepare import Batch, End, Unit, raw_lines, unit_path
from .staging import Stager, text_hash
from .tables import SPECS

AGENCY_TYPES = frozenset(dict(Agency.TYPES))
Progress = Callable[[int], None]  # called with characters consumed since the last call


@dataclass
class Run:
    """What an import run keeps from file to file: staging tables and known source systems."""

    stagers: dict[str, Stager] = field(default_factory=dict)
    systems: dict[str, SourceSystem] = field(default_factory=dict)  # from committed files

    def stager(self, connection, kind: str) -> Stager:
        if kind not in self.stagers:
            spec = SPECS[kind]
            self.stagers[kind] = Stager(connection, kind, spec.table, spec.columns)
        return self.stagers[kind]

    def committed(self, system: SourceSystem | None) -> None:
        if system is not None:
            self.systems[system.code] = system

    def rolled_back(self) -> None:
        """A file's transaction rolled back: forget what it may have made or changed."""
        for stager in self.stagers.values():
            stager.forget()
        self.systems.clear()


@dataclass
class Loaded(RowCounts):
    """What became of one file's rows (run.py turns it into a FileResult)."""

    kind: str
    system: SourceSystem | None
    batch_id: int
    #: the agency's safeguarding contact this file's source.json recorded (agency_id, agency,
    #: fields), for the command to write to the access log; None when it recorded none
    contact: dict | None = None
    #: why the folder's source.json named nothing (see ``_source_system``), else ""
    manifest_problem: str = ""


def load_file(batches: Iterator[Batch | End], unit: Unit, kind: str, connection, using: str,
              started: datetime, progress: Progress | None, run: Run) -> Loaded:
    """Stage every batch of the file, then classify, store and account for its rows."""
    path = unit_path(unit)
    spec = SPECS[kind]
    stager = run.stager(connection, kind)
    stager.begin()
    system: SourceSystem | None = None
    contact: dict | None = None
    manifest_problem = ""
    warnings: list[tuple[int, str, str, str]] = []
    for item in batches:
        if isinstance(item, End):
            end = item
            break
        if system is None and item.source_code is not None:
            system, contact, manifest_problem = _source_system(
                item.source_code, path.parent, using, run.systems.get(item.source_code))
        stager.load(item.good)
        stager.quarantine(item.bad)
        warnings.extend(item.warnings)
        if progress and item.consumed:
            progress(item.consumed)
    else:
        raise RuntimeError(f"{path.name}: the parsed rows ended early; nothing loaded")

    batch = ImportBatch.objects.using(using).create(
        file_name=str(path), file_kind=kind, sha256=end.sha256, size_bytes=end.size_bytes,
        status="loaded", started_at=started, finished_at=started,
    )
    done = Loaded(kind, system, batch.pk, contact, manifest_problem, rows_read=end.rows_read)
    ss_id = system.pk if system else None
    with connection.cursor() as cur:
        found = _store(cur, spec, ss_id, batch.pk, connection.vendor, path,
                       lookups=apply.survey_by_lookups(connection.vendor, stager.staged),
                       repeats=not end.keys_unique, child_field=getattr(unit, "child_field", ""))
        loaded = found.new + found.changed
        if found.open_quarantine:
            done.resolved = quarantine.resolve_quarantine(cur, kind, ss_id, batch.pk)
        if kind == "events" and loaded:
            done.warnings += quarantine.warn_before_birth(cur, ss_id, batch.pk)
        if warnings and loaded:
            done.warnings += _store_warnings(cur, spec, ss_id, batch.pk, warnings, using)
        if found.quarantined:
            late = quarantine.late_quarantine_lines(cur)
            if late:
                raw = raw_lines(unit, late)
                quarantine.store_raw(cur, [(n, raw[n], text_hash(raw[n])) for n in sorted(late)])
            quarantine.store_quarantine(cur, kind, ss_id, str(path), batch.pk, connection.vendor)

    done.accepted, done.quarantined = loaded, found.quarantined
    done.unchanged = found.unchanged + end.held
    valid = found.new + found.changed + found.unchanged
    if not (found.staged == valid and end.rows_read == valid + found.quarantined + end.held):
        raise RuntimeError(f"row counts do not reconcile for {path.name}: read {end.rows_read}, "
                           f"{found}; nothing loaded")
    ImportBatch.objects.using(using).filter(pk=batch.pk).update(
        source_system=system, rows_read=end.rows_read, accepted=done.accepted,
        quarantined=done.quarantined, unchanged=done.unchanged, warnings=done.warnings,
        finished_at=datetime.now(UTC),
    )
    return done


def _store(cur, spec, ss_id: int | None, batch_id: int, vendor: str, path: Path,
           lookups: bool = False, repeats: bool = True, child_field: str = "") -> apply.Survey:
    """Quarantine what cannot load, then write new and changed rows (keeping history).

    ``lookups``: the stage is small enough to survey by key lookups (see ``apply.survey``).
    ``repeats``: the stage may hold a key twice (False when the parse saw every key once).
    ``child_field``: a DfE return's name for the child's id, for the reasons it gives.
    """
    found = apply.survey(cur, spec, ss_id, lookups, repeats)
    if ss_id is None:
        return found
    if found.duplicates or found.dangling:
        if found.duplicates:
            apply.mark_duplicates(cur, spec)
        if found.dangling:
            apply.mark_dangling(cur, spec, ss_id, child_field)
        found = apply.survey(cur, spec, ss_id, lookups, repeats)
    if vendor == "postgresql" and spec.refs and (found.changed or found.new):
        apply.hold_people(cur, spec, ss_id, lookups)
    if found.changed:
        _expect(apply.keep_history(cur, spec, ss_id, batch_id, vendor), found.changed,
                "versions kept", path)
        _expect(apply.update_changed(cur, spec, ss_id, batch_id), found.changed,
                "changed rows updated", path)
    if found.new:
        every = found.new == found.staged  # nothing of this file is stored yet
        _expect(apply.insert_new(cur, spec, ss_id, batch_id, every=every), found.new,
                "new rows inserted", path)
    return found


def _store_warnings(cur, spec, ss_id: int, batch_id: int,
                    warnings: list[tuple[int, str, str, str]], using: str) -> int:
    """Warnings of rows this batch stored; an unchanged row's were reported when it loaded."""
    loaded_lines = quarantine.lines_loaded_with_warnings(cur, spec, ss_id, batch_id)
    kept = [w for w in warnings if w[0] in loaded_lines]
    ImportWarning.objects.using(using).bulk_create(
        [ImportWarning(batch_id=batch_id, line=line, record_key=key, field=f, message=m)
         for line, key, f, m in kept], batch_size=1000,
    )
    return len(kept)


def _expect(done: int, expected: int, what: str, path: Path) -> None:
    """A statement touched a different number of rows than classify counted: roll back."""
    if done != expected:
        raise RuntimeError(f"{path.name}: {done} {what}, expected {expected}; nothing loaded")


def _contact(meta: dict) -> dict[str, str]:
    """The safeguarding contact a ``source.json`` gives its agency: a value that is not text, a
    telephone number, an email address, or a team's name of at most 200 characters is left out."""
    given = {name: " ".join(value.split()) if isinstance(value := meta.get(name), str) else ""
             for name in ("safeguarding_team", "safeguarding_phone", "safeguarding_email")}
    if len(given["safeguarding_team"]) > 200:
        given["safeguarding_team"] = ""
    if not SAFEGUARDING_PHONE.fullmatch(given["safeguarding_phone"]):
        given["safeguarding_phone"] = ""
    try:
        validate_email(given["safeguarding_email"])
    except ValidationError:
        given["safeguarding_email"] = ""
    return {name: value for name, value in given.items() if value}


def _name_system(system: SourceSystem, meta: dict, agency: str, using: str) -> dict | None:
    """Name the system and its agency as its source.json does; the safeguarding contact given
    to an agency made here (agency_id, agency, fields), if any.

    "leeds health", or a name it had before a rename, is the agency "Leeds Health". Its contact
    only describes an agency this file brings into being: a feed never edits one the partnership
    (or another feed) already has.
    """
    contact = None
    if agency:
        given = _contact(meta)
        kind = meta.get("agency_type")
        system.agency, made = agency_named(agency, using, kind if kind in AGENCY_TYPES else "other",
                                           **given)
        if made and given:
            contact = {"agency_id": system.agency.pk, "agency": system.agency.name,
                       "fields": list(given)}
    system.name = str(meta.get("name", ""))[:200]
    system.save(using=using)
    return contact


def _source_system(code: str, folder: Path, using: str, known: SourceSystem | None
                   ) -> tuple[SourceSystem, dict | None, str]:
    """The file's source system, made if new and named from the folder's source.json; the
    safeguarding contact that file gave the agency it made (agency_id, agency, fields), if any;
    and why the source.json named nothing, if it could not be used."""
    system = known or SourceSystem.objects.using(using).get_or_create(code=code)[0]
    contact, problem = None, ""
    manifest = folder / "source.json"
    if manifest.is_file() and not system.name:
        try:  # a byte-order mark is accepted, as in the feed files
            meta = json.loads(manifest.read_text(encoding="utf-8-sig"))
        except (ValueError, UnicodeDecodeError, RecursionError):  # deep nesting: not a manifest
            meta = None
        if not isinstance(meta, dict):
            problem = "is not a JSON object in UTF-8"
        elif meta.get("source_system") != code:
            problem = f"names source_system {str(meta.get('source_system'))[:100]!r}, not {code!r}"
        elif len(agency := tidy_agency_name(str(meta.get("agency") or ""))) > AGENCY_NAME_MAX:
            problem = f"names an agency longer than {AGENCY_NAME_MAX} characters"
        else:
            contact = _name_system(system, meta, agency, using)
    return system, contact, problem
