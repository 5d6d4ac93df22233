"""Normalising records for the model: one query is prepared exactly like a stored record."""

from __future__ import annotations

from datetime import date

import pyarrow as pa

from jigsaw.identity.model import INPUT_COLUMNS
from jigsaw.identity.prepare import prepare, prepare_one, rows_to_table


def _one(**fields):
    return prepare_one(fields).to_pylist()[0]


def test_output_has_exactly_the_model_columns():
    assert tuple(prepare_one({"given_name": "Amy"}).column_names) == INPUT_COLUMNS


def test_names_are_normalised_and_nicknames_share_a_group():
    bill, william = _one(given_name="Bill", family_name="O'Neil"), _one(given_name="WILLIAM")
    assert bill["given_name"] == "bill" and bill["family_name"] == "oneil"
    assert set(bill["given_groups"]) & set(william["given_groups"])
    assert _one(given_name="Tyler-James")["given_tokens"] == ["tyler", "james"]


def test_placeholder_given_names_count_as_unknown():
    baby = _one(given_name="Baby", family_name="Smith")
    assert baby["given_name"] is None and baby["given_group"] is None and baby["family_name"] == "smith"


def test_birth_date_gets_its_swapped_form_only_when_that_is_a_date():
    assert _one(birth_date=date(2020, 3, 4))["birth_date_swapped"] == "2020-04-03"
    assert _one(birth_date="2020-03-25")["birth_date_swapped"] is None
    assert _one(birth_date="2020-03-03")["birth_date_swapped"] is None
    assert _one(birth_date="2020-03-04")["birth_year"] == 2020


def test_postcode_parts_and_bad_postcodes():
    row = _one(postcode="nv1 0ab")
    assert (row["postcode"], row["postcode_sector"], row["postcode_district"]) == ("NV1 0AB", "NV1 0", "NV1")
    assert _one(postcode="not a postcode")["postcode"] is None


def test_blank_and_unknown_values_are_null_never_empty_text():
    row = _one(given_name="  ", family_name="", sex="U", nhs_number=" ")
    assert all(row[c] is None for c in ("given_name", "family_name", "sex", "nhs_number"))


def test_non_latin_names_are_kept():
    assert _one(given_name="Мария", family_name="محمد")["given_name"] == "мария"


def test_batch_and_single_preparation_agree():
    rows = [(1, "gp", "Zoë", "Smith-Jones", "", "2019-02-03", "F", "9434765919", "", "NV1 0AB"),
            (2, "ed", "Bob", "Lee", "", "", "M", "", "", "")]
    batch = prepare(rows_to_table(rows)).to_pylist()
    names = ("unique_id", "source_system", "given_name", "family_name", "other_names", "birth_date", "sex",
             "nhs_number", "upn", "postcode")
    for row, prepared in zip(rows, batch, strict=True):
        assert prepare_one(dict(zip(names, row, strict=True)), unique_id=row[0]).to_pylist()[0] == prepared


def test_an_empty_table_prepares_to_an_empty_table():
    assert prepare(rows_to_table([])).num_rows == 0
    assert isinstance(prepare(rows_to_table([])), pa.Table)
