"""Score one record against a handful of candidates in microseconds, with the same model.

Splink's real-time path (:class:`jigsaw.identity.score.Scorer`) plans and runs a large SQL query
for every call, about 12 ms even for ten candidates; a search or a newly imported record needs
the answer in a few. This module evaluates the *same* comparison levels of the *same* trained
model in plain Python: each level of the saved model is recognised by its label and given the
predicate its SQL states, and the weights come from the model's m and u values exactly as
Splink's SQL computes them (including term-frequency adjustment). A model with a level this
module does not know is refused (:class:`UnknownLevel`), and the caller falls back to Splink.
``tests/identity/test_fastscore.py`` checks both give the same levels and weights on thousands
of pairs of synthetic records.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

Row = Mapping[str, Any]
Predicate = Callable[[Row, Row], bool]


class UnknownLevel(ValueError):
    """The model has a comparison level with no Python equivalent here."""


def damerau_levenshtein(a: str, b: str, limit: int = 2) -> int:
    """Edit distance counting a swap of neighbours as one edit, as DuckDB's ``damerau_levenshtein``.

    The unrestricted distance (Lowrance-Wagner), not the "optimal string alignment" shortcut:
    the two differ ("ca" to "abc" is 2, not 3) and the fast path must give Splink's level.
    Returns ``limit + 1`` whenever the distance is more than ``limit`` (the model only asks
    "at most 1" or "at most 2").
    """
    if a == b:
        return 0
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    # every letter of one that the other lacks costs an edit of its own (a deletion, insertion or
    # change; a swap moves letters, it never removes one): a cheap bound that settles most pairs
    if len(set(a).difference(b)) > limit or len(set(b).difference(a)) > limit:
        return limit + 1
    infinity = len(a) + len(b)
    last_row: dict[str, int] = {}
    rows = [[infinity] * (len(b) + 2), [infinity, *range(len(b) + 1)]]
    for i in range(1, len(a) + 1):
        row = [infinity, i] + [0] * len(b)
        last_match_col = 0
        for j in range(1, len(b) + 1):
            k, l_ = last_row.get(b[j - 1], 0), last_match_col
            cost = 0 if a[i - 1] == b[j - 1] else 1
            if cost == 0:
                last_match_col = j
            row[j + 1] = min(rows[i][j] + cost, row[j] + 1, rows[i][j + 1] + 1,
                             rows[k][l_] + (i - k - 1) + 1 + (j - l_ - 1))
        rows.append(row)
        last_row[a[i - 1]] = i
    return min(rows[-1][-1], limit + 1)


def levenshtein(a: str, b: str, limit: int = 2) -> int:
    """Plain edit distance (a swap is two edits), as DuckDB's ``levenshtein``; capped at ``limit + 1``."""
    if a == b:
        return 0
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return min(previous[-1], limit + 1)


def _close(a: Any, b: Any) -> bool:
    """:func:`jigsaw.identity.model._close` in Python: equal, or two edits apart when long."""
    if a is None or b is None:
        return False
    return a == b or (min(len(a), len(b)) >= 6 and abs(len(a) - len(b)) <= 2
                      and (a[:1] == b[:1] or a[-1:] == b[-1:]) and levenshtein(a, b) <= 2)


def _near(a: Any, b: Any) -> bool:
    """:func:`jigsaw.identity.model._near`: within two edits, both three letters or more."""
    return (a is not None and b is not None and min(len(a), len(b)) >= 3 and abs(len(a) - len(b)) <= 2
            and levenshtein(a, b) <= 2)


def _one_slip(a: Any, b: Any) -> bool:
    """:func:`jigsaw.identity.model._one_slip`: one edit apart at most, both four letters or more."""
    return a is not None and b is not None and min(len(a), len(b)) >= 4 and damerau_levenshtein(a, b, 1) <= 1


def _same(x: Row, y: Row, name: str) -> bool:
    return x[name] is not None and x[name] == y[name]


def _address_levels() -> dict[str, Predicate]:
    """The address and postcode levels (``ADDRESS_LEVELS``, ``POSTCODE_LEVELS`` of the model)."""
    def house(x: Row, y: Row) -> bool:
        return _same(x, y, "house_number")

    def code(x: Row, y: Row) -> bool:
        return _same(x, y, "postcode")

    def street(x: Row, y: Row) -> bool:
        return _close(x["street"], y["street"])

    def line(x: Row, y: Row) -> bool:
        place_x, place_y = x.get("place"), y.get("place")
        return _close(x["street"], place_y) or _close(place_x, y["street"]) or _close(place_x, place_y)

    def locality(x: Row, y: Row) -> bool:
        return _close(x["locality"], y["locality"])

    def near(x: Row, y: Row) -> bool:  # a model saved before swaps counted as one slip
        a, b = x["postcode"], y["postcode"]
        return _same(x, y, "postcode_sector") or (
            a is not None and b is not None and min(len(a), len(b)) >= 4 and levenshtein(a, b, 1) <= 1)

    def slip(x: Row, y: Row) -> bool:
        a, b = x["postcode"], y["postcode"]
        return _same(x, y, "postcode_sector") or (
            a is not None and b is not None and min(len(a), len(b)) >= 4
            and damerau_levenshtein(a, b, 1) <= 1)

    return {
        "same house and street": lambda x, y: house(x, y) and street(x, y),
        "same house number and another line": lambda x, y: house(x, y) and line(x, y),
        "same street": street,
        "same house number": house,
        "another line in common": line,
        "same postcode and locality": lambda x, y: code(x, y) and locality(x, y),
        "same postcode": code,
        "postcode nearly the same, same locality": lambda x, y: near(x, y) and locality(x, y),
        "same locality": locality,
        "postcode nearly the same": near,
        "postcode one slip apart, same locality": lambda x, y: slip(x, y) and locality(x, y),
        "postcode one slip apart": slip,
    }


def _neither(first: str, second: str) -> Predicate:
    """A null level: one side has neither ``first`` nor ``second``."""
    return lambda x, y: any(r[first] is None and r[second] is None for r in (x, y))


#: Null levels other than "this column is null on either side", by label.
_NULL_LEVELS: dict[str, Predicate] = {
    "no street address to compare": _neither("house_number", "street"),
    "no postcode or locality to compare": _neither("postcode", "locality"),
}


def _both(value_l: Any, value_r: Any) -> bool:
    return value_l is not None and value_r is not None


def _predicate(label: str, column: str) -> Predicate:
    """The Python form of the level labelled ``label`` on comparison ``column``."""
    def col(row: Row, name: str = column) -> Any:
        return row[name]

    def intersects(name: str) -> Predicate:
        return lambda x, y: _both(x[name], y[name]) and bool(set(x[name]) & set(y[name]))

    def edits(limit: int, min_length: int = 0) -> Predicate:
        def check(x: Row, y: Row) -> bool:
            a, b = col(x), col(y)
            if not _both(a, b) or min(len(a), len(b)) < min_length:
                return False
            return damerau_levenshtein(a, b, limit) <= limit
        return check

    def equal(name: str) -> Predicate:
        return lambda x, y: _both(x[name], y[name]) and x[name] == y[name]

    table: dict[str, Predicate] = {
        f"Exact match on {column}": equal(column),
        "same name, short or nick-name form": intersects("given_groups"),
        "one name contains the other": intersects("given_tokens"),
        "one name starts the other (a short form)": lambda x, y: _both(col(x), col(y)) and min(
            len(col(x)), len(col(y))) >= 2 and (col(x).startswith(col(y)) or col(y).startswith(col(x))),
        f"Damerau-Levenshtein distance of {column} <= 1": edits(1),
        "one digit differs": edits(1),
        "two letters differ in a long name": edits(2, 6),
        "given and family names swapped": lambda x, y: (
            _both(x["given_name"], y["family_name"]) and _both(x["family_name"], y["given_name"])
            and x["given_name"] == y["family_name"] and x["family_name"] == y["given_name"]),
        "names swapped, one mistyped": lambda x, y: (
            (_both(x["given_name"], y["family_name"]) and x["given_name"] == y["family_name"]
             and _near(x["family_name"], y["given_name"]))
            or (_both(x["family_name"], y["given_name"]) and x["family_name"] == y["given_name"]
                and _near(x["given_name"], y["family_name"]))),
        "names swapped, both mistyped": lambda x, y: (
            _near(x["given_name"], y["family_name"]) and _near(x["family_name"], y["given_name"])),
        "names swapped, one a word of a longer name": lambda x, y: (
            (x["given_name"] is not None and x["given_name"] in (y["family_tokens"] or ())
             and _near(x["family_name"], y["given_name"]))
            or (y["given_name"] is not None and y["given_name"] in (x["family_tokens"] or ())
                and _near(x["given_name"], y["family_name"]))),
        "a given name is the other's family name, mistyped": lambda x, y: (
            _both(x["family_name"], y["family_name"]) and x["family_name"] != y["family_name"]
            and (_one_slip(x["given_name"], y["family_name"])
                 or _one_slip(x["family_name"], y["given_name"]))),
        "a given name is the other's family name": lambda x, y: (
            (_both(x["given_name"], y["family_name"]) and x["given_name"] == y["family_name"])
            or (_both(x["family_name"], y["given_name"]) and x["family_name"] == y["given_name"])),
        **_address_levels(),
        "initial agrees": lambda x, y: _both(col(x), col(y)) and (len(col(x)) == 1 or len(col(y)) == 1)
        and x["given_initial"] == y["given_initial"],
        "a surname in common": intersects("family_tokens"),
        "day and month swapped": lambda x, y: _both(x["birth_date_swapped"], y["birth_date"])
        and x["birth_date_swapped"] == y["birth_date"],
        "same year": equal("birth_year"),
        "same sector": equal("postcode_sector"),
        "same district": equal("postcode_district"),
    }
    if label in table:
        return table[label]
    raise UnknownLevel(f"no fast form of the level {label!r} on {column}; use the Splink scorer")


class _Comparison:
    """One field: its predicates in order, their level numbers and weights."""

    def __init__(self, spec: Mapping[str, Any]):
        self.column = spec["output_column_name"]
        nulls = [lv.get("label_for_charts") or "" for lv in spec["comparison_levels"]
                 if lv.get("is_null_level")]
        column = self.column
        self.is_null: Predicate = next(
            (_NULL_LEVELS[label] for label in nulls if label in _NULL_LEVELS),
            lambda x, y: x[column] is None or y[column] is None)
        levels = [lv for lv in spec["comparison_levels"] if not lv.get("is_null_level")]
        self.levels: list[tuple[int, Predicate | None, float, float | None]] = []
        self.tf_column: str | None = None
        for gamma, level in zip(range(len(levels) - 1, -1, -1), levels, strict=True):
            label = level.get("label_for_charts") or ""
            is_else = level["sql_condition"].strip().upper() == "ELSE"
            predicate = None if is_else else _predicate(label, self.column)
            weight = math.log2(level["m_probability"] / level["u_probability"])
            tf_u = None
            if level.get("tf_adjustment_column"):
                self.tf_column = level["tf_adjustment_column"]
                tf_u = math.log2(level["u_probability"]) * float(level.get("tf_adjustment_weight", 1.0))
            self.levels.append((gamma, predicate, weight, tf_u))

    def score(self, x: Row, y: Row, tf: Mapping[str, float]) -> tuple[int, float, float]:
        """(level, weight, term-frequency adjustment) of the pair on this field."""
        if self.is_null(x, y):
            return -1, 0.0, 0.0
        for gamma, predicate, weight, tf_u in self.levels:
            if predicate is None or predicate(x, y):
                adjust = 0.0
                if tf_u is not None:
                    freq = max(tf.get(x[self.column], 0.0), tf.get(y[self.column], 0.0))
                    if freq > 0:
                        adjust = tf_u - math.log2(freq)
                return gamma, weight, adjust
        raise AssertionError("a comparison always ends in an else level")


class FastScorer:
    """The trained model's comparisons, evaluated in Python for one record against a few."""

    def __init__(self, model: Mapping[str, Any], term_frequencies: Mapping[str, Mapping[str, float]]):
        self.model = dict(model)
        self.comparisons = [_Comparison(spec) for spec in model["comparisons"]]
        lam = float(model["probability_two_random_records_match"])
        self.prior = math.log2(lam / (1 - lam))
        self.term_frequencies = {c.tf_column: dict(term_frequencies.get(c.tf_column, {}))
                                 for c in self.comparisons if c.tf_column}

    def score_rows(self, record: Row, candidates: Sequence[Row]) -> list[dict[str, Any]]:
        """Each candidate scored against ``record``, strongest first (Splink's column names)."""
        out = []
        for candidate in candidates:
            row: dict[str, Any] = {"unique_id_l": record["unique_id"], "unique_id_r": candidate["unique_id"]}
            total = self.prior
            for comparison in self.comparisons:
                tf = self.term_frequencies.get(comparison.tf_column, {}) if comparison.tf_column else {}
                gamma, weight, adjust = comparison.score(record, candidate, tf)
                row[f"gamma_{comparison.column}"] = gamma
                row[f"mw_{comparison.column}"] = weight if gamma != -1 else 0.0
                if comparison.tf_column:
                    row[f"mw_tf_adj_{comparison.column}"] = adjust
                total += row[f"mw_{comparison.column}"] + adjust
            row["match_weight"] = total
            row["match_probability"] = 1.0 / (1.0 + 2.0 ** -total) if total > -1000 else 0.0
            out.append(row)
        out.sort(key=lambda y: -y["match_weight"])
        return out
