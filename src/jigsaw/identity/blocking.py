"""Which pairs of records the linkage model compares, trains on and takes as near-certain.

Split from :mod:`jigsaw.identity.model` (the comparisons): the blocking rules decide the cost of
every routine link (each is one self-join), and their reasons and figures are long.
"""

from __future__ import annotations

from splink import block_on

#: A pair with neither given name nor birth date to tell household members apart.
_UNTOLD = ("(l.given_name IS NULL OR r.given_name IS NULL OR l.birth_date IS NULL"
           " OR r.birth_date IS NULL)")
#: Postcodes one slip apart (a character wrong, missing or added, or neighbours swapped).
_POSTCODE_SLIP = "damerau_levenshtein(l.postcode, r.postcode) <= 1"

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
