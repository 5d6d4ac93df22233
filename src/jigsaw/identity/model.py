"""The linkage model: Splink comparisons and blocking rules for people in safeguarding feeds.

One model serves batch linkage, the match of a newly imported record and a practitioner's
search (DESIGN: one identity model). The comparisons are written with Splink's level creators so
the same settings run on DuckDB and on Spark.

Why the comparisons look as they do (``research/anchors-linkage.md``):

* The address is read into house number, street, another named line, locality and postcode
  (:func:`jigsaw.identity.address.address_lines`) and compared in two graded comparisons:
  house number and street (the street may stand on the other record's other line); postcode
  and locality. Feeds from other systems often carry the
  address as one string with no postcode column, and a typo in one part is common.
* Twins and siblings share surname, address and often birth date; what tells them apart is the
  given name, the birth date, the NHS number and the sex. A clear disagreement on sex or NHS
  number carries a *fixed*, strongly negative weight (:data:`DISAGREEMENT_BAYES_FACTOR`); the
  given name and birth date get :data:`HOUSEHOLD_DISAGREEMENT_BAYES_FACTOR` when the data shows
  twins (:mod:`jigsaw.identity.twins`), because EM learns its penalties from random pairs, which
  almost never share a household. The NHS number gets the milder of the two: a wrong but valid
  number is a known error in real feeds.
* Day/month swaps and single-digit typos in birth dates are their own levels. A mistyped NHS
  number almost always fails its modulus 11 check and is set aside at import, so the NHS
  comparison has no "nearly the same" level: a valid number that differs is a different number.
"""

from __future__ import annotations

from typing import Any

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator

from jigsaw.identity.blocking import BLOCKING_RULES, slips
from jigsaw.identity.contract import INPUT_COLUMNS  # noqa: F401 - defined without Splink, kept here too

#: Bayes factor for a clear disagreement on sex or NHS number: a pair that differs needs
#: overwhelming agreement elsewhere to link. Configurable through :func:`settings`; 1/2**12
#: puts it at about the weight of an exact birth date (both are sometimes recorded wrongly).
DISAGREEMENT_BAYES_FACTOR = 2.0**-12

#: Clear disagreement on a field that separates members of one household (given name, birth
#: date) is stronger still. Siblings and twins share surname and address, and twins
#: their birth date, so these fields are all that tells them apart; a true match whose given
#: names differ is mostly a short form, which the nick-name level catches first.
HOUSEHOLD_DISAGREEMENT_BAYES_FACTOR = 2.0**-20

def _fixed_else(label: str, bayes_factor: float) -> dict[str, Any]:
    """An else level whose weight is set, not trained (see module docstring)."""
    return {"sql_condition": "ELSE", "label_for_charts": label,
            "m_probability": bayes_factor, "u_probability": 1.0,
            "fix_m_probability": True, "fix_u_probability": True}


def _comparison(name: str, description: str, levels: list[Any]) -> cl.CustomComparison:
    return cl.CustomComparison(output_column_name=name, comparison_description=description,
                               comparison_levels=levels)


def _near(a: str, b: str) -> str:
    """SQL: ``a`` and ``b`` are within two edits (Levenshtein), both at least three letters."""
    return (f"(least(length({a}), length({b})) >= 3 AND abs(length({a}) - length({b})) <= 2"
            f" AND levenshtein({a}, {b}) <= 2)")


#: Given and family names exchanged, one of them also mistyped (FEBRL's copies do both).
SWAPPED_WITH_TYPO = (f"((given_name_l = family_name_r AND {_near('family_name_l', 'given_name_r')}) OR "
                     f"(family_name_l = given_name_r AND {_near('given_name_l', 'family_name_r')}))")


#: Given and family names exchanged and both mistyped ("John Coxon" / "Cooxn Jonh").
SWAPPED_BOTH_MISTYPED = (f"({_near('given_name_l', 'family_name_r')} AND "
                         f"{_near('family_name_l', 'given_name_r')})")


#: Names exchanged where one family name has two words and the given name is one of them
#: ("Alexa White" / "Whitbe Alexa Rose"), the other name the same or mistyped.
SWAPPED_INTO_LONGER_NAME = ("((array_contains(family_tokens_r, given_name_l) AND "
                            f"{_near('family_name_l', 'given_name_r')})"
                            " OR (array_contains(family_tokens_l, given_name_r) AND "
                            f"{_near('given_name_l', 'family_name_r')}))")

def _one_slip(a: str, b: str) -> str:
    """SQL: at most one edit apart (a swap of neighbours is one), both four letters or more."""
    return (f"(least(length({a}), length({b})) >= 4 AND abs(length({a}) - length({b})) <= 1"
            f" AND {slips(a, b, 1)})")


#: One record's given name written, mistyped, as the other's family name, the other name
#: replaced ("Victoria Pulford" / "Pulfrd Cassandra"; "Lucy Clarke" / "Bkows Luc Y"). One slip,
#: not two, and only across different family names: twins "Mia Lee" and "Leo Lee" are two edits
#: from a swap, and this level would spare them the household penalty of "given names differ".
CROSSED_AND_MISTYPED = (f"(family_name_l <> family_name_r AND ({_one_slip('given_name_l', 'family_name_r')}"
                        f" OR {_one_slip('family_name_l', 'given_name_r')}))")


def _two_edits_in_a_long_name(column: str) -> cll.ComparisonLevelCreator:
    """Up to two edits, only when both names have six letters or more.

    Used instead of Jaro-Winkler, which Splink computes differently on DuckDB and on Spark
    (2.5% of name pairs score differently), so a national run would disagree with a local one;
    edit distance is the same on both. Short names are left out: Mia and Ava are two edits apart.
    """
    a, b = f"{column}_l", f"{column}_r"
    return cll.CustomLevel(f"least(length({a}), length({b})) >= 6 AND {slips(a, b, 2)}",
                           "two letters differ in a long name")


def _slip_level(column: str, label: str | None = None) -> cll.ComparisonLevelCreator:
    """Splink's Damerau-Levenshtein level at one edit, written with :func:`slips` (same label)."""
    return cll.CustomLevel(slips(f"{column}_l", f"{column}_r", 1),
                           label or f"Damerau-Levenshtein distance of {column} <= 1")


def _differ(label: str, household: float | None) -> Any:
    """The last level of a household field: fixed (twins seen) or trained (see :func:`settings`)."""
    return _fixed_else(label, household) if household is not None else cll.ElseLevel().configure(
        label_for_charts=label)


def _given_name(household: float | None) -> cl.CustomComparison:
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
        _slip_level("given_name"),
        _two_edits_in_a_long_name("given_name"),
        cll.CustomLevel("given_name_l = family_name_r AND family_name_l = given_name_r",
                        "given and family names swapped"),
        cll.CustomLevel(SWAPPED_WITH_TYPO, "names swapped, one mistyped"),
        cll.CustomLevel(SWAPPED_BOTH_MISTYPED, "names swapped, both mistyped"),
        cll.CustomLevel(SWAPPED_INTO_LONGER_NAME, "names swapped, one a word of a longer name"),
        cll.CustomLevel("(given_name_l = family_name_r OR family_name_l = given_name_r)",
                        "a given name is the other's family name"),
        cll.CustomLevel(CROSSED_AND_MISTYPED, "a given name is the other's family name, mistyped"),
        cll.CustomLevel("(length(given_name_l) = 1 OR length(given_name_r) = 1) "
                        "AND given_initial_l = given_initial_r", "initial agrees"),
        _differ("given names differ", household),
    ])


def _family_name() -> cl.CustomComparison:
    return _comparison("family_name", "family name", [
        cll.NullLevel("family_name"),
        cll.ExactMatchLevel("family_name").configure(tf_adjustment_column="family_name"),
        cll.ArrayIntersectLevel("family_tokens", 1).configure(label_for_charts="a surname in common"),
        _slip_level("family_name"),
        _two_edits_in_a_long_name("family_name"),
        cll.ElseLevel(),
    ])


def _birth_date(household: float | None) -> cl.CustomComparison:
    return _comparison("birth_date", "birth date", [
        cll.NullLevel("birth_date"),
        cll.ExactMatchLevel("birth_date"),
        cll.CustomLevel("birth_date_swapped_l = birth_date_r", "day and month swapped"),
        _slip_level("birth_date", "one digit differs"),
        cll.CustomLevel("birth_year_l = birth_year_r", "same year"),
        _differ("birth dates differ", household),
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


def _close(column: str) -> str:
    """SQL: the two values agree, or differ by up to two edits when both are six letters or more.

    The cheap tests come first (lengths, then first or last letter) so that edit distance,
    the costly part of scoring a million random pairs, runs only on plausible ones; and it is
    Levenshtein's (a swap of neighbours is two edits), five times quicker in DuckDB than
    Damerau-Levenshtein on strings as long as street names.
    """
    return _close_pair(f"{column}_l", f"{column}_r")


def _close_pair(a: str, b: str) -> str:
    """SQL: :func:`_close` of two columns that need not share a name (a street and a place)."""
    return (f"({a} = {b} OR (least(length({a}), length({b})) >= 6 AND abs(length({a}) - length({b})) <= 2"
            f" AND (substr({a}, 1, 1) = substr({b}, 1, 1) OR right({a}, 1) = right({b}, 1))"
            f" AND levenshtein({a}, {b}) <= 2))")


_SAME_POSTCODE = "postcode_l = postcode_r"
_SAME_HOUSE = "house_number_l = house_number_r"
#: Postcodes one slip apart: a character wrong, missing or added, or two neighbours swapped
#: ("3189" / "3198"), a common slip in typing a code that Levenshtein counts as two edits.
_NEAR_POSTCODE = ("(postcode_sector_l = postcode_sector_r OR"
                  " (least(length(postcode_l), length(postcode_r)) >= 4"
                  f" AND {slips('postcode_l', 'postcode_r', 1)}))")

#: The street-address comparison's graded levels, most specific first: (label, SQL). A pair takes
#: the first that holds; ``tests/identity/test_fastscore.py`` checks the Python forms agree.
#: A named line in common other than the street: the street on one record read as the other's
#: other line ("place"), a line left out or two written in the other order ("121 Blackbutt
#: Street, Ethnam Farm" / "121 Ethnam Farm, Blackbutt Street"; "4, Raworth Cottage" / "4
#: Hodgkinson Street, Raworth Cottage"), or the same building or estate on both.
_LINE_IN_COMMON = (f"({_close_pair('street_l', 'place_r')} OR {_close_pair('place_l', 'street_r')}"
                   f" OR {_close_pair('place_l', 'place_r')})")

ADDRESS_LEVELS = (
    ("same house and street", f"{_SAME_HOUSE} AND {_close('street')}"),
    ("same house number and another line", f"{_SAME_HOUSE} AND {_LINE_IN_COMMON}"),
    ("same street", _close("street")),
    ("same house number", _SAME_HOUSE),
    ("another line in common", _LINE_IN_COMMON),
)

#: The postcode comparison's levels: the postcode, and the locality when a postcode is mistyped.
POSTCODE_LEVELS = (
    ("same postcode and locality", f"{_SAME_POSTCODE} AND {_close('locality')}"),
    ("same postcode", _SAME_POSTCODE),
    ("postcode one slip apart, same locality", f"{_NEAR_POSTCODE} AND {_close('locality')}"),
    ("same locality", _close("locality")),
    ("postcode one slip apart", _NEAR_POSTCODE),
)

#: Nothing to compare: one side has neither a house number nor a street / neither postcode nor locality.
ADDRESS_NULL = ("(house_number_l IS NULL AND street_l IS NULL) OR "
                "(house_number_r IS NULL AND street_r IS NULL)")
POSTCODE_NULL = ("(postcode_l IS NULL AND locality_l IS NULL) OR (postcode_r IS NULL AND locality_r IS NULL)")


def _address() -> cl.CustomComparison:
    """House number and street, read from the address text (typos of up to two letters allowed)."""
    return _comparison("address", "house number and street", [
        cll.CustomLevel(ADDRESS_NULL, "no street address to compare").configure(is_null_level=True),
        *(cll.CustomLevel(sql, label) for label, sql in ADDRESS_LEVELS),
        cll.ElseLevel(),
    ])


def _postcode() -> cl.CustomComparison:
    """Postcode (a column, or read from the address) and locality."""
    return _comparison("postcode", "postcode and locality", [
        cll.CustomLevel(POSTCODE_NULL, "no postcode or locality to compare").configure(is_null_level=True),
        *(cll.CustomLevel(sql, label) for label, sql in POSTCODE_LEVELS),
        cll.ElseLevel(),
    ])


def _upn() -> cl.CustomComparison:
    return _comparison("upn", "unique pupil number", [
        cll.NullLevel("upn"),
        cll.ExactMatchLevel("upn"),
        cll.ElseLevel(),
    ])


def settings(disagreement: float = DISAGREEMENT_BAYES_FACTOR,
             household: float | None = HOUSEHOLD_DISAGREEMENT_BAYES_FACTOR) -> SettingsCreator:
    """The Jigsaw model (untrained): comparisons, blocking rules and the dedupe link type.

    ``household=None`` leaves the "given names differ" and "birth dates differ" levels to
    training; :mod:`jigsaw.identity.twins` then decides from the data whether to fix them.
    """
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=[
            _given_name(household), _family_name(), _birth_date(household), _sex(disagreement),
            _nhs_number(disagreement), _upn(), _postcode(), _address(),
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
