"""A record prepared in plain Python (a search's query and candidates) is the row the Arrow
preparation (batch linkage, the incremental match) gives for it: the search sees what the batch
sees."""

from __future__ import annotations

from datetime import date

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jigsaw.identity import RAW_COLUMNS, prepare, prepare_one, prepare_row, rows_to_table
from jigsaw.identity.model import INPUT_COLUMNS
from jigsaw.synth import write_partnership
from tests.identity.synth_people import read_people

#: Values that take each branch: placeholders, titles, hyphens, blanks, whitespace Arrow and
#: Python both strip, a foreign postcode in an address, a postcode column beating the address.
AWKWARD = [
    {"given_name": "Baby", "family_name": "Smith", "birth_date": "2020-03-04"},
    {"given_name": "  Tyler-James ", "family_name": "Mc Donald-Smith", "birth_date": " 2019-12-12 "},
    {"given_name": "", "family_name": "   ", "birth_date": "", "sex": " ", "postcode": "", "address": ""},
    {"given_name": "Zoë", "family_name": "O'Neil", "sex": "X", "nhs_number": " 9434765919 ", "upn": "A1"},
    {"given_name": "Bill", "family_name": "Dr Brown", "postcode": "nv10ab",
     "address": "12 Cope Place, NV2 3CD"},
    {"given_name": "Ana", "address": "Flat 2, 3 Dalrymple S treet, Leith, 75001", "birth_date": "2010-05-05"},
    {"given_name": "Ana", "address": "3 High St, Northvale NV1 2JR", "postcode": "not a postcode"},
    {"given_name": "\u3000Mei\u2003", "family_name": "\u00a0Li", "birth_date": date(2018, 1, 2)},
    {"given_name": None, "family_name": None, "birth_date": None},
]


def _by_arrow(records: list[dict]) -> list[dict]:
    rows = [tuple(i if name == "unique_id" else _text(r.get(name)) for name in RAW_COLUMNS)
            for i, r in enumerate(records, 1)]
    return prepare(rows_to_table(rows)).to_pylist()


def _text(value):
    return value.isoformat() if isinstance(value, date) else value


def _by_python(records: list[dict]) -> list[dict]:
    return [prepare_row(r, unique_id=i) for i, r in enumerate(records, 1)]


def test_awkward_records_prepare_alike():
    assert _by_python(AWKWARD) == _by_arrow(AWKWARD)
    assert all(tuple(row) == INPUT_COLUMNS for row in _by_python(AWKWARD))


def test_a_query_prepares_like_prepare_one():
    query = {"given_name": "Jesica", "family_name": "Tompson", "birth_date": date(2015, 4, 3),
             "postcode": "NV1 2JR", "nhs_number": None}
    assert prepare_row(query, unique_id=0) == prepare_one(query).to_pylist()[0]


def test_a_synthetic_partnership_prepares_alike(tmp_path):
    write_partnership(tmp_path, children=60, seed=5)
    raw: pa.Table = read_people(tmp_path)
    assert raw.num_rows > 100
    assert [prepare_row(r) for r in raw.to_pylist()] == prepare(raw).to_pylist()


_DATES = st.one_of(st.none(), st.dates(date(1900, 1, 1), date(2030, 12, 31)))
_TEXT = st.one_of(st.none(), st.text(alphabet=st.sampled_from(list("aAbBéz -'.,0123 NV\t")), max_size=14))


@settings(max_examples=150, deadline=None)
@given(st.fixed_dictionaries({"given_name": _TEXT, "family_name": _TEXT, "sex": _TEXT, "postcode": _TEXT,
                              "address": _TEXT, "upn": _TEXT,
                              "birth_date": _DATES}))
def test_any_record_prepares_alike(record):
    assert _by_python([record]) == _by_arrow([record])


@pytest.mark.parametrize("blank", ["", " ", "\t", None])
def test_blank_values_are_null_in_both(blank):
    record = {name: blank for name in RAW_COLUMNS if name != "unique_id"}
    assert _by_python([record]) == _by_arrow([record])
