import pytest
from hypothesis import given
from hypothesis import strategies as st

from jigsaw.feeds.nhs import is_valid_nhs_number, nhs_check_digit, normalise_nhs_number

nine_digits = st.text(alphabet="0123456789", min_size=9, max_size=9)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("943 476 5919", "9434765919"),
        ("943-476-5919", "9434765919"),
        ("9434765919", "9434765919"),
        (" 943 476 5919 ", "9434765919"),
        ("943476591", None),
        ("94347659190", None),
        ("943476591X", None),
        ("٩٤٣٤٧٦٥٩١٩", None),  # Arabic-Indic digits are not NHS numbers
        ("", None),
    ],
)
def test_normalise(text, expected):
    assert normalise_nhs_number(text) == expected


def test_normalise_does_not_check_the_digit():
    assert normalise_nhs_number("943 476 5918") == "9434765918"


def test_check_digit_worked_example():
    # 9*10 + 4*9 + 3*8 + 4*7 + 7*6 + 6*5 + 5*4 + 9*3 + 1*2 = 299; 299 mod 11 = 2; 11 - 2 = 9
    assert nhs_check_digit("943476591") == 9


def test_check_digit_eleven_becomes_zero():
    # 9*10 + 8*9 + 7*8 + 6*7 + 5*6 + 4*5 + 3*4 + 2*3 + 1*2 = 330 = 30 * 11; 11 - 0 = 11 -> 0
    assert nhs_check_digit("987654321") == 0
    assert is_valid_nhs_number("9876543210")


def test_remainder_ten_means_no_valid_number():
    # 1*10 + 2*9 + ... + 9*2 = 210; 210 mod 11 = 1; 11 - 1 = 10 -> invalid whatever the last digit
    assert nhs_check_digit("123456789") is None
    assert not any(is_valid_nhs_number(f"123456789{d}") for d in range(10))


@pytest.mark.parametrize("bad", ["", "12345678", "1234567890", "12345678a", "١٢٣٤٥٦٧٨٩"])
def test_check_digit_rejects_malformed_input(bad):
    assert nhs_check_digit(bad) is None


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("943 476 5919", True),
        ("9434765919", True),
        ("9434765918", False),
        ("4857773457", True),
        ("4857773456", False),
        ("", False),
        ("not a number", False),
    ],
)
def test_is_valid(text, valid):
    assert is_valid_nhs_number(text) is valid


@pytest.mark.parametrize("digit", "0123456789")
def test_repeated_digit_placeholders_are_rejected(digit):
    # d*(10+9+...+2) = 54d = 55d - d, so every repeated digit passes the modulus 11 check,
    # but they are placeholders, never issued
    assert nhs_check_digit(digit * 9) == int(digit)
    assert not is_valid_nhs_number(digit * 10)


@given(nine_digits)
def test_computed_check_digit_is_valid_and_any_single_change_is_not(first_nine):
    check = nhs_check_digit(first_nine)
    if check is None:
        assert not any(is_valid_nhs_number(f"{first_nine}{d}") for d in range(10))
        return
    number = f"{first_nine}{check}"
    assert is_valid_nhs_number(number) is (number != number[0] * 10)
    for i, old in enumerate(number):
        for new in "0123456789":
            if new != old:
                assert not is_valid_nhs_number(number[:i] + new + number[i + 1 :])


@given(st.text())
def test_never_raises_on_arbitrary_text(text):
    assert isinstance(is_valid_nhs_number(text), bool)
    result = normalise_nhs_number(text)
    assert result is None or (len(result) == 10 and result.isdigit())
