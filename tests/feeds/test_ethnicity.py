import pytest

from jigsaw.feeds.ethnicity import ETHNIC_GROUPS, ETHNICITY_CODES, ethnic_group


def test_codes_are_the_twenty_dfe_main_codes():
    assert len(ETHNICITY_CODES) == 20
    assert all(len(code) == 4 and code.isupper() for code in ETHNICITY_CODES)
    assert ETHNICITY_CODES["WBRI"] == "White British"
    assert ETHNICITY_CODES["NOBT"] == "Information not yet obtained"


@pytest.mark.parametrize(
    ("code", "group"),
    [
        ("WBRI", "White"), ("WIRI", "White"), ("WIRT", "White"), ("WOTH", "White"),
        ("WROM", "White"),
        ("MWBC", "Mixed"), ("MWBA", "Mixed"), ("MWAS", "Mixed"), ("MOTH", "Mixed"),
        ("AIND", "Asian"), ("APKN", "Asian"), ("ABAN", "Asian"), ("AOTH", "Asian"),
        ("CHNE", "Chinese"),
        ("BCRB", "Black"), ("BAFR", "Black"), ("BOTH", "Black"),
        ("OOTH", "Other"),
        ("REFU", "Unknown"), ("NOBT", "Unknown"),
    ],
)
def test_groups(code, group):
    assert ethnic_group(code) == group


@pytest.mark.parametrize("code", ["", None, "XXXX", "W", "WENG", "white british"])
def test_blank_or_unrecognised_is_unknown(code):
    assert ethnic_group(code) == "Unknown"


def test_case_and_whitespace_are_ignored():
    assert ethnic_group(" wbri ") == "White"


def test_every_code_has_a_listed_group():
    assert {ethnic_group(code) for code in ETHNICITY_CODES} == set(ETHNIC_GROUPS)
