import pytest
from hypothesis import given
from hypothesis import strategies as st

from jigsaw.identity.address import (
    MAX_INPUT,
    address_lines,
    address_parts,
    address_tokens,
    flat_number,
    house_number,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12 High Rd", ("12", "high", "road")),
        ("12 HIGH ROAD", ("12", "high", "road")),
        ("3 Elm Ave.", ("3", "elm", "avenue")),
        ("4 Mill Ln", ("4", "mill", "lane")),
        ("5 Rose Cl", ("5", "rose", "close")),
        ("6 Park Cres", ("6", "park", "crescent")),
        ("7 Oak Dr", ("7", "oak", "drive")),
        ("8 Kings Ct", ("8", "kings", "court")),
        ("9 Albion Pl", ("9", "albion", "place")),
        ("10 Market Sq", ("10", "market", "square")),
        ("11 Kew Gdns", ("11", "kew", "gardens")),
        ("12a High St", ("12a", "high", "street")),
        ("12 High St London", ("12", "high", "street", "london")),
        ("St John's Road", ("saint", "johns", "road")),
        ("12 St Mary's Close, St Albans", ("12", "saint", "marys", "close", "saint", "albans")),
        ("12 Church St, St Albans, AL1 3AB", ("12", "church", "street", "saint", "albans")),
        ("Flat 3, 12 High Street", ("flat", "3", "12", "high", "street")),
        ("Apt 4B, 7 Elm Road", ("flat", "4b", "7", "elm", "road")),
        ("Apartment 2 Rose Court", ("flat", "2", "rose", "court")),
        ("1 Rue Émile-Zola", ("1", "rue", "emile", "zola")),
        ("12 High St SW1A 1AA", ("12", "high", "street")),
        ("12 High St sw1a1aa", ("12", "high", "street")),
        ("12 High St, London,\nSW1A 1AA", ("12", "high", "street", "london")),
        ("SW1A 1AA, 12 High St", ("sw1a", "1aa", "12", "high", "street")),  # only at the end
        ("12-14 Station Rd", ("12", "14", "station", "road")),
        ("", ()),
        (None, ()),
        (" ,, ; ", ()),
    ],
)
def test_address_tokens(text, expected):
    assert address_tokens(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12 High Street", "12"),
        ("12a High Street", "12a"),
        ("12A High Street", "12a"),
        ("Flat 3, 12 High Street", "12"),
        ("Flat 3 12 High Street", "12"),
        ("Flat 3, Rose Court", ""),
        ("Rose Cottage, Lower Lane", ""),
        ("12-14 Station Road", "12"),
        ("High Street SW1A 1AA", ""),
        (None, ""),
    ],
)
def test_house_number(text, expected):
    assert house_number(text) == expected


def test_flat_number():
    assert flat_number("Flat 3b, 12 High Street") == "3b"
    assert flat_number("Apartment C, Rose Court") == "c"
    assert flat_number("12 High Street") == ""


def test_long_address_is_bounded():
    assert len(address_tokens("12 " * 10_000)) <= MAX_INPUT


@given(st.text(max_size=600))
def test_address_never_raises_and_is_stable(text):
    tokens = address_tokens(text)
    assert len(tokens) <= MAX_INPUT
    assert all(token and " " not in token for token in tokens)
    house_number(text)
    flat_number(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("68 Holly Place, Gillingthorpe", ("68", "holly place", "gillingthorpe", "")),
        ("68 Holly Pl, Gillingthorpe NV1 2RL", ("68", "holly place", "gillingthorpe", "NV1 2RL")),
        ("Flat 3, 12 High St, London SW1A 1AA", ("12", "high street", "london", "SW1A 1AA")),
        ("12, High Street, Leeds", ("12", "high street", "leeds", "")),
        ("12, High Street", ("12", "high street", "", "")),
        # a bare house number and one part left: a street only when it names one
        ("48, Magill, 3031 sa", ("48", "", "magill", "3031")),
        ("12, Headington, OX3 9XX", ("12", "", "headington", "OX3 9XX")),
        ("8 stanley street, miami, winston hills, 4223 nsw",
         ("8", "stanley street", "winston hills", "4223")),
        ("bega flats, richlands, 4560 vic", ("", "bega flats", "richlands", "4560")),
        ("12 Rue de Rivoli, Paris, 75001", ("12", "rue de rivoli", "paris", "75001")),
        ("Rose Cottage", ("", "rose cottage", "", "")),
        ("", ("", "", "", "")),
        (None, ("", "", "", "")),
    ],
)
def test_address_parts(text, expected):
    assert address_parts(text) == expected


@given(st.text(max_size=80))
def test_address_parts_never_fails(text):
    parts = address_parts(text)
    assert len(parts) == 4 and all(isinstance(p, str) for p in parts)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Flat 3, Rose Court, 12 High Street, Headington, Oxford OX3 9XX",
         ("12", "high street", "rose court", "oxford", "OX3 9XX")),
        ("121 Ethnam Farm, Blackbutt Street, Maitland, 3088 nsw",
         ("121", "ethnam farm", "blackbutt street", "maitland", "3088")),
        ("8 stanley street, miami, winston hills, 4223 nsw",
         ("8", "stanley street", "miami", "winston hills", "4223")),
        ("Flat 3, 12 High St, London SW1A 1AA", ("12", "high street", "", "london", "SW1A 1AA")),
        ("68 Holly Place, Gillingthorpe", ("68", "holly place", "", "gillingthorpe", "")),
        (None, ("", "", "", "", "")),
    ],
)
def test_address_lines_give_the_other_named_line(text, expected):
    assert address_lines(text) == expected
    assert address_parts(text) == (expected[0], expected[1], expected[3], expected[4])
