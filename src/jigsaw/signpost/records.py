"""Reading person records out of the records app as the identity engine's raw Arrow table."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import connections

from jigsaw.identity import RAW_COLUMNS

if TYPE_CHECKING:
    import pyarrow as pa

#: RAW_COLUMNS plus the row hash, which tells a later run whether a record's details changed.
COLUMNS = (*RAW_COLUMNS, "row_hash")

_SELECT = """
SELECT pr.id, ss.code, pr.given_name, pr.family_name, pr.other_names, pr.birth_date, pr.sex,
       pr.nhs_number, pr.upn, pr.postcode, pr.address, pr.row_hash
FROM records_personrecord pr JOIN records_sourcesystem ss ON ss.id = pr.source_system_id
"""
_FETCH = 100_000


def _row(row: tuple) -> tuple:
    birth = row[5]
    return (*row[:5], birth.isoformat() if hasattr(birth, "isoformat") else birth, *row[6:])


def load(ids: Iterable[int] | None = None, using: str = "default") -> pa.Table:
    """Every person record (or those with ``ids``), one row each, in id order.

    NHS numbers that failed their check were set aside at import (``nhs_number`` is blank and
    ``nhs_number_invalid`` holds the text), so only valid numbers reach the model.
    """
    from jigsaw.identity import rows_to_table  # Arrow: loaded only by the callers that want a table

    return rows_to_table(_fetch(ids, using), COLUMNS)


def load_rows(ids: Iterable[int], using: str = "default") -> list[dict[str, Any]]:
    """The records with ``ids`` as dicts of :data:`COLUMNS`, in id order: :func:`load` without
    Arrow, for the few candidates of one search."""
    return [dict(zip(COLUMNS, row, strict=True)) for row in _fetch(ids, using)]


def _fetch(ids: Iterable[int] | None, using: str) -> list[tuple]:
    rows: list[tuple] = []
    with connections[using].cursor() as cur:
        if ids is None:
            cur.execute(_SELECT + " ORDER BY pr.id")
            while chunk := cur.fetchmany(_FETCH):
                rows.extend(_row(r) for r in chunk)
        else:
            wanted = sorted(set(ids))
            for start in range(0, len(wanted), 500):
                part = wanted[start:start + 500]
                marks = ", ".join(["%s"] * len(part))
                cur.execute(_SELECT + f" WHERE pr.id IN ({marks}) ORDER BY pr.id", part)
                rows.extend(_row(r) for r in cur.fetchall())
    return rows
