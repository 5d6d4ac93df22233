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


_LINKED = """
SELECT pr.id, ss.code, pr.given_name, pr.family_name, pr.other_names, pr.birth_date, pr.sex,
       pr.nhs_number, pr.upn, pr.postcode, pr.address, pr.row_hash,
       rl.person_id, p.shielded, p.shield_contact
FROM records_personrecord pr JOIN records_sourcesystem ss ON ss.id = pr.source_system_id
LEFT JOIN signpost_recordlink rl ON rl.record_id = pr.id
LEFT JOIN signpost_person p ON p.id = rl.person_id
"""


def load_linked(ids: Iterable[int], using: str = "default"
                ) -> tuple[list[dict[str, Any]], dict[int, tuple[int, bool, str]]]:
    """The records with ``ids`` as dicts of :data:`COLUMNS` (no Arrow: a search scores a few
    hundred) and, in the same query, record id -> (person id, shielded,
    shield contact) for those linked to a person (a record imported since the last link run is not)."""
    rows: list[dict[str, Any]] = []
    links: dict[int, tuple[int, bool, str]] = {}
    wanted = sorted(set(ids))
    with connections[using].cursor() as cur:
        for start in range(0, len(wanted), 500):
            part = wanted[start:start + 500]
            marks = ", ".join(["%s"] * len(part))
            cur.execute(_LINKED + f" WHERE pr.id IN ({marks}) ORDER BY pr.id", part)
            for row in cur.fetchall():
                rows.append(dict(zip(COLUMNS, _row(row[:12]), strict=True)))
                if row[12] is not None:
                    links[row[0]] = (row[12], bool(row[13]), row[14])
    return rows, links
