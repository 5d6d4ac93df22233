"""The per-file staging table and how rows get into it fast on each database.

Every row of a file — good or bad — lands in one temporary table inside the file's transaction,
so the rest of the import (duplicates, references, new/changed/unchanged, history, quarantine)
is a handful of set-wise SQL statements rather than a loop over rows.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime

STAGE = "jigsaw_stage"
#: bookkeeping columns ahead of the kind's stored columns, in insert order
STAGE_META = ("line", "raw", "raw_hash", "reason", "outcome", "has_warning", "record_key", "row_hash")


def db_text(value: object) -> object:
    """One canonical text form per value, the same on SQLite and PostgreSQL.

    Datetimes are UTC without an offset (Django's SQLite form; Django runs PostgreSQL sessions
    in UTC), so hashes, ordering and comparisons agree across both databases.
    """
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return 1 if value else 0
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return str(value)


def content_hash(values: tuple) -> str:
    joined = "\x1f".join("\x00" if v is None else str(v) for v in values)
    return hashlib.blake2b(joined.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


class Stager:
    """Creates the staging table for one kind and loads batches of rows into it."""

    def __init__(self, connection, table: str, columns: tuple[str, ...]) -> None:
        self.connection = connection  # Django connection wrapper
        self.vendor = connection.vendor
        self.columns = STAGE_META + columns
        with connection.cursor() as cur:
            cur.execute(f"DROP TABLE IF EXISTS {STAGE}")  # noqa: S608 - fixed identifiers
            data = ", ".join(("record_key", "row_hash", *columns))
            temp = "TEMPORARY TABLE"
            cur.execute(f"CREATE {temp} {STAGE} AS SELECT {data} FROM {table} WHERE 1 = 0")  # noqa: S608
            for name, sql_type in (("line", "INTEGER"), ("raw", "TEXT"), ("raw_hash", "TEXT"),
                                   ("reason", "TEXT"), ("outcome", "TEXT"),
                                   ("has_warning", "INTEGER")):
                cur.execute(f"ALTER TABLE {STAGE} ADD COLUMN {name} {sql_type}")
        self._insert_sql = (
            f"INSERT INTO {STAGE} ({', '.join(self.columns)}) "  # noqa: S608
            f"VALUES ({', '.join(['%s'] * len(self.columns))})"
        )

    def load(self, rows: list[tuple]) -> None:
        if not rows:
            return
        raw = self.connection.connection  # the DB-API connection, inside Django's transaction
        if self.vendor == "postgresql":
            cur = raw.cursor()
            with cur.copy(f"COPY {STAGE} ({', '.join(self.columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            raw.executemany(self._insert_sql.replace("%s", "?"), rows)

    def index(self) -> None:
        with self.connection.cursor() as cur:
            cur.execute(f"CREATE INDEX jigsaw_stage_key ON {STAGE} (record_key)")
            cur.execute(f"CREATE INDEX jigsaw_stage_outcome ON {STAGE} (outcome, line)")

    def drop(self) -> None:
        with self.connection.cursor() as cur:
            cur.execute(f"DROP TABLE IF EXISTS {STAGE}")
