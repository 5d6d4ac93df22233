"""A routine link's own blocking gives Splink's pairs, and scoring them gives Splink's answer."""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pytest

from jigsaw.identity import linkage
from jigsaw.identity.blocking import blocked_pairs, slips
from jigsaw.identity.prepare import prepare
from jigsaw.synth import write_partnership
from tests.identity.synth_people import read_people


@pytest.fixture(scope="module")
def records(tmp_path_factory) -> pa.Table:
    folder = tmp_path_factory.mktemp("blocked")
    write_partnership(folder, children=300, seed=5)
    return prepare(read_people(folder))


def _pairs(table: pa.Table) -> dict[tuple[int, int], float]:
    rows = zip(table.column("unique_id_l").to_pylist(), table.column("unique_id_r").to_pylist(),
               table.column("match_weight").to_pylist(), strict=True)
    return {(left, right): round(weight, 9) for left, right, weight in rows}


def test_the_same_pairs_and_first_rule_as_splinks_blocking(records):
    linker = linkage.make_linker(records, linkage.default_model())
    splink = linker.inference.compute_blocked_pairs_for_predict().as_duckdbpyrelation()
    columns = "match_key, join_key_l, join_key_r"
    expected = {(l_, r_): key for key, l_, r_ in splink.select(columns).fetchall()}
    con = linkage.connect()
    con.register("records", records)
    rules = [rule.blocking_rule_sql for rule in linker._settings_obj._blocking_rules_to_generate_predictions]
    count = blocked_pairs(con, "records", rules, "pairs")
    found = {(l_, r_): key for key, l_, r_ in con.execute(f"SELECT {columns} FROM pairs").fetchall()}  # noqa: S608
    assert count == len(found) == len(expected) > 1_000
    assert found == expected
    # the intermediate table of every rule's pairs is gone
    left = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'pairs_found'").fetchone()
    assert left == (0,)


@pytest.mark.parametrize("chunks", [1, 3])
def test_scoring_own_pairs_gives_splinks_predictions(records, chunks, monkeypatch):
    monkeypatch.setattr(linkage.RESOURCES, "chunks", chunks)
    model = linkage.default_model()
    splink = linkage._splink_predict(linkage.make_linker(records, model), linkage.KEEP_PROBABILITY, 1)
    linker = linkage.make_linker(records, model)
    own = linkage.predict(linker, records=records.num_rows)
    assert own.num_rows == splink.num_rows > 500
    assert _pairs(own) == _pairs(splink)
    assert set(own.column_names) == set(splink.column_names)
    # nothing is left behind: the linker predicts again from its own rules
    assert not linker.inference._registered_blocked_pairs_cache_keys()
    assert _pairs(linker.inference.predict(threshold_match_probability=linkage.KEEP_PROBABILITY)
                  .as_duckdbpyrelation().to_arrow_table()) == _pairs(splink)


def test_a_model_without_rules_is_left_to_splink(records):
    model = {**linkage.default_model(), "blocking_rules_to_generate_predictions": []}
    few = records.slice(0, 60)
    pairs = linkage.predict(linkage.make_linker(few, model), keep_probability=0.0)
    assert pairs.num_rows == 60 * 59 // 2  # every pair, Splink's all-pairs comparison


def _mutations(word: str) -> list[str]:
    """``word`` with one and two slips: letters changed, dropped, added and swapped."""
    once = {word[:i] + c + word[i + 1:] for i in range(len(word)) for c in "aé中"}
    once |= {word[:i] + word[i + 1:] for i in range(len(word))}
    once |= {word[:i] + word[i + 1] + word[i] + word[i + 2:] for i in range(len(word) - 1)}
    return sorted(once | {m[:1] + m[2:] for m in once} | {word + "x"})


def test_slips_is_damerau_levenshtein_on_this_duckdb():
    """:func:`slips` skips Damerau-Levenshtein where Levenshtein is over twice the limit: the same
    answer only while DuckDB's Levenshtein is at most twice it, letters of several bytes included."""
    words = [m for w in ("oliver", "2014-03-12", "NV1 4RJ", "zoë", "中国人", "ab") for m in _mutations(w)]
    con = duckdb.connect()
    con.execute("CREATE TABLE w AS SELECT unnest(?) AS a", [words])
    for edits in (1, 2):
        differ = con.execute(
            f"SELECT count(*), count(*) FILTER (WHERE {slips('l.a', 'r.a', edits)}"  # noqa: S608
            f" IS DISTINCT FROM (damerau_levenshtein(l.a, r.a) <= {edits}))"
            " FROM w AS l, w AS r").fetchone()
        assert differ[0] > 50_000 and differ[1] == 0
