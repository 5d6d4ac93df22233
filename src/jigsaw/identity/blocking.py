"""Which pairs of records the linkage model compares, trains on and takes as near-certain.

Split from :mod:`jigsaw.identity.model` (the comparisons): the blocking rules decide the cost of
every routine link (each is one self-join), and their reasons and figures are long.
:func:`blocked_pairs` makes the pairs a routine link scores.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
from splink import block_on

#: A pair with neither given name nor birth date to tell household members apart.
_UNTOLD = ("(l.given_name IS NULL OR r.given_name IS NULL OR l.birth_date IS NULL"
           " OR r.birth_date IS NULL)")


def slips(a: str, b: str, edits: int) -> str:
    """SQL: ``a`` and ``b`` at most ``edits`` Damerau-Levenshtein edits apart, tested cheaply first.

    DuckDB's Levenshtein is three to four times quicker than its Damerau-Levenshtein, and never
    more than twice it (a swap of neighbours is Levenshtein's two edits; both count bytes), so a
    pair further apart than that is settled without the costly call and the answer is the same.
    ``tests/identity/test_blocked_pairs.py`` holds the inequality on the DuckDB in use; the
    figures are in ``docs/identity.md``.
    """
    return f"(levenshtein({a}, {b}) <= {2 * edits} AND damerau_levenshtein({a}, {b}) <= {edits})"


#: Postcodes one slip apart (a character wrong, missing or added, or neighbours swapped).
_POSTCODE_SLIP = slips("l.postcode", "r.postcode", 1)

#: Candidate pairs: the union of these keeps blocking recall >= 99.9% on the synthetic
#: partnership at default noise (measured by benchmarks/linkage_accuracy.py). Each rule can be
#: satisfied when one field is wrong, because another rule does not use that field: a one-digit
#: birth date error leaves two of year, month and day intact. No rule is a common name alone,
#: nor a town: "Oliver Smith" without a birth date, or a birth date with a locality, makes blocks
#: that grow with the population (issue 12: at 1,000,000 synthetic records the rules on name
#: group, family name and locality and on birth date and locality each made 4 million pairs).
#: Splink joins the table once per rule and tests each pair against every earlier rule, so a
#: rule costs time even when it adds no pair: one another rule contains is left out.
BLOCKING_RULES = (
    block_on("nhs_number"),
    block_on("upn"),
    # both names with two of year, month and day (one digit of the date wrong): with the year
    # alone, common names made 2.4 million pairs at 1M records, two thirds of them never kept
    "l.given_group = r.given_group AND l.family_name = r.family_name"
    " AND substr(l.birth_date, 1, 7) = substr(r.birth_date, 1, 7)",
    "l.given_group = r.given_group AND l.family_name = r.family_name AND l.birth_year = r.birth_year"
    " AND substr(l.birth_date, 9, 2) = substr(r.birth_date, 9, 2)",
    "l.given_group = r.given_group AND l.family_name = r.family_name"
    " AND substr(l.birth_date, 6, 5) = substr(r.birth_date, 6, 5)",
    block_on("given_group", "birth_date"),
    block_on("family_name", "birth_date"),
    block_on("birth_date", "postcode"),
    # day and month swapped: the family initial too (the given initial alone made 860,000
    # pairs at 1M records for about a hundred true ones)
    "l.birth_date_swapped = r.birth_date AND l.given_initial = r.given_initial"
    " AND substr(l.family_name, 1, 1) = substr(r.family_name, 1, 1)",
    # From the address, for a pair whose names or birth date carry several errors at once:
    # the name group with house number and postcode, or with the postcode alone (which also
    # covers name group, birth year or family name and postcode); the family name and postcode
    # (a household: FEBRL's copies whose given name was replaced and birth date mistyped);
    # the given initial with house number and postcode.
    block_on("given_group", "house_number", "postcode"),
    block_on("given_group", "postcode"),
    block_on("family_name", "postcode"),
    block_on("house_number", "postcode", "given_initial"),
    # For a pair whose names are both wrong, or whose postcode is mistyped: a birth date with
    # the street or house number; the name group and street with the family initial; both
    # names with the street's first four letters; the start of the given name with street and
    # postcode at another house number (FEBRL's copies with a mistyped house number).
    block_on("birth_date", "street"),
    block_on("birth_date", "house_number"),
    "l.given_group = r.given_group AND l.street = r.street"
    " AND substr(l.family_name, 1, 1) = substr(r.family_name, 1, 1)",
    "l.given_group = r.given_group AND l.family_name = r.family_name"
    " AND substr(l.street, 1, 4) = substr(r.street, 1, 4)",
    "substr(l.given_name, 1, 2) = substr(r.given_name, 1, 2) AND l.street = r.street"
    " AND l.postcode = r.postcode AND NOT coalesce(l.house_number = r.house_number, false)",
    # a name written in the other name's field, with the postcode or the house number
    "l.family_name = r.given_name AND l.postcode = r.postcode",
    "l.given_name = r.family_name AND l.postcode = r.postcode",
    "l.family_name = r.given_name AND l.house_number = r.house_number"
    " AND (l.street = r.street OR l.postcode = r.postcode OR l.locality = r.locality)",
    # For a pair whose names, birth date and postcode are all mistyped or missing: the
    # address's other named line (a building or estate) with the house number, on the same
    # line or written as the other's street ("41 Endeavour Street, Knox Village" / "13 Knox
    # Village, Endeavour Street"); a street mistyped at one house and postcode.
    block_on("house_number", "place"),
    "l.house_number = r.house_number AND l.place = r.street",
    "l.house_number = r.house_number AND l.postcode = r.postcode"
    " AND NOT coalesce(l.street = r.street, false)",
    # One house (number and street) with the birth year, or with a record that has no given
    # name or birth date, or with postcodes one slip apart: not every pair at one house, which
    # at 1M records is a household's every pair. Then a birth date or both names in a town only
    # with postcodes one slip apart ("3189" / "3198"). The edit distance is last: Splink tests
    # each later rule's pairs against every earlier rule.
    f"l.house_number = r.house_number AND l.street = r.street AND (l.birth_year = r.birth_year"
    f" OR {_UNTOLD} OR (l.postcode <> r.postcode AND {_POSTCODE_SLIP}))",
    f"l.birth_date = r.birth_date AND l.locality = r.locality AND {_POSTCODE_SLIP}",
    "l.given_group = r.given_group AND l.family_name = r.family_name AND l.locality = r.locality"
    f" AND {_POSTCODE_SLIP}",
)

#: EM passes: Splink trains in each pass only the comparisons that read none of the rule's
#: columns, so together these train every comparison: postcode and address in the first,
#: family name and birth date in the second, given name in the third. The given-name comparison
#: reads the family name too (its swapped levels), so the first pass cannot train it; a pass
#: blocked on ``given_group`` would train it only on pairs whose given names agree; and the
#: postcode is trained where no part of the address was blocked on (a pair that shares a house
#: number has seldom moved).
TRAINING_RULES = (
    block_on("family_name", "birth_date"),
    block_on("given_name", "postcode"),
    block_on("birth_date", "postcode"),
)

#: Rules for the prior: pairs these select are almost all true matches.
DETERMINISTIC_RULES = (
    "l.nhs_number = r.nhs_number AND l.birth_date = r.birth_date",
    "l.given_name = r.given_name AND l.family_name = r.family_name AND l.birth_date = r.birth_date"
    " AND l.postcode = r.postcode",
    "l.given_name = r.given_name AND l.family_name = r.family_name AND l.birth_date = r.birth_date"
    " AND l.house_number = r.house_number AND l.street = r.street",
)


def blocked_pairs(con: duckdb.DuckDBPyConnection, table: str, rules: Sequence[str], out: str,
                  unique_id: str = "unique_id") -> int:
    """Materialise as ``out`` every pair of ``table``'s records that one of ``rules`` selects, once.

    Splink's own blocking is one ``UNION ALL`` of a self-join per rule, each pair tested against
    every earlier rule (``AND NOT (rule 1 OR rule 2 ...)``) so that none comes twice: at 1M records
    and 27 rules that test, not the joins, took most of a routine link (issue 12). Here each rule is
    a plain join and the duplicates go in one grouping. ``out`` has Splink's blocked-pairs columns
    (``match_key``, the first rule that found the pair, then ``join_key_l`` < ``join_key_r``), the
    same pairs as Splink's blocking of a deduplication (``tests/identity/test_blocked_pairs.py``).
    Returns the number of pairs.
    """
    # table and column names are the caller's identifiers and each rule the model's own SQL
    found = f"{out}_found"
    con.execute(f"CREATE OR REPLACE TEMP TABLE {found} (rule USMALLINT, l BIGINT, r BIGINT)")
    try:
        for number, rule in enumerate(rules):  # one at a time: each join is held to its own pairs
            con.execute(f"INSERT INTO {found} SELECT {number}, l.{unique_id}, r.{unique_id}"  # noqa: S608
                        f" FROM {table} AS l JOIN {table} AS r ON ({rule})"
                        f" WHERE l.{unique_id} < r.{unique_id}")
        con.execute(f"CREATE OR REPLACE TABLE {out} AS SELECT"  # noqa: S608
                    " CAST(min(rule) AS VARCHAR) AS match_key, l AS join_key_l, r AS join_key_r"
                    f" FROM {found} GROUP BY l, r")
    finally:
        con.execute(f"DROP TABLE IF EXISTS {found}")
    return con.execute(f"SELECT count(*) FROM {out}").fetchone()[0]  # noqa: S608
