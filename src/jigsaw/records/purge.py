"""Permanent deletion of person records and everything the records tables hold about them.

Called by the purge orchestrator (:mod:`jigsaw.lifecycle.purge`) inside its transaction, after
the apps above have removed what refers to these records. Deletion is set-wise: one
``DELETE … WHERE column IN (…)`` per table and chunk of ids, never a query per row, and no
ORM collector (which would read every row before deleting it).

What goes, for the given person records:
- the records themselves, their events, involvements, and relationships on either side;
- every superseded version of any of those rows (``RecordVersion``);
- quarantined rows and import warnings about them (matched by the source's keys, and for a
  quarantined event by the person's source id in its raw text);
- released litigation holds on the resolved people being purged.
Import batches stay: they hold file names, digests and counts, never a person's details.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.db import connections, models

from jigsaw.feeds import KEY_SEPARATOR

from .models import (
    Event,
    ImportWarning,
    Involvement,
    LitigationHold,
    PersonRecord,
    QuarantinedRow,
    RecordVersion,
    Relationship,
)

CHUNK = 500  # parameters per statement: well inside SQLite's and PostgreSQL's limits


def chunks(values: Sequence, size: int = CHUNK) -> Iterable[Sequence]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def delete_where(
    model: type[models.Model],
    column: str,
    values: Iterable,
    using: str,
    extra: str = "",
    extra_args: Sequence = (),
) -> int:
    """``DELETE FROM model WHERE column IN values [AND extra]``, chunked; rows deleted."""
    values = list(dict.fromkeys(values))
    table = connections[using].ops.quote_name(model._meta.db_table)
    done = 0
    with connections[using].cursor() as cur:
        for part in chunks(values):
            marks = ", ".join(["%s"] * len(part))
            cur.execute(
                f"DELETE FROM {table} WHERE {column} IN ({marks}){extra}",  # noqa: S608
                [*part, *extra_args],
            )
            done += cur.rowcount
    return done


def _keys(
    model: type[models.Model], column: str, ids: Sequence[int], using: str
) -> list[tuple[int, int, str]]:
    rows = []
    for part in chunks(ids):
        rows += list(
            model.objects.using(using)
            .filter(**{f"{column}__in": part})
            .values_list("id", "source_system_id", "record_key")
        )
    return rows


def _fields(raw: str) -> set[str]:
    """The whole field values of a raw CSV or JSONL line (to find a source id in it)."""
    text = raw.strip()
    if text.startswith("{"):
        try:
            return {str(v) for v in json.loads(text).values()}
        except (ValueError, AttributeError):
            pass
    try:
        return {value for row in csv.reader(io.StringIO(text)) for value in row}
    except csv.Error:
        return set()


def purge_records(
    record_ids: Sequence[int], person_ids: Sequence[int], using: str = "default"
) -> dict[str, int]:
    """Delete the records ``record_ids`` (of the resolved people ``person_ids``) and all that hangs
    off them in this app; returns rows deleted per table."""
    record_ids = list(record_ids)
    people = _keys(PersonRecord, "id", record_ids, using)
    events = _keys(Event, "person_id", record_ids, using)
    involvements = _keys(Involvement, "person_id", record_ids, using)
    relationships = _keys(Relationship, "person_id", record_ids, using) + _keys(
        Relationship, "related_id", record_ids, using
    )
    keys: dict[tuple[str, int], set[str]] = defaultdict(set)  # (kind, source system) -> record keys
    for kind, rows in (
        ("people", people),
        ("events", events),
        ("involvements", involvements),
        ("relationships", relationships),
    ):
        for _, ss, key in rows:
            keys[kind, ss].add(key)
    counts = {
        "records_event": delete_where(Event, "id", [r[0] for r in events], using),
        "records_involvement": delete_where(Involvement, "id", [r[0] for r in involvements], using),
        "records_relationship": delete_where(Relationship, "id", [r[0] for r in relationships], using),
    }
    versions = quarantined = warnings = 0
    for (kind, ss), found in keys.items():
        versions += delete_where(
            RecordVersion,
            "record_key",
            sorted(found),
            using,
            " AND kind = %s AND source_system_id = %s",
            [kind, ss],
        )
    quarantined = _purge_quarantine(people, keys, using)
    by_source: dict[int, set[str]] = defaultdict(set)
    for (_, ss), found in keys.items():
        by_source[ss] |= found
    for ss, found in by_source.items():
        batches = list(
            ImportWarning.objects.using(using)
            .filter(batch__source_system_id=ss)
            .values_list("batch_id", flat=True)
            .distinct()
        )
        if batches:
            marks = ", ".join(["%s"] * len(batches))
            warnings += delete_where(
                ImportWarning, "record_key", sorted(found), using, f" AND batch_id IN ({marks})", batches
            )
    counts["records_recordversion"] = versions
    counts["records_quarantinedrow"] = quarantined
    counts["records_importwarning"] = warnings
    counts["records_personrecord"] = delete_where(PersonRecord, "id", record_ids, using)
    counts["records_litigationhold"] = delete_where(LitigationHold, "person_id", list(person_ids), using)
    return counts


def _purge_quarantine(
    people: list[tuple[int, int, str]], keys: dict[tuple[str, int], set[str]], using: str
) -> int:
    """Quarantined rows about these people: by the source's keys, or naming the person's source id
    in the raw row (an event or relationship that arrived before its person). One read of each
    source's quarantine, matched in memory."""
    ids_by_source: dict[int, set[str]] = defaultdict(set)
    for _, ss, source_id in people:
        ids_by_source[ss].add(source_id)
    doomed = []
    for ss, source_ids in ids_by_source.items():
        rows = QuarantinedRow.objects.using(using).filter(source_system_id=ss)
        for qid, kind, key, raw in rows.values_list("id", "file_kind", "record_key", "raw").iterator(2000):
            if kind == "people":
                mine = key in source_ids
            else:
                mine = (
                    key in keys.get((kind, ss), ())
                    or key.split(KEY_SEPARATOR)[0] in source_ids
                    or not source_ids.isdisjoint(_fields(raw))
                )
            if mine:
                doomed.append(qid)
    return delete_where(QuarantinedRow, "id", doomed, using)
