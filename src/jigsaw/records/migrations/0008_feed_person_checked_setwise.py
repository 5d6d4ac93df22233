"""PostgreSQL: feed rows' person references checked set-wise, not by a trigger per stored row.

A foreign key on PostgreSQL is a trigger run once per inserted row (here at COMMIT, the
constraints being deferred): for a DfE census's first import, 114,000 events, it was about a
sixth of the server's time on the import's critical path (docs/returns.md, fourth pass). The
invariant it held is kept another way, and tested (tests/records/test_person_guard.py):

- A person record that still has events, involvements or relationships (on either side)
  cannot be deleted: a statement-level trigger on ``records_personrecord`` refuses the DELETE,
  as the constraint did. Purging deletes those rows first (``records.purge``).
- A feed row names a stored person: only two writers store feed rows, the importer (the id
  comes from a join to the person in the same statement) and practice entries (the record is
  read in the same transaction). Each holds the person rows it names ``FOR KEY SHARE`` until
  it commits, as the constraint's check did, so a purge running meanwhile waits, then its
  trigger sees the new rows and refuses.

Person ids are never updated (identity keys), so no update check replaces the constraint's.
SQLite keeps the constraints: its import is not held up by them (one process, no COMMIT-time
trigger pass), and its flush deletes tables in any order, which a row trigger would refuse.

The models still declare the constraints (SQLite's come from them); a later migration that
alters one of these four fields on PostgreSQL must drop this migration's triggers first and
expect no constraint to be there.
"""

from django.db import migrations

#: (table, column) of every feed row's reference to its person record
REFS = (
    ("records_event", "person_id"),
    ("records_relationship", "person_id"),
    ("records_relationship", "related_id"),
    ("records_involvement", "person_id"),
)
FUNCTION = "jigsaw_person_record_delete_check"
TRIGGER = "jigsaw_person_record_delete_check"

_CHECKS = " OR ".join(f"EXISTS (SELECT 1 FROM {table} r JOIN gone g ON r.{column} = g.id)"  # noqa: S608
                      for table, column in REFS)
CREATE = [
    f"""CREATE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF {_CHECKS} THEN
        RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation',
            MESSAGE = 'a person record that still has events, involvements or relationships '
                      'cannot be deleted; delete those first';
    END IF;
    RETURN NULL;
END $$""",
    f"CREATE TRIGGER {TRIGGER} AFTER DELETE ON records_personrecord REFERENCING OLD TABLE AS "
    f"gone FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()",
]


def _foreign_keys(cursor, table: str, column: str) -> list[str]:
    cursor.execute(
        "SELECT c.conname FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid "
        "AND a.attnum = ANY(c.conkey) WHERE c.contype = 'f' AND c.conrelid = %s::regclass "
        "AND c.confrelid = 'records_personrecord'::regclass AND a.attname = %s",
        [table, column],
    )
    return [name for (name,) in cursor.fetchall()]


def forwards(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for table, column in REFS:
            for name in _foreign_keys(cursor, table, column):
                schema_editor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for statement in CREATE:
        schema_editor.execute(statement)


def backwards(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON records_personrecord")
    schema_editor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")
    names = {"records_event": "Event", "records_relationship": "Relationship",
             "records_involvement": "Involvement"}
    for table, column in REFS:
        model = apps.get_model("records", names[table])
        field = model._meta.get_field(column.removesuffix("_id"))
        schema_editor.execute(schema_editor._create_fk_sql(
            model, field, "_fk_%(to_table)s_%(to_column)s"))


class Migration(migrations.Migration):

    dependencies = [
        ("records", "0007_feed_source_system_unconstrained"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
