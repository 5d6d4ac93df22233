"""SQLite: refuse an INSERT that would replace an entry (``INSERT OR REPLACE``, ``REPLACE INTO``).

SQLite resolves such a conflict by deleting the old row without firing ``BEFORE DELETE``
triggers (unless ``recursive_triggers`` is on), so the no-delete trigger of 0001 never sees it.
A ``BEFORE INSERT`` trigger runs before conflict resolution and refuses any row that would
collide with a stored one. PostgreSQL's ``ON CONFLICT DO UPDATE`` is an UPDATE, already refused.
"""

from django.db import migrations

CREATE = (
    "CREATE TRIGGER audit_accessentry_no_replace BEFORE INSERT ON audit_accessentry "
    "WHEN EXISTS (SELECT 1 FROM audit_accessentry WHERE id = NEW.id OR sequence = NEW.sequence "
    "OR entry_hash = NEW.entry_hash) "
    "BEGIN SELECT RAISE(ABORT, 'the access log is append-only: REPLACE refused'); END"
)
DROP = "DROP TRIGGER IF EXISTS audit_accessentry_no_replace"


def _sqlite(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            schema_editor.execute(sql)
    return run


class Migration(migrations.Migration):

    dependencies = [("audit", "0004_view_review_action")]

    operations = [migrations.RunPython(_sqlite(CREATE), _sqlite(DROP))]
