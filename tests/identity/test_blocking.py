"""Candidate pairs: the blocking rules find pairs whose names, birth date and street are all mistyped."""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pytest

from jigsaw.identity.blocking import BLOCKING_RULES
from jigsaw.identity.prepare import prepare


def _sql(rule) -> str:
    return rule.get_blocking_rule("duckdb").blocking_rule_sql if hasattr(rule, "get_blocking_rule") else rule


def _rules_pairing(first: tuple, second: tuple) -> list[str]:
    """The blocking rules (as SQL) under which two raw records become a candidate pair."""
    raw = pa.table({"unique_id": [1, 2], "given_name": [first[0], second[0]],
                    "family_name": [first[1], second[1]], "birth_date": [first[2], second[2]],
                    "address": [first[3], second[3]]})
    con = duckdb.connect()
    con.register("p", prepare(raw).drop_columns(["given_groups", "given_tokens", "family_tokens"]))
    found = []
    for rule in BLOCKING_RULES:
        query = f"SELECT count(*) FROM p l JOIN p r ON ({_sql(rule)}) AND l.unique_id < r.unique_id"  # noqa: S608
        if con.execute(query).fetchone()[0]:
            found.append(_sql(rule))
    return found


@pytest.mark.parametrize(("first", "second"), [
    # both names mistyped, no birth date, the street mistyped: the household (number, postcode)
    (("Clodagh", "Sieber", None, "14 Pandanus Street, Davistown, 4066 nsw"),
     ("Clohagh", "Sibeer", None, "14 Pandanus Tsreet, Davistown, 4066 nsw")),
    # given name mistyped, no birth date, another house number and no street: family and postcode
    (("Brooke", "Burford", None, "85 Smiths Road, Moolooboola, Kinglake West, 4560 nsw"),
     ("Brooe", "Burford", None, "28, Moolooboola, Kinglake West, 4560 nsw")),
    # family name mistyped, postcode mistyped, no birth date: given name and street, same initial
    (("Riley", "Breheny", None, "42 Barritt Street, Lalor, 5086 nt"),
     ("Riley", "Bteheny", None, "14 Barritt Street, Lalor, 0586 nt")),
])
def test_pairs_with_several_errors_at_once_are_still_compared(first, second):
    assert _rules_pairing(first, second)


def test_strangers_in_one_town_are_not_compared():
    assert not _rules_pairing(("Riley", "Breheny", "2001-01-05", "42 Barritt Street, Lalor, 5086 nt"),
                              ("Amelia", "Khan", "2012-07-19", "3 Holly Place, Lalor, 5080 nt"))


@pytest.mark.parametrize(("first", "second", "rule"), [
    # no given name, birth dates differ, the postcode mistyped, the street and the other line
    # written in the other order: house number and the street as the other's other line
    ((None, "Whishaw", "1975-10-21", "25 Ashcroft Crescent, Rosebery Hill, Vaucluse, 4670 nsw"),
     (None, "Whishaw", "1907-01-27", "25 Roseberyhill, Ashcroft Crescent, Vaucluse, 4607 nsw"),
     "place"),
    # family name, street, locality and postcode mistyped, one birth date missing: the
    # house number and the other line (a rural delivery box) in common
    (("Georgia", "Asher", "1980-10-09", "38 Onslow Street, RSDB 284, Prospect, 5434 nsw"),
     ("Georgia", "Ashe", None, "38 Onslow Sreet, RSDB 284, Prospdct, 5453 nsw"),
     '"place"'),
    # another house number, locality and postcode, one birth date missing, the street mistyped
    # late: both names and the start of the street
    (("Alexandra", "Noble", None, "53 Tytherleight Street, Bibra Lake, 7900 tas"),
     ("Alexandra", "Noble", "1972-01-05", "35 Tytherleigh Street, Paddington, 7000 tas"),
     "substr(l.street"),
])
def test_pairs_found_only_by_an_address_line_or_the_street_start(first, second, rule):
    found = _rules_pairing(first, second)
    assert found, "no rule pairs them"
    assert all(rule in sql for sql in found), found  # and no other rule would have


def test_the_same_names_on_other_streets_are_not_compared():
    assert not _rules_pairing(("Alexandra", "Noble", None, "53 Tytherleigh Street, Bibra Lake, 7900 tas"),
                              ("Alexandra", "Noble", None, "7 Holly Place, Paddington, 7000 tas"))
