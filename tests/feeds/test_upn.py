import pytest
from hypothesis import given
from hypothesis import strategies as st

from jigsaw.feeds.upn import ALPHABET, is_valid_upn, normalise_upn, upn_check_letter


def test_hand_computed_permanent_upn():
    # LA 801, establishment 2000, allocated in (20)14, serial 001: characters 2-13 "801200014001"
    # weights 2..13:  8*2 + 0*3 + 1*4 + 2*5 + 0*6 + 0*7 + 0*8 + 1*9 + 4*10 + 0*11 + 0*12 + 1*13
    #              = 16 + 0 + 4 + 10 + 0 + 0 + 0 + 9 + 40 + 0 + 0 + 13 = 92
    # 92 mod 23 = 0 -> "A" (index 0 of ABCDEFGHJKLMNPQRTUVWXYZ)
    assert upn_check_letter("801200014001") == "A"
    assert is_valid_upn("A801200014001")
    assert not is_valid_upn("B801200014001")


def test_hand_computed_temporary_upn():
    # as above but the serial ends with the letter C, worth 2 (its index in the alphabet):
    # 92 - 1*13 + 2*13 = 105; 105 mod 23 = 13 -> "P" (A0 B1 C2 D3 E4 F5 G6 H7 J8 K9 L10 M11 N12 P13)
    assert upn_check_letter("80120001400C") == "P"
    assert is_valid_upn("P80120001400C")
    assert is_valid_upn("p801 2000 1400 c")


@pytest.mark.parametrize(
    "bad",
    ["", "80120001400", "8012000140011", "8012000140I1", "80120001400I", "80120001400O",
     "80120001400S", "A01200014001", "80120001400a"],
)
def test_check_letter_rejects_malformed(bad):
    assert upn_check_letter(bad) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A801200014001", "A801200014001"),
        ("a801 2000 1400 1", "A801200014001"),
        ("p80120001400c", "P80120001400C"),
        ("I801200014001", None),  # I, O and S are not in the UPN alphabet
        ("A80120001400", None),
        ("A8012000140011", None),
        ("A80120001A001", None),  # only character 13 may be a letter
        ("UN1", None),  # SSDA903 "UPN unknown" code
        ("", None),
    ],
)
def test_normalise(text, expected):
    assert normalise_upn(text) == expected


def test_normalise_does_not_check_the_letter():
    assert normalise_upn("B801200014001") == "B801200014001"


@given(
    st.text(alphabet="0123456789", min_size=11, max_size=11),
    st.sampled_from("0123456789" + ALPHABET),
)
def test_computed_letter_is_valid_and_any_single_change_is_not(first_eleven, last):
    body = first_eleven + last
    upn = upn_check_letter(body) + body
    assert is_valid_upn(upn)
    for letter in ALPHABET:
        if letter != upn[0]:
            assert not is_valid_upn(letter + body)
    # weights 2..13 are all invertible mod 23, so any single changed digit is detected
    for i in range(1, 12):
        for new in "0123456789":
            if new != upn[i]:
                assert not is_valid_upn(upn[:i] + new + upn[i + 1 :])


@given(st.text())
def test_never_raises_on_arbitrary_text(text):
    assert isinstance(is_valid_upn(text), bool)
    assert upn_check_letter(text) is None or len(text) == 12
