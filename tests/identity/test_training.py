"""Training on data Jigsaw did not generate: never a crash, always a one-line account."""

from __future__ import annotations

import pyarrow as pa

from jigsaw.identity import fallback, linkage
from jigsaw.identity.prepare import prepare, rows_to_table
from jigsaw.identity.report import missing_fields, weights
from jigsaw.identity.twins import HOUSEHOLD_LEVELS, apply_twins_prior, household_pairs

NAMES = ["amelia", "oliver", "isla", "noah", "ava", "leo", "mia", "jack", "lily", "theo"]
SURNAMES = ["smith", "jones", "khan", "patel", "brown", "evans", "wood", "clarke", "hall", "ward"]


def _feed(n: int, address: bool = True) -> pa.Table:
    """``n`` distinct people, one record each: no pair the prior's exact rules accept."""
    rows = []
    for i in range(n):
        born = f"19{50 + i % 40}-0{1 + i % 9}-1{i % 9}"
        rows.append((i, "other", NAMES[i % 10], SURNAMES[(i // 10) % 10], "", born,
                     "", "", "", "", f"{i} Long Road, Town {i % 7}, {4000 + i} nsw" if address else ""))
    return rows_to_table(rows)


def test_no_pairs_at_all_falls_back_with_notes_instead_of_a_math_domain_error():
    notes: list[str] = []
    model = linkage.train(prepare(_feed(60)), notes=notes)
    prior = model["probability_two_random_records_match"]
    assert 0 < prior < 1
    assert any("prior" in note for note in notes)
    assert all("\n" not in note for note in notes)
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            if not level.get("is_null_level"):
                assert level["m_probability"] > 0 and level["u_probability"] > 0


def test_a_blank_column_borrows_the_shipped_values_and_says_so():
    notes: list[str] = []
    model = linkage.train(prepare(_feed(60, address=False)), notes=notes)
    assert any("shipped model" in note for note in notes)
    shipped = {c["output_column_name"]: c for c in linkage.default_model()["comparisons"]}
    nhs = next(c for c in model["comparisons"] if c["output_column_name"] == "nhs_number")
    exact = next(lv for lv in nhs["comparison_levels"] if lv.get("label_for_charts", "").startswith("Exact"))
    shipped_exact = next(lv for lv in shipped["nhs_number"]["comparison_levels"]
                     if lv.get("label_for_charts", "").startswith("Exact"))
    assert exact["u_probability"] == shipped_exact["u_probability"]


def test_cautious_prior_and_usable_probability():
    assert fallback.cautious_prior(10_000) == 1e-4
    assert not fallback.usable_probability(0.0) and not fallback.usable_probability(1.0)
    assert not fallback.usable_probability(float("nan")) and fallback.usable_probability(0.3)


def _household(source: str, given: str, uid: int) -> tuple:
    return (uid, source, given, "khan", "", "2019-02-03", "", "", "", "NV1 0AB", "3 Elm Road, Marrowby")


def test_twins_within_one_source_fix_the_household_levels():
    twins = prepare(rows_to_table([_household("gp", "olivia", 1), _household("gp", "amira", 2),
                                   _household("ed", "olivia", 3)]))
    pairs = household_pairs(twins)
    assert (pairs.same_given, pairs.other_given) == (0, 1) and pairs.twins
    model = linkage.default_model()
    for comparison in model["comparisons"]:  # as if trained: make the household levels free
        for level in comparison["comparison_levels"]:
            if level.get("label_for_charts") in HOUSEHOLD_LEVELS.values():
                level.update(m_probability=0.01, fix_m_probability=False)
    note = apply_twins_prior(model, pairs)
    assert note.startswith("twins seen")
    fixed = [lv for c in model["comparisons"] for lv in c["comparison_levels"]
             if lv.get("label_for_charts") in HOUSEHOLD_LEVELS.values()]
    assert len(fixed) == 2 and all(lv["fix_m_probability"] and lv["m_probability"] < 1e-5 for lv in fixed)


def test_duplicates_within_one_source_leave_the_trained_weights():
    dups = prepare(rows_to_table([_household("febrl", "olivia", 1), _household("febrl", "olivia", 2)]))
    pairs = household_pairs(dups)
    assert not pairs.twins
    model = linkage.default_model()
    assert apply_twins_prior(model, pairs).startswith("no twins seen")


def test_report_lists_weights_and_warns_of_a_feed_without_a_field():
    report = weights(linkage.default_model())
    address = next(c for c in report if c["comparison"] == "address")
    assert address["levels"][0]["level"] == "same house and street"
    assert all({"m", "u", "weight", "fixed"} <= set(level) for level in address["levels"])
    warnings = missing_fields(prepare(_feed(5, address=False)))
    assert len(warnings) == 1 and "postcode" in warnings[0] and "address" in warnings[0]
    assert "postcode" not in missing_fields(prepare(_feed(5)))[0]


def test_every_comparison_is_trained_by_a_pass_that_does_not_block_on_what_it_reads():
    """Splink trains in an EM pass only comparisons reading none of the pass's blocking columns."""
    from splink.internals.parse_sql import get_columns_used_from_sql

    from jigsaw.identity.blocking import TRAINING_RULES
    from jigsaw.identity.model import settings

    linker = linkage.make_linker(prepare(_feed(3)), settings(household=None))
    rules = [get_columns_used_from_sql(r.get_blocking_rule("duckdb").blocking_rule_sql, "duckdb")
             for r in TRAINING_RULES]
    for comparison in linker._settings_obj.comparisons:
        reads = {c.input_name for c in comparison._input_columns_used_by_case_statement}
        trained_by = [cols for cols in rules if not reads & set(cols)]
        assert trained_by, comparison.output_column_name
        if comparison.output_column_name == "given_name":  # not only among pairs of one name group
            assert any("given_group" not in cols for cols in trained_by)


def test_a_saved_model_is_given_only_the_columns_it_reads():
    """Splink carries every input column through a run: an unread one costs memory for nothing."""
    from jigsaw.identity.contract import INPUT_COLUMNS
    from jigsaw.identity.model import settings

    shipped = linkage.columns_read(linkage.default_model(), list(INPUT_COLUMNS))
    assert "source_system" not in shipped
    assert {"unique_id", "given_name", "given_groups", "birth_date_swapped", "house_number",
            "street", "place"} <= set(shipped)  # "place": read by blocking rules only
    today = settings().get_settings("duckdb").as_dict()
    assert "place" in linkage.columns_read(today, list(INPUT_COLUMNS))
    prepared = prepare(_feed(5))
    linker = linkage.make_linker(prepared, linkage.default_model())
    registered = linker._input_tables_dict
    frame = next(iter(registered.values())).as_pandas_dataframe()
    assert set(frame.columns) == set(shipped)


def test_the_shipped_model_blocks_with_the_rules_of_the_model():
    """The 1M routine link uses the shipped model's rules; a trained model uses model.py's."""
    from jigsaw.identity.model import settings

    today = settings().get_settings("duckdb").as_dict()["blocking_rules_to_generate_predictions"]
    shipped = linkage.default_model()["blocking_rules_to_generate_predictions"]
    assert [r["blocking_rule"] for r in shipped] == [r["blocking_rule"] for r in today]
