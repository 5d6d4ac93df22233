"""Find and score the stored records a single record might be: the real-time half of linkage.

Candidates come from :class:`~jigsaw.signpost.models.MatchKey` with one indexed lookup per
blocking rule of the model (the same rules the batch uses), so the incremental match and the
search see the pairs the batch would have seen; they are then scored by the same trained model.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import connections

from jigsaw.identity import FastScorer, damerau_levenshtein
from jigsaw.signpost import records
from jigsaw.signpost.models import LinkModel, MatchKey

if TYPE_CHECKING:
    import pyarrow as pa

#: Records sharing the exact birth date read for the near-names lookup before names are
#: compared: a day's births in a large partnership are hundreds, not tens of thousands.
BIRTH_DATE_LIMIT = 5000

#: Most candidates one rule may return: a common name with no birth date must not pull in
#: thousands of records (it is the search's job to ask for more detail instead).
RULE_LIMIT = 200

_scorers: dict[tuple, FastScorer] = {}
_scorers_lock = threading.Lock()


def current_model(using: str = "default") -> LinkModel | None:
    return LinkModel.objects.using(using).order_by("-pk").first()


_LATEST_MODEL = 'SELECT "id", "created_at" FROM "signpost_linkmodel" ORDER BY "id" DESC LIMIT 1'


def scorer(using: str = "default") -> FastScorer:
    """The scorer for the latest model, built once per process and model.

    Only the latest model's id is read on each call; its settings and term frequencies (large
    JSON) are loaded when a new model appears.
    """
    with connections[using].cursor() as cursor:  # written out: the queryset cost more to compile
        cursor.execute(_LATEST_MODEL)
        latest = cursor.fetchone()
    key = (using, *(latest or (None, None)))  # the time too: ids are reused after a rollback
    with _scorers_lock:
        if key not in _scorers:
            _scorers.clear()
            model = LinkModel.objects.using(using).get(pk=latest[0]) if latest else None
            if model is None:  # no link run yet: the packaged model (this loads Splink)
                from jigsaw.identity import linkage

                settings = linkage.default_model()
            else:
                settings = model.settings
            _scorers[key] = FastScorer(settings, model.term_frequencies if model else {})
        return _scorers[key]


def _rules(key: dict[str, Any]) -> list[dict[str, Any]]:
    """The model's blocking rules as lookups, for those the key can satisfy (all fields known)."""
    g, f, b, p = key["given_group"], key["family_name"], key["birth_date"], key["postcode"]
    year = f"{key['birth_year']}-" if key["birth_year"] else None
    rules = (
        {"nhs_number": key["nhs_number"]},
        {"upn": key["upn"]},
        {"given_group": g, "family_name": f, "birth_date__startswith": year},
        {"given_group": g, "family_name": f, "birth_date__endswith": b[4:] if b else None},
        {"given_group": g, "birth_date": b},
        {"family_name": f, "birth_date": b},
        {"birth_date": b, "postcode": p},
        {"given_group": g, "postcode": p},  # the batch rule of the same fields (its index)
        {"birth_date": key["birth_date_swapped"], "given_name__startswith": key["given_initial"]},
    )
    return [fields for fields in rules if all(v is not None for v in fields.values())]


def candidate_ids(key: dict[str, Any], using: str = "default", limit: int = RULE_LIMIT) -> list[int]:
    """Ids of stored records sharing a blocking key with ``key`` (a prepared record as a dict)."""
    return candidates(key, using, limit)


def candidates(key: dict[str, Any], using: str = "default", limit: int = RULE_LIMIT,
               extra_rules: Iterable[dict[str, Any]] = (), near_names: bool = False) -> list[int]:
    """Ids of the records that share a blocking key with ``key``, in one round trip.

    Each rule is its own indexed lookup with its own ``limit`` (a common name must not crowd out
    the rest), and the lookups travel as one ``UNION ALL`` rather than one query each. A caller
    adds rules of its own (``extra_rules``, fields as for :meth:`QuerySet.filter`), and
    ``near_names`` adds the records born on the key's exact birth date whose given *or* family
    name is within two edits of the key's. A search needs this and the batch rules do not give it:
    a typo in *both* names leaves no name equal, so every name-based rule misses, while the exact
    birth date still narrows the index to one day's births. The names are compared here, in
    Python, on the normalised values the match keys hold; the model then decides.
    """
    rules = [(fields, limit) for fields in [*_rules(key), *extra_rules]
             if all(v is not None for v in fields.values())]
    near = near_names and _near_key(key)
    if near:
        rules.append(({"birth_date": key["birth_date"]}, BIRTH_DATE_LIMIT))
    if not rules:
        return []
    connection = connections[using]
    table = connection.ops.quote_name(MatchKey._meta.db_table)
    parts, params = [], []
    for tag, (fields, most) in enumerate(rules):
        where, args = _where(fields, connection)
        # a subquery in FROM, so each rule keeps its own LIMIT on SQLite too; values are parameters
        parts.append(f"SELECT {tag}, c.* FROM (SELECT record_id, given_name, family_name "  # noqa: S608
                     f"FROM {table} WHERE {where} LIMIT %s) c")
        params.extend([*args, most])
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        rows = cursor.fetchall()
    last = len(rules) - 1
    found = {record for tag, record, g, f in rows
             if not (near and tag == last) or _near(key, g, f)}
    return sorted(found)


#: The lookups :func:`_rules` uses, as Django names them (so the database's own LIKE is used).
_LOOKUPS = ("startswith", "endswith")


def _where(fields: dict[str, Any], connection: Any) -> tuple[str, list[Any]]:
    """A rule's conditions as SQL over MatchKey's columns (names from the model, never input).

    Built directly rather than through a QuerySet: compiling nine querysets cost more CPU than
    the lookups themselves. ``startswith``/``endswith`` use the backend's LIKE and escaping, as
    Django's own lookups do.
    """
    terms, args = [], []
    for name, value in fields.items():
        column, _, lookup = name.partition("__")
        MatchKey._meta.get_field(column)  # a column of the table, or FieldDoesNotExist
        quoted = connection.ops.quote_name(column)
        if not lookup:
            terms.append(f"{quoted} = %s")
            args.append(value)
        elif lookup in _LOOKUPS:
            escaped = connection.ops.prep_for_like_query(value)
            terms.append(f"{quoted} {connection.operators[lookup] % '%s'}")
            args.append(f"{escaped}%" if lookup == "startswith" else f"%{escaped}")
        else:
            raise ValueError(f"unsupported lookup in a blocking rule: {lookup}")
    return " AND ".join(terms), args


def _near_key(key: dict[str, Any]) -> bool:
    return key["birth_date"] is not None and (key["given_name"] is not None or key["family_name"] is not None)


def _near(key: dict[str, Any], given: str | None, family: str | None, edits: int = 2) -> bool:
    """Is either stored name within ``edits`` edits of the key's?"""
    def close(a: str | None, b: str | None) -> bool:
        return a is not None and b is not None and damerau_levenshtein(a, b, edits) <= edits

    return close(key["given_name"], given) or close(key["family_name"], family)


def score_record(prepared_one: pa.Table, using: str = "default", exclude: set[int] | None = None,
                 extra: Iterable[int] = ()) -> pa.Table:
    """``prepared_one`` (a one-row prepared table) scored against its stored candidates.

    ``extra`` adds candidates a caller found another way (the search's own lookup).
    """
    import pyarrow as pa  # here, not at the top: a search must not load it

    from jigsaw.identity import prepare

    key = prepared_one.to_pylist()[0]
    ids = _candidates(key, using, exclude, extra)
    candidates = prepare(records.load(ids, using).drop_columns(["row_hash"])).to_pylist() if ids else []
    scored = scorer(using).score_rows(key, candidates)
    return pa.Table.from_pylist(scored) if scored else pa.schema([
        ("unique_id_l", pa.int64()), ("unique_id_r", pa.int64()), ("match_weight", pa.float64()),
        ("match_probability", pa.float64())]).empty_table()


def _candidates(key: dict[str, Any], using: str, exclude: set[int] | None, extra: Iterable[int]) -> list[int]:
    found = set(candidate_ids(key, using)).union(extra)
    return sorted(i for i in found if not exclude or i not in exclude)


def match_key_row(prepared: dict[str, Any], row_hash: str) -> tuple:
    """A MatchKey table row for one prepared record (column order of :data:`MATCH_KEY_COLUMNS`)."""
    return (prepared["unique_id"], row_hash, prepared["given_name"], prepared["given_group"],
            prepared["family_name"], prepared["birth_date"], prepared["postcode"],
            prepared["postcode_district"], prepared["nhs_number"], prepared["upn"])


MATCH_KEY_COLUMNS = ("record_id", "row_hash", "given_name", "given_group", "family_name", "birth_date",
                     "postcode", "postcode_district", "nhs_number", "upn")

