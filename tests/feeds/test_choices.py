import pytest

from jigsaw.feeds.choices import KIND, SIGNIFICANCE, parse_bool, parse_sex


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("M", "M"), ("m", "M"), ("male", "M"), ("MALE", "M"), (" Male ", "M"),
        ("F", "F"), ("f", "F"), ("female", "F"), ("Female", "F"),
        ("U", "U"), ("u", "U"), ("unknown", "U"), ("Unknown", "U"),
        ("", None), ("x", None), ("man", None), (None, None),
    ],
)
def test_parse_sex(text, expected):
    assert parse_sex(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("true", True), ("TRUE", True), ("yes", True), ("Y", True), ("1", True), (" y ", True),
        ("false", False), ("False", False), ("no", False), ("N", False), ("0", False),
        (True, True), (False, False),
        ("", None), ("maybe", None), ("2", None), (None, None), (1, None),
    ],
)
def test_parse_bool(text, expected):
    assert parse_bool(text) is expected


def test_enumerations():
    assert frozenset({"fact", "judgement"}) == KIND
    assert frozenset({"low", "medium", "high"}) == SIGNIFICANCE
