"""Listing and exporting quarantined rows, so an agency can fix and re-send them; and the
warnings of rows that loaded."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from jigsaw.feeds import neutralise_formula

from .models import ImportWarning, QuarantinedRow

FIELDS = ("id", "status", "source_system", "file_kind", "file_name", "line", "record_key",
          "reason", "times_seen", "raw")


def quarantined_rows(source: str | None = None, include_resolved: bool = False,
                     with_raw: bool = False, using: str = "default") -> Iterator[dict]:
    rows = QuarantinedRow.objects.using(using).select_related("source_system").order_by("id")
    if not include_resolved:
        rows = rows.filter(status="open")
    if source:
        rows = rows.filter(source_system__code=source)
    for q in rows.iterator(chunk_size=2000):
        item = {"id": q.pk, "status": q.status,
                "source_system": q.source_system.code if q.source_system else None,
                "file_kind": q.file_kind, "file_name": q.file_name, "line": q.line,
                "record_key": q.record_key, "reason": q.reason, "times_seen": q.times_seen}
        if with_raw:
            item["raw"] = q.raw
        yield item


def import_warnings(source: str | None = None, using: str = "default") -> Iterator[dict]:
    """Rows that loaded with a warning (an unknown DfE code, an NHS number failing its check),
    oldest first: where they came from and what to fix (not their content)."""
    rows = (ImportWarning.objects.using(using).select_related("batch__source_system")
            .order_by("id"))
    if source:
        rows = rows.filter(batch__source_system__code=source)
    for w in rows.iterator(chunk_size=2000):
        system = w.batch.source_system
        yield {"id": w.pk, "batch_id": w.batch_id, "source_system": system.code if system else None,
               "file_kind": w.batch.file_kind, "file_name": w.batch.file_name, "line": w.line,
               "record_key": w.record_key, "field": w.field, "message": w.message}


def export_csv(out: Path, source: str | None = None, include_resolved: bool = False,
               using: str = "default") -> int:
    """Write the rows with their raw text; formula-like text is neutralised for spreadsheets."""
    count = 0
    with out.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(FIELDS)
        for item in quarantined_rows(source, include_resolved, with_raw=True, using=using):
            writer.writerow([neutralise_formula(str(item[k])) if isinstance(item[k], str)
                             else item[k] for k in FIELDS])
            count += 1
    return count
