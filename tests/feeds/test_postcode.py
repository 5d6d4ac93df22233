import pytest
from hypothesis import given
from hypothesis import strategies as st

from jigsaw.feeds.errors import FieldError
from jigsaw.feeds.postcode import normalise_postcode, postcode_parts

VALID_POSTCODE = (
    r"(?:[A-Z][0-9]|[A-Z][0-9]{2}|[A-Z]{2}[0-9]|[A-Z]{2}[0-9]{2}|[A-Z][0-9][A-Z]|[A-Z]{2}[0-9][A-Z])"
    r" [0-9][ABD-HJLNP-UW-Z]{2}"
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sw1a1aa", "SW1A 1AA"),
        ("SW1A 1AA", "SW1A 1AA"),
        ("  sW1a   1aA ", "SW1A 1AA"),
        ("SW1A\t1AA", "SW1A 1AA"),
        ("SW1A\u00a01AA", "SW1A 1AA"),
        ("EC1A 1BB", "EC1A 1BB"),  # AA9A 9AA
        ("W1A 0AX", "W1A 0AX"),  # A9A 9AA
        ("M1 1AE", "M1 1AE"),  # A9 9AA
        ("B33 8TH", "B33 8TH"),  # A99 9AA
        ("CR2 6XH", "CR2 6XH"),  # AA9 9AA
        ("DN55 1PT", "DN55 1PT"),  # AA99 9AA
        ("gir 0aa", "GIR 0AA"),
        ("S W 1 A 1 A A", "SW1A 1AA"),
    ],
)
def test_normalise_valid(text, expected):
    assert normalise_postcode(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "SW1A 1CA",  # C is never an inward unit letter
        "SW1A 1AI",
        "M1 1KO",
        "12345",
        "",
        "   ",
        "SW1A",  # outward code only
        "SW1A 1AAA",
        "SWA1 1AA",
        "ABC1 1AA",
        "1A 1AA",
        "GIR 1AA",
        "ｓｗ１ａ １ａａ",  # full-width characters
        "\ufb001 1AA",  # the "ff" ligature, which upper-cases to ASCII "FF"
    ],
)
def test_normalise_invalid(text):
    assert normalise_postcode(text) is None


@pytest.mark.parametrize(
    ("canonical", "parts"),
    [
        ("SW1A 1AA", ("SW", "SW1A", "SW1A 1", "SW1A 1AA")),
        ("M1 1AE", ("M", "M1", "M1 1", "M1 1AE")),
        ("B33 8TH", ("B", "B33", "B33 8", "B33 8TH")),
        ("DN55 1PT", ("DN", "DN55", "DN55 1", "DN55 1PT")),
        ("W1A 0AX", ("W", "W1A", "W1A 0", "W1A 0AX")),
        ("GIR 0AA", ("GIR", "GIR", "GIR 0", "GIR 0AA")),
    ],
)
def test_postcode_parts(canonical, parts):
    assert postcode_parts(canonical) == parts


@pytest.mark.parametrize("text", ["sw1a 1aa", "SW1A1AA", "SW1A  1AA", "SW1A 1CA", ""])
def test_postcode_parts_needs_canonical_form(text):
    with pytest.raises(FieldError):
        postcode_parts(text)


@given(st.from_regex(VALID_POSTCODE, fullmatch=True))
def test_valid_format_survives_case_and_space_changes(postcode):
    assert normalise_postcode(postcode) == postcode
    assert normalise_postcode(postcode.lower().replace(" ", "")) == postcode
    area, district, sector, unit = postcode_parts(postcode)
    assert unit == postcode
    assert postcode.startswith(sector)
    assert sector.startswith(district)
    assert district.startswith(area)
    assert area.isalpha()


@given(st.one_of(st.text(), st.from_regex(VALID_POSTCODE.lower(), fullmatch=True)))
def test_normalise_is_idempotent(text):
    once = normalise_postcode(text)
    if once is not None:
        assert normalise_postcode(once) == once
        postcode_parts(once)
