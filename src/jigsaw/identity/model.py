"""The linkage model: Splink comparisons and blocking rules for people in safeguarding feeds.

One model serves batch linkage, the match of a newly imported record and a practitioner's
search (DESIGN: one identity model). The comparisons are written with Splink's level creators so
the same settings run on DuckDB and on Spark.

Why the comparisons look as they do (``research/anchors-linkage.md``):

* Household evidence is modelled **once**: a single location comparison on the postcode.
  Postcode and address together double-count what siblings and twins share, which was the
  largest source of false links in the generic model (precision 0.971 -> 0.990 when removed).
* Twins and siblings share surname, address and often birth date; what tells them apart is the
  given name, the birth date, the NHS number and the sex. A clear disagreement on one of them
  carries a *fixed*, strongly negative weight (:data:`HOUSEHOLD_DISAGREEMENT_BAYES_FACTOR`,
  :data:`DISAGREEMENT_BAYES_FACTOR`), because EM learns its penalties from random pairs, which
  almost never share a household, so it never sees the case the penalty is for. The NHS number
  gets the milder of the two: a wrong but valid number is a known error in real feeds.
* Day/month swaps and single-digit typos in birth dates are their own levels. A mistyped NHS
  number almost always fails its modulus 11 check and is set aside at import, so the NHS
  comparison has no "nearly the same" level: a valid number that differs is a different number.
"""

from __future__ import annotations

from typing import Any

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator, block_on

#: Bayes factor for a clear disagreement on sex or NHS number: a pair that differs needs
#: overwhelming agreement elsewhere to link. Configurable through :func:`settings`; 1/2**12
#: puts it at about the weight of an exact birth date (both are sometimes recorded wrongly).
DISAGREEMENT_BAYES_FACTOR = 2.0**-12

#: Clear disagreement on a field that separates members of one household (given name, birth
#: date) is stronger still. Siblings and twins share surname and address, and twins
#: their birth date, so these fields are all that tells them apart; a true match whose given
#: names differ is mostly a short form, which the nick-name level catches first.
HOUSEHOLD_DISAGREEMENT_BAYES_FACTOR = 2.0**-20

#: Columns the prepared input table must have (see :mod:`jigsaw.identity.prepare`).
INPUT_COLUMNS = (
    "unique_id", "source_system", "given_name", "given_group", "given_groups", "given_tokens",
    "given_initial", "family_name", "family_tokens", "birth_date", "birth_date_swapped", "birth_year", "sex",
    "nhs_number", "upn", "postcode", "postcode_sector", "postcode_district",
)


def _fixed_else(label: str, bayes_factor: float) -> dict[str, Any]:
    """An else level whose weight is set, not trained (see module docstring)."""
    return {"sql_condition": "ELSE", "label_for_charts": label,
            "m_probability": bayes_factor, "u_probability": 1.0,
            "fix_m_probability": True, "fix_u_probability": True}


def _comparison(name: str, description: str, levels: list[Any]) -> cl.CustomComparison:
    return cl.CustomComparison(output_column_name=name, comparison_description=description,
                               comparison_levels=levels)


def _two_edits_in_a_long_name(column: str) -> cll.ComparisonLevelCreator:
    """Up to two edits, only when both names have six letters or more.

    Used instead of Jaro-Winkler, which Splink computes differently on DuckDB and on Spark
    (2.5% of name pairs score differently), so a national run would disagree with a local one;
    edit distance is the same on both. Short names are left out: Mia and Ava are two edits apart.
    """
    return cll.And(
        cll.DamerauLevenshteinLevel(column, 2),
        cll.CustomLevel(f"least(length({column}_l), length({column}_r)) >= 6"),
    ).configure(label_for_charts="two letters differ in a long name")


def _given_name(household: float) -> cl.CustomComparison:
    return _comparison("given_name", "given name", [
        cll.NullLevel("given_name"),
        cll.ExactMatchLevel("given_name").configure(tf_adjustment_column="given_name"),
        cll.ArrayIntersectLevel("given_groups", 1).configure(
            label_for_charts="same name, short or nick-name form"),
        cll.ArrayIntersectLevel("given_tokens", 1).configure(label_for_charts="one name contains the other"),
        cll.CustomLevel("least(length(given_name_l), length(given_name_r)) >= 2 AND "
                        "(substr(given_name_l, 1, length(given_name_r)) = given_name_r OR "
                        "substr(given_name_r, 1, length(given_name_l)) = given_name_l)",
                        "one name starts the other (a short form)"),
        cll.DamerauLevenshteinLevel("given_name", 1),
        _two_edits_in_a_long_name("given_name"),
        cll.CustomLevel("given_name_l = family_name_r AND family_name_l = given_name_r",
                        "given and family names swapped"),
        cll.CustomLevel("(length(given_name_l) = 1 OR length(given_name_r) = 1) "
                        "AND given_initial_l = given_initial_r", "initial agrees"),
        _fixed_else("given names differ", household),
    ])


def _family_name() -> cl.CustomComparison:
    return _comparison("family_name", "family name", [
        cll.NullLevel("family_name"),
        cll.ExactMatchLevel("family_name").configure(tf_adjustment_column="family_name"),
        cll.ArrayIntersectLevel("family_tokens", 1).configure(label_for_charts="a surname in common"),
        cll.DamerauLevenshteinLevel("family_name", 1),
        _two_edits_in_a_long_name("family_name"),
        cll.ElseLevel(),
    ])


def _birth_date(household: float) -> cl.CustomComparison:
    return _comparison("birth_date", "birth date", [
        cll.NullLevel("birth_date"),
        cll.ExactMatchLevel("birth_date"),
        cll.CustomLevel("birth_date_swapped_l = birth_date_r", "day and month swapped"),
        cll.DamerauLevenshteinLevel("birth_date", 1).configure(label_for_charts="one digit differs"),
        cll.CustomLevel("birth_year_l = birth_year_r", "same year"),
        _fixed_else("birth dates differ", household),
    ])


def _nhs_number(disagreement: float) -> cl.CustomComparison:
    return _comparison("nhs_number", "NHS number", [
        cll.NullLevel("nhs_number"),
        cll.ExactMatchLevel("nhs_number"),
        _fixed_else("different NHS numbers", disagreement),
    ])


def _sex(disagreement: float) -> cl.CustomComparison:
    return _comparison("sex", "sex", [
        cll.NullLevel("sex"),
        cll.ExactMatchLevel("sex"),
        _fixed_else("different sex", disagreement),
    ])


def _postcode() -> cl.CustomComparison:
    return _comparison("postcode", "postcode", [
        cll.NullLevel("postcode"),
        cll.ExactMatchLevel("postcode").configure(tf_adjustment_column="postcode"),
        cll.CustomLevel("postcode_sector_l = postcode_sector_r", "same sector"),
        cll.CustomLevel("postcode_district_l = postcode_district_r", "same district"),
        cll.ElseLevel(),
    ])


def _upn() -> cl.CustomComparison:
    return _comparison("upn", "unique pupil number", [
        cll.NullLevel("upn"),
        cll.ExactMatchLevel("upn"),
        cll.ElseLevel(),
    ])


#: Candidate pairs: the union of these keeps blocking recall >= 99.9% on the synthetic
#: partnership at default noise (measured by benchmarks/linkage_accuracy.py). Each rule can be
#: satisfied when one field is wrong, because another rule does not use that field: a one-digit
#: birth date error leaves either the year or the day and month intact. No rule is a common
#: name alone: "Oliver Smith" without a birth year would make blocks of thousands at 1M records.
BLOCKING_RULES = (
    block_on("nhs_number"),
    block_on("upn"),
    block_on("given_group", "family_name", "birth_year"),
    "l.given_group = r.given_group AND l.family_name = r.family_name"
    " AND substr(l.birth_date, 6, 5) = substr(r.birth_date, 6, 5)",
    block_on("given_group", "birth_date"),
    block_on("family_name", "birth_date"),
    block_on("birth_date", "postcode"),
    block_on("given_group", "birth_year", "postcode"),
    "l.birth_date_swapped = r.birth_date AND l.given_initial = r.given_initial",
)

#: EM passes: each trains the comparisons its blocking rule does not use, so together they
#: train every comparison (names in the first, birth date and family name in the second).
TRAINING_RULES = (
    block_on("family_name", "birth_date"),
    block_on("given_group", "postcode"),
)

#: Rules for the prior: pairs these select are almost all true matches.
DETERMINISTIC_RULES = (
    "l.nhs_number = r.nhs_number AND l.birth_date = r.birth_date",
    "l.given_name = r.given_name AND l.family_name = r.family_name AND l.birth_date = r.birth_date"
    " AND l.postcode = r.postcode",
)


def settings(disagreement: float = DISAGREEMENT_BAYES_FACTOR,
             household: float = HOUSEHOLD_DISAGREEMENT_BAYES_FACTOR) -> SettingsCreator:
    """The Jigsaw model (untrained): comparisons, blocking rules and the dedupe link type."""
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=[
            _given_name(household), _family_name(), _birth_date(household), _sex(disagreement),
            _nhs_number(disagreement), _upn(), _postcode(),
        ],
        blocking_rules_to_generate_predictions=list(BLOCKING_RULES),
        retain_intermediate_calculation_columns=True,
        retain_matching_columns=True,
    )


def generic_settings() -> SettingsCreator:
    """Splink's generic person configuration, the baseline the issue compares against.

    Library comparisons on raw names, birth date, postcode and address, all trained, with no
    household-aware weighting and no nick-name knowledge.
    """
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=[
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("family_name").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("birth_date", input_is_string=True),
            cl.PostcodeComparison("postcode"),
            cl.ExactMatch("nhs_number"),
            cl.ExactMatch("sex"),
        ],
        blocking_rules_to_generate_predictions=list(BLOCKING_RULES),
        additional_columns_to_retain=["source_system"],
    )
