"""The per-file staging table and how rows get into it fast on each database.

Every row of a file — good or bad — lands in one temporary table inside the file's transaction,
so the rest of the import (duplicates, references, new/changed/unchanged, history, quarantine)
is a handful of set-wise SQL statements rather than a loop over rows.
"""

from __future__ import annotations

import hashlib

STAGE = "jigsaw_stage"
#: bookkeeping columns ahead of the kind's stored columns, in insert order. Raw text is staged
#: only for rows quarantined while parsing; rows the SQL checks quarantine later get theirs
#: re-read from the file, so good rows never carry it.
STAGE_META = ("line", "raw", "raw_hash", "reason", "outcome", "has_warning", "record_key", "row_hash")



def content_hash(values: list[str]) -> str:
    """A digest of a row's field texts in canonical column order.

    Taken over what the source sent (not our normalised form), so a re-sent row is unchanged
    whatever its column order, quoting or format (CSV or JSONL), and a change in our own
    normalisation never makes stored rows look changed.
    """
    return text_hash("\x1f".join(values))


def text_hash(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


class Stager:
    """Creates the staging table for one kind and loads batches of rows into it."""

    def __init__(self, connection, table: str, columns: tuple[str, ...]) -> None:
        self.connection = connection  # Django connection wrapper
        self.vendor = connection.vendor
        self.columns = STAGE_META + columns
        with connection.cursor() as cur:
            cur.execute(f"DROP TABLE IF EXISTS {STAGE}")
            data = ", ".join(("record_key", "row_hash", *columns))
            cur.execute(f"CREATE TEMPORARY TABLE {STAGE} AS SELECT {data} FROM {table} WHERE 1 = 0")  # noqa: S608
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
            # a temporary table has no statistics until analysed; without them PostgreSQL
            # plans the joins below as nested loops over "one row" and takes minutes
            cur.execute(f"ANALYZE {STAGE}")

    def drop(self) -> None:
        with self.connection.cursor() as cur:
            cur.execute(f"DROP TABLE IF EXISTS {STAGE}")
