"""Real-time scoring with the shipped model: the same evidence as the batch, in milliseconds."""

from __future__ import annotations

from jigsaw.identity.linkage import Thresholds, default_model
from jigsaw.identity.prepare import prepare, prepare_one, rows_to_table
from jigsaw.identity.score import Scorer, term_frequencies

ROWS = [
    (1, "gp", "Olivia", "Khan", "", "2019-02-03", "F", "9434765919", "", "NV1 0AB"),
    (2, "ed", "Livvy", "Khan", "", "2019-03-02", "F", "", "", "NV1 0AB"),  # short form, swapped date
    (3, "ed", "Amira", "Khan", "", "2019-02-03", "F", "", "", "NV1 0AB"),  # her twin
    (4, "school", "Jack", "Smith", "", "2011-09-09", "M", "", "", "KV2 1AB"),
]


def _scorer(tf: bool = False):
    """Without term frequencies by default: in four records every value looks common."""
    stored = prepare(rows_to_table(ROWS))
    return Scorer(default_model(), term_frequencies(stored) if tf else {}), stored


def test_ranks_the_same_child_first_and_her_twin_below_the_review_band():
    scorer, stored = _scorer()
    query = prepare_one({"given_name": "Olivia", "family_name": "Khan", "birth_date": "2019-02-03",
                         "postcode": "NV1 0AB"}, unique_id=99)
    result = scorer.score(query, stored).to_pylist()
    assert result[0]["unique_id_r"] == 1 and result[0]["match_probability"] > 0.999
    by_id = {r["unique_id_r"]: r["match_probability"] for r in result}
    assert by_id[2] > 0.9  # Livvy with day and month swapped
    assert by_id[3] < Thresholds().review  # the twin: same surname, birth date, address; other name
    assert by_id[4] < 1e-6


def test_no_candidates_gives_an_empty_result():
    scorer, stored = _scorer()
    assert scorer.score(prepare_one({"given_name": "X"}), stored.slice(0, 0)).num_rows == 0


def test_repeated_scoring_leaves_no_tables_behind():
    scorer, stored = _scorer()
    query = prepare_one({"given_name": "Jack", "family_name": "Smith"}, unique_id=99)
    for _ in range(5):
        scorer.score(query, stored)
    tables = scorer._db_api._con.execute("SELECT count(*) FROM information_schema.tables").fetchone()[0]
    assert tables <= 3


def test_a_common_value_weighs_less_than_a_rare_one():
    plain, stored = _scorer()
    adjusted, _ = _scorer(tf=True)
    query = prepare_one({"given_name": "Olivia", "family_name": "Khan", "birth_date": "2019-02-03"}, 99)
    weight = {name: s.score(query, stored).to_pylist()[0]["match_weight"] for name, s in
              (("plain", plain), ("adjusted", adjusted))}
    assert weight["adjusted"] < weight["plain"]  # "khan" is 3 of the 4 family names here


def test_term_frequencies_are_shares():
    tf = term_frequencies(prepare(rows_to_table(ROWS)))
    assert tf["family_name"]["khan"] == 0.75
    assert abs(sum(tf["postcode"].values()) - 1.0) < 1e-9
