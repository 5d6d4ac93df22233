"""The fast scorer gives the same levels and weights as Splink's SQL for the same model."""

from __future__ import annotations

import random

import duckdb
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
