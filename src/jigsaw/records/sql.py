"""Hand-written reads for the few set-wise queries every page or API query asks.

Building and compiling a queryset costs more CPU than PostgreSQL takes to run it when the rows
are few (``docs/api.md``), so the reads on every search, API query, child page and alert page
(the gate, the signposts, the people on an alert) are written as SQL. Each names
``IN ({ids})`` where the list of ids goes. On PostgreSQL that is sent as ``= ANY(%s)`` with the
list as one array parameter, so one prepared statement serves every length of list (with one
placeholder per id, each length is a statement of its own, planned afresh until it has run five
times on the connection: ``jigsaw.settings.postgres_options``). SQLite hands back dates, times
and booleans as text and integers, which :func:`as_date`, :func:`as_datetime` and
:func:`as_bool` turn into what the ORM would have returned.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import UTC, date, datetime
from typing import Any

from django.db import connections
from django.utils.dateparse import parse_date, parse_datetime


def read(sql: str, ids: Collection[int], using: str, params: Sequence[Any] = (),
         times: int = 1) -> list[tuple]:
    """The rows of ``sql`` with the ids where ``IN ({ids})`` stands; the parameters are the ids
    for each of the ``times`` places it appears, then ``params``."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        query, values = sql.replace("IN ({ids})", "= ANY(%s)"), [list(ids)] * times
    else:
        query, values = sql.format(ids=", ".join(["%s"] * len(ids))), list(ids) * times
    with connection.cursor() as cursor:
        cursor.execute(query, [*values, *params])
        return cursor.fetchall()


def as_date(value: Any) -> date | None:
    return parse_date(value) if isinstance(value, str) else value


def as_datetime(value: Any) -> datetime | None:
    """An aware time (SQLite keeps UTC without its zone: as text, or for a plain column as a naive
    datetime)."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value
    if not isinstance(value, str):
        return value
    moment = parse_datetime(value)
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


def as_bool(value: Any) -> bool | None:
    return None if value is None else bool(value)
