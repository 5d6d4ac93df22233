import pytest
from hypothesis import given
from hypothesis import strategies as st

from jigsaw.feeds.text import neutralise_formula, restore_formula


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=SUM(A1:A2)", "'=SUM(A1:A2)"),
        ("+44 20 7946 0000", "'+44 20 7946 0000"),
        ("-1", "'-1"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("plain text", "plain text"),
        ("a=b", "a=b"),
        (" =x", " =x"),
        ("", ""),
        ("'already quoted", "'already quoted"),
        ("'=x", "''=x"),  # so that reading it back gives "'=x", not "=x"
    ],
)
def test_neutralise_formula(value, expected):
    assert neutralise_formula(value) == expected


@given(st.text())
def test_only_ever_prefixes_one_quote(value):
    result = neutralise_formula(value)
    assert result in (value, "'" + value)
    assert (result != value) == (value[:1] in {"=", "+", "-", "@", "\t", "\r"})


@given(st.text(alphabet="'=a+ \t"))
def test_restore_undoes_neutralise(value):
    assert restore_formula(neutralise_formula(value)) == value


@pytest.mark.parametrize("value", ["'Tis", "'", "", "plain", "'''"])
def test_restore_leaves_a_quote_it_did_not_add(value):
    assert restore_formula(value) == value
