"""Keep a person record from being deleted while rows naming it are being written.

On PostgreSQL the feed rows' references to their person record are not foreign keys (migration
``records.0008``: a key's check is a trigger per stored row). A trigger refuses to delete a
person record that has feed rows; what is left is the moment between writing a row and
committing it, when a purge could not see the row yet. A writer closes it by holding the
person records ``FOR KEY SHARE`` until it commits, as the key's check did: a purge then waits
for it, and refuses once the row is there. SQLite keeps the keys, and lets one writer in at a
time.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connections


def hold_records(record_ids: Sequence[int], using: str) -> None:
    """Hold these person records until the caller's transaction ends (PostgreSQL; call inside
    the transaction that writes the rows naming them)."""
    connection = connections[using]
    if connection.vendor != "postgresql" or not record_ids:
        return
    with connection.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM (SELECT 1 FROM records_personrecord WHERE id = ANY(%s) "
                    "FOR KEY SHARE) x", [list(record_ids)])
