"""The input of an evaluation: resolved people, their events and household memberships, as Arrow.

The alert app builds a ``Population`` from the database (set-wise, one query per table) and the
benchmarks build one straight from synthetic feed files; the engine sees only these three tables,
so it never needs Django and the same rules run on either.

``events``: ``event_key`` (str, ``source_system:event_id``), ``person_id`` (int64, the resolved
person), ``event_type`` (str, feeds vocabulary), ``occurred_at`` (timestamp, UTC; a date is
accepted), ``precision`` (``datetime`` | ``day`` | ``month`` | ``year``; null means ``day``),
``source_system`` (str), ``agency`` (str), ``details`` (JSON object text or null).
``people``: ``person_id`` (int64), ``birth_date`` (date32, null = unknown), ``sex``, ``ethnicity``.
``households``: ``person_id``, ``member_id`` (int64; one row per direction of each pair),
``started``, ``ended`` (date32, null = open) — the period the two lived together. The engine does
not close pairs transitively: whoever builds the table lists every pair of people in a household.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

EVENT_SCHEMA = pa.schema([
    ("event_key", pa.string()), ("person_id", pa.int64()), ("event_type", pa.string()),
    ("occurred_at", pa.timestamp("us", tz="UTC")), ("precision", pa.string()),
    ("source_system", pa.string()), ("agency", pa.string()), ("details", pa.string()),
])
PEOPLE_SCHEMA = pa.schema([
    ("person_id", pa.int64()), ("birth_date", pa.date32()), ("sex", pa.string()),
    ("ethnicity", pa.string()),
])
HOUSEHOLD_SCHEMA = pa.schema([
    ("person_id", pa.int64()), ("member_id", pa.int64()), ("started", pa.date32()),
    ("ended", pa.date32()),
])
#: columns that may be left out (filled with nulls)
_OPTIONAL = {"precision", "agency", "details", "sex", "ethnicity", "started", "ended"}


def _conform(table: pa.Table, schema: pa.Schema, name: str) -> pa.Table:
    """``table`` with exactly ``schema``'s columns, cast; a missing required column is an error."""
    cols = []
    for f in schema:
        if f.name in table.column_names:
            col = table.column(f.name)
            if f.name == "occurred_at" and pa.types.is_date(col.type):
                col = col.cast(pa.timestamp("s")).cast(pa.timestamp("us"))
            if f.name == "occurred_at" and pa.types.is_timestamp(col.type) and col.type.tz is None:
                col = col.cast(pa.timestamp("us")).cast(f.type)  # naive timestamps are read as UTC
            cols.append(col.cast(f.type))
        elif f.name in _OPTIONAL:
            cols.append(pa.nulls(table.num_rows, f.type))
        else:
            raise ValueError(f"Population.{name} lacks column {f.name!r}")
    return pa.Table.from_arrays(cols, schema=schema)


@dataclass(frozen=True)
class Population:
    """Events, people and household memberships of the people being evaluated (see module doc)."""

    events: pa.Table
    people: pa.Table
    households: pa.Table

    def __post_init__(self) -> None:
        object.__setattr__(self, "events", _conform(self.events, EVENT_SCHEMA, "events"))
        object.__setattr__(self, "people", _conform(self.people, PEOPLE_SCHEMA, "people"))
        object.__setattr__(self, "households", _conform(self.households, HOUSEHOLD_SCHEMA, "households"))

    @classmethod
    def from_rows(cls, events: Iterable[Mapping[str, Any]], people: Iterable[Mapping[str, Any]],
                  households: Iterable[Mapping[str, Any]] = ()) -> Population:
        """A population from plain dicts (tests, small incremental runs); absent keys are null."""
        def table(rows: Iterable[Mapping[str, Any]], schema: pa.Schema) -> pa.Table:
            rows = list(rows)
            return pa.Table.from_pylist([{f.name: r.get(f.name) for f in schema} for r in rows],
                                        schema=schema)
        return cls(table(events, EVENT_SCHEMA), table(people, PEOPLE_SCHEMA),
                   table(households, HOUSEHOLD_SCHEMA))
