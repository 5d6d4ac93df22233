"""The fast scorer gives the same levels and weights as Splink's SQL for the same model."""

from __future__ import annotations

import random

import duckdb
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jigsaw.identity.fastscore import FastScorer, UnknownLevel, damerau_levenshtein
from jigsaw.identity.linkage import default_model
from jigsaw.identity.prepare import prepare
from jigsaw.identity.score import Scorer, term_frequencies
from jigsaw.synth import write_partnership
from tests.identity.synth_people import read_people


@pytest.fixture(scope="module")
def records(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fast")
    write_partnership(folder, children=150, seed=9)
    return prepare(read_people(folder))


def test_same_levels_and_weights_as_splink_on_synthetic_pairs(records):
    tf = term_frequencies(records)
    model = default_model()
    fast, slow = FastScorer(model, tf), Scorer(model, tf)
    rows = records.to_pylist()
    rng = random.Random(4)
    compared = 0
    for start in range(0, 400, 20):
        query = rows[rng.randrange(len(rows))]
        # candidates: the same family name or birth date, so every level is exercised, plus noise
        near = [r for r in rows
                if r["family_name"] == query["family_name"] or r["birth_date"] == query["birth_date"]]
        candidates = near[:15] + rows[start:start + 5]
        pool = records.take([rows.index(c) for c in candidates])
        scored = slow.score(records.slice(rows.index(query), 1), pool).to_pylist()
        expected = {r["unique_id_r"]: r for r in scored}
        for got in fast.score_rows(query, candidates):
            want = expected[got["unique_id_r"]]
            for key, value in got.items():
                if key.startswith("gamma_"):
                    assert value == want[key], (key, query, got["unique_id_r"])
                elif key.startswith("mw") or key == "match_weight":
                    assert value == pytest.approx(want[key], abs=1e-9), key
            assert got["match_probability"] == pytest.approx(want["match_probability"], abs=1e-12)
            compared += 1
    assert compared >= 300


def test_address_levels_as_splink_when_lines_are_left_out_or_exchanged():
    """The address levels of today's model (the shipped one predates some) agree with Splink."""
    from jigsaw.identity.model import settings as model_settings

    model = default_model()
    fresh = model_settings().get_settings("duckdb").as_dict()
    address = next(c for c in fresh["comparisons"] if c["output_column_name"] == "address")
    for i, level in enumerate(lv for lv in address["comparison_levels"] if not lv.get("is_null_level")):
        level["m_probability"], level["u_probability"] = 0.5 / (i + 1), 0.01 * (i + 1)
    model["comparisons"] = [address if c["output_column_name"] == "address" else c
                            for c in model["comparisons"]]
    raw = [("Ann", "Lee", "121 Blackbutt Street, Ethnam Farm, Maitland, 3088 nsw"),
           ("Ann", "Lee", "121 Ethnam Farm, Blackbutt Street, Maitland, 3088 nsw"),
           ("Ann", "Lee", "121, Ethnam Farm, Maitland, 3088 nsw"),
           ("Ann", "Lee", "121 Blackbutt Street, Maitland, 3088 nsw"),
           ("Ann", "Lee", "12 Blackbutt Street, Maitland, 3088 nsw"),
           ("Ann", "Lee", "48, Maitland, 3088 nsw"),
           ("Ann", "Lee", "7 Ethnam Farm, Oak Road, Maitland, 3088 nsw"),
           ("Ann", "Lee", None)]
    records = prepare(pa.table({"unique_id": list(range(len(raw))), "given_name": [r[0] for r in raw],
                                "family_name": [r[1] for r in raw], "address": [r[2] for r in raw]}))
    fast, slow = FastScorer(model, {}), Scorer(model, {})
    rows = records.to_pylist()
    levels = set()
    for i, query in enumerate(rows):
        expected = {r["unique_id_r"]: r for r in slow.score(records.slice(i, 1), records).to_pylist()}
        for got in fast.score_rows(query, rows):
            want = expected[got["unique_id_r"]]["gamma_address"]
            assert got["gamma_address"] == want, (i, got["unique_id_r"])
            levels.add(got["gamma_address"])
    across = len(address["comparison_levels"]) - 3  # the level after "same house and street"
    assert {-1, 0, 1, across, across + 1}.issubset(levels)


@settings(max_examples=300, deadline=None)
@given(st.text("abcde", max_size=8), st.text("abcde", max_size=8))
def test_edit_distance_agrees_with_duckdb(a, b):
    want = duckdb.execute("SELECT damerau_levenshtein(?, ?)", [a, b]).fetchone()[0]
    assert min(damerau_levenshtein(a, b, limit=2), 3) == min(want, 3)


def test_a_level_it_does_not_know_is_refused():
    model = default_model()
    model["comparisons"][0]["comparison_levels"][2]["label_for_charts"] = "soundex agrees"
    with pytest.raises(UnknownLevel, match="soundex"):
        FastScorer(model, {})


@settings(max_examples=300, deadline=None)
@given(st.text("abcdefghij", max_size=8), st.text("abcdefghij", max_size=8), st.sampled_from([1, 2]))
def test_the_letters_bound_never_changes_a_capped_distance(a, b, limit):
    """Ten letters, so many pairs differ by more letters than the limit (the shortcut's case)."""
    want = duckdb.execute("SELECT damerau_levenshtein(?, ?)", [a, b]).fetchone()[0]
    assert damerau_levenshtein(a, b, limit=limit) == min(want, limit + 1)


def _given_name_model() -> tuple[dict, list[str]]:
    """The shipped model with today's given-name comparison (made-up weights) and its level labels."""
    from jigsaw.identity.model import settings as model_settings

    model = default_model()
    fresh = model_settings().get_settings("duckdb").as_dict()
    given = next(c for c in fresh["comparisons"] if c["output_column_name"] == "given_name")
    levels = [lv for lv in given["comparison_levels"] if not lv.get("is_null_level")]
    for i, level in enumerate(levels):
        level["m_probability"], level["u_probability"] = 0.5 / (i + 1), 0.01 * (i + 1)
    model["comparisons"] = [given if c["output_column_name"] == "given_name" else c
                            for c in model["comparisons"]]
    return model, [lv["label_for_charts"] for lv in levels]


@pytest.mark.parametrize(("first", "second", "label"), [
    # names exchanged, the given name one word of a two-word family name, the other mistyped
    (("Alexa", "White"), ("Whitbe", "Alexa Rose"), "names swapped, one a word of a longer name"),
    # the family name written, mistyped, as the given name; the other name replaced
    (("Victoria", "Pulford"), ("Pulfrd", "Cassandra"), "a given name is the other's family name, mistyped"),
    (("Lucy", "Clarke"), ("Bkows", "Luc Y"), "a given name is the other's family name, mistyped"),
    # twins: short given names two edits from the shared family name are not a swap
    (("Mia", "Lee"), ("Leo", "Lee"), "given names differ"),
    (("Ella", "Bell"), ("Jack", "Bell"), "given names differ"),
])
def test_names_in_the_other_field_take_their_level_in_splink_and_fast_forms(first, second, label):
    model, labels = _given_name_model()
    records = prepare(pa.table({"unique_id": [1, 2], "given_name": [first[0], second[0]],
                                "family_name": [first[1], second[1]], "birth_date": [None, None]}))
    fast, slow = FastScorer(model, {}), Scorer(model, {})
    rows = records.to_pylist()
    want = slow.score(records.slice(0, 1), records.slice(1, 1)).to_pylist()[0]["gamma_given_name"]
    got = fast.score_rows(rows[0], rows[1:])[0]["gamma_given_name"]
    assert got == want
    assert labels[len(labels) - 1 - got] == label
