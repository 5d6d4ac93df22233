"""Fast bulk writes for linkage results (a million rows must not go through the ORM)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connections

_CHUNK = 50_000


def bulk_insert(table: str, columns: Sequence[str], rows: Iterable[Sequence], using: str = "default") -> int:
    """Insert ``rows`` into ``table``: COPY on PostgreSQL, ``executemany`` on SQLite.

    Call inside the caller's transaction; returns the number of rows written.
    """
    connection = connections[using]
    names = ", ".join(columns)
    written = 0
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            with cur.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    written += 1
            return written
        marks = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608
        batch: list[Sequence] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= _CHUNK:
                cur.executemany(sql, batch)
                written += len(batch)
                batch.clear()
        if batch:
            cur.executemany(sql, batch)
            written += len(batch)
    return written


