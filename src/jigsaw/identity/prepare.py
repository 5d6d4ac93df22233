"""Turn person records into the model's input table: normalised, with comparison helper columns.

Batch linkage, the match of a new record and a practitioner's search all pass through
:func:`prepare`, so a query is normalised exactly like a stored record. Names repeat heavily
(a million records hold a few tens of thousands of distinct names), so each distinct value is
normalised once in Python and mapped back with Arrow; the per-record work stays vectorised.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from jigsaw.identity.contract import INPUT_COLUMNS
from jigsaw.identity.names import (
    canonical_given,
    given_name_groups,
    initial,
    name_tokens,
    normalise_name,
    surname_tokens,
)
from jigsaw.identity.record import PLACEHOLDER_GIVEN_NAMES, RAW_COLUMNS  # noqa: F401 (their home was here)
from jigsaw.identity.record import address as _address
from jigsaw.identity.record import address_postcode as _address_postcode
from jigsaw.identity.record import given as _given
from jigsaw.identity.record import given_first as _given_first
from jigsaw.identity.record import postcode as _postcode
from jigsaw.identity.record import swapped as _swapped

_STR = pa.string()
_TOKENS = pa.list_(pa.string())


def _map_unique(values: pa.Array, fn: Callable[[str], Any], out_type: pa.DataType) -> pa.Array:
    """``fn`` applied to each distinct non-null value of ``values``, mapped back to every row."""
    values = values.cast(_STR)
    distinct = pc.unique(values).drop_null()
    mapped = pa.array([fn(v) for v in distinct.to_pylist()], out_type)
    return mapped.take(pc.index_in(values, value_set=distinct))


def _blank_to_null(values: pa.Array) -> pa.Array:
    values = values.cast(_STR)
    stripped = pc.utf8_trim_whitespace(values)
    return pc.if_else(pc.equal(stripped, ""), pa.scalar(None, _STR), stripped)


def _empty_to_null(values: pa.Array) -> pa.Array:
    return pc.if_else(pc.equal(values, ""), pa.scalar(None, values.type), values)


def _column(table: pa.Table, name: str, length: int) -> pa.Array:
    if name in table.column_names:
        return table.column(name).combine_chunks()
    return pa.nulls(length, _STR)


def prepare(table: pa.Table) -> pa.Table:
    """The model's input columns (:data:`~jigsaw.identity.model.INPUT_COLUMNS`) for ``table``.

    ``table`` holds :data:`RAW_COLUMNS`; ``birth_date`` may be a date or ISO text, and
    ``nhs_number`` must already be only numbers that passed their check (invalid ones are set
    aside at import, DESIGN's row outcomes).
    """
    n = table.num_rows
    given_raw = _column(table, "given_name", n)
    family_raw = _column(table, "family_name", n)
    birth = _column(table, "birth_date", n)
    if pa.types.is_date(birth.type):
        birth = pc.strftime(birth, "%Y-%m-%d")
    birth = _blank_to_null(birth)
    address = _map_unique(_blank_to_null(_column(table, "address", n)), _address,
                          pa.struct([("house", _STR), ("street", _STR), ("place", _STR), ("locality", _STR),
                                     ("code", _STR)]))
    # the postcode column when a feed has one, else a postcode read from the end of the address
    parts = pa.struct([("unit", _STR), ("sector", _STR), ("district", _STR)])
    given = _map_unique(_blank_to_null(_column(table, "postcode", n)), _postcode, parts)
    read = _map_unique(pc.struct_field(address, "code"), _address_postcode, parts)
    postcode = pc.if_else(pc.is_valid(pc.struct_field(given, "unit")), given, read)
    sex = _blank_to_null(_column(table, "sex", n))
    columns = {
        "unique_id": table.column("unique_id").combine_chunks().cast(pa.int64()),
        "source_system": _column(table, "source_system", n).cast(_STR),
        "given_name": _empty_to_null(_map_unique(given_raw, lambda v: _given_first(v) or "", _STR)),
        "given_group": _empty_to_null(_map_unique(given_raw, lambda v: canonical_given(_given(v)), _STR)),
        "given_groups": _map_unique(given_raw, lambda v: sorted(given_name_groups(_given(v))) or None,
                                    _TOKENS),
        "given_tokens": _map_unique(given_raw, lambda v: list(name_tokens(_given(v))) or None, _TOKENS),
        "given_initial": _empty_to_null(_map_unique(given_raw, lambda v: initial(_given(v)), _STR)),
        "family_name": _empty_to_null(_map_unique(family_raw, lambda v: normalise_name(v, drop_titles=False),
                                                  _STR)),
        "family_tokens": _map_unique(family_raw, lambda v: list(surname_tokens(v)) or None, _TOKENS),
        "birth_date": birth,
        "birth_date_swapped": _map_unique(birth, _swapped, _STR),
        "birth_year": pc.cast(pc.utf8_slice_codeunits(birth, 0, 4), pa.int32()),
        "sex": pc.if_else(pc.is_in(sex, pa.array(["M", "F"])), sex, pa.scalar(None, _STR)),
        "nhs_number": _blank_to_null(_column(table, "nhs_number", n)),
        "upn": _blank_to_null(_column(table, "upn", n)),
        "postcode": pc.struct_field(postcode, "unit"),
        "postcode_sector": pc.struct_field(postcode, "sector"),
        "postcode_district": pc.struct_field(postcode, "district"),
        "house_number": pc.struct_field(address, "house"),
        "street": pc.struct_field(address, "street"),
        "place": pc.struct_field(address, "place"),
        "locality": pc.struct_field(address, "locality"),
    }
    return pa.table({name: columns[name] for name in INPUT_COLUMNS})


def prepare_one(record: Mapping[str, Any], unique_id: int = 0) -> pa.Table:
    """One record (a search query or a newly imported row) as a one-row input table."""
    row: dict[str, Any] = {name: record.get(name) for name in RAW_COLUMNS}
    row["unique_id"] = unique_id
    birth = row["birth_date"]
    row["birth_date"] = birth.isoformat() if isinstance(birth, date) else birth
    return prepare(pa.Table.from_pylist([row], schema=_raw_schema()))


def _raw_schema() -> pa.Schema:
    return pa.schema([(name, pa.int64() if name == "unique_id" else _STR) for name in RAW_COLUMNS])


def rows_to_table(rows: Iterable[tuple], names: tuple[str, ...] = RAW_COLUMNS) -> pa.Table:
    """Raw records given as tuples in ``names`` order, as an Arrow table (text columns)."""
    columns = list(zip(*rows, strict=False)) or [() for _ in names]
    if len(columns) < len(names):  # rows written before a column was added: it is unknown
        columns += [(None,) * len(columns[0]) if columns and columns[0] else ()] * (len(names) - len(columns))
    return pa.table({name: pa.array(col, pa.int64() if name == "unique_id" else _STR)
                     for name, col in zip(names, columns, strict=True)})

