"""Search every table of a database for a person's values and ids (the purge's proof)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connections

PERSON_TABLE, RECORD_TABLE = "signpost_person", "records_personrecord"
#: person_id columns without a foreign key that may keep a purged person's id, and why
ID_KEPT = {("audit_accessentry", "person_id"): "the access log is append-only and holds ids, not details"}


def leftovers(
    using: str, needles: Iterable[str], person_ids: Iterable[int], record_ids: Iterable[int]
) -> list[str]:
    """Where any needle (as text, any case) or id (in a column that names a person or record) is."""
    connection = connections[using]
    quote = connection.ops.quote_name
    people, records = sorted(set(person_ids)), sorted(set(record_ids))
    found = []
    with connection.cursor() as cur:
        for table in connection.introspection.table_names(cur):
            columns = [c.name for c in connection.introspection.get_table_description(cur, table)]
            relations = connection.introspection.get_relations(cur, table)
            for column in columns:
                target = relations.get(column, (None, None))[1]
                for needle in needles:
                    cur.execute(
                        f"SELECT COUNT(*) FROM {quote(table)} WHERE LOWER(CAST({quote(column)} AS TEXT)) "  # noqa: S608
                        "LIKE %s",
                        [f"%{needle.lower()}%"],
                    )
                    if cur.fetchone()[0]:
                        found.append(f"{table}.{column} holds {needle!r}")
                ids = (
                    people
                    if target == PERSON_TABLE or (column == "person_id" and target is None)
                    else records
                    if target == RECORD_TABLE
                    else []
                )
                if ids and (table, column) not in ID_KEPT:
                    marks = ", ".join(["%s"] * len(ids))
                    cur.execute(
                        f"SELECT COUNT(*) FROM {quote(table)} WHERE {quote(column)} IN ({marks})",  # noqa: S608
                        ids,
                    )
                    if cur.fetchone()[0]:
                        found.append(f"{table}.{column} names a purged id")
    return found
