"""Helpers for the access-log tests: tampering as an administrator would, and real writer processes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.db import connections

from jigsaw.audit.log import record

TABLE = "audit_accessentry"

#: A separate process writing N entries to the database JIGSAW_DATABASE_URL names (as a server would).
WRITER = """
import os, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "jigsaw.settings"
from jigsaw.cli.common import setup_django
setup_django()
from jigsaw.audit.log import record
actor, count, person = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for i in range(count):
    record(actor, "practitioner", "gp", "view_child", person_id=person, reason="s47",
           reason_text=sys.argv[4] if len(sys.argv) > 4 else "", remote_addr="192.0.2.7")
"""


def start_writer(env: dict, actor: str, count: int, person: int = 1, text: str = "") -> subprocess.Popen:
    full = {**os.environ, **env}
    full.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.Popen([sys.executable, "-c", WRITER, actor, str(count), str(person), text], env=full,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def write_entries(env: dict, actor: str, count: int, person: int = 1, text: str = "") -> None:
    proc = start_writer(env, actor, count, person, text)
    _out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err


def cli_env(tmp_path: Path) -> dict:
    return {"JIGSAW_DATA_DIR": str(tmp_path / "data"),
            "JIGSAW_DATABASE_URL": f"sqlite:///{tmp_path / 'audit.sqlite3'}"}


def drop_guards(alias: str) -> None:
    """What an administrator with DDL rights could do: switch the append-only triggers off.

    Inside a test's transaction, so it is undone when the test ends (DDL is transactional on
    both SQLite and PostgreSQL).
    """
    connection = connections[alias]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER audit_accessentry_no_update")
            cursor.execute("DROP TRIGGER audit_accessentry_no_delete")
            cursor.execute("DROP TRIGGER audit_accessentry_no_replace")


def raw(alias: str, sql: str, params: list | None = None) -> int:
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.rowcount


def fill(alias: str, count: int = 5, actor: str = "alice") -> list:
    return [record(actor, "social_worker", "council", "view_child", person_id=100 + i, reason="s47",
                   detail={"screen": "summary"}, using=alias) for i in range(count)]
