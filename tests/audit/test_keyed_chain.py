"""Finding 9: the access log cannot be rewritten on SQLite, and a rewrite is caught with or without the key.

``INSERT OR REPLACE`` deleted rows without firing the no-delete trigger, and a re-computed
unkeyed SHA-256 chain then verified. Now the replace is refused by a trigger, the chain is keyed
with ``JIGSAW_AUDIT_KEY`` (a rewrite without the key fails ``verify``), and a rewrite *with*
the key is caught by an anchor kept outside the database (``jigsaw audit anchor``).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys

import pytest
from django.db import DatabaseError, connections, transaction

from jigsaw.audit import chain
from jigsaw.audit.log import audit_key, verify
from jigsaw.audit.models import AccessEntry
from tests.audit.conftest import cli_env, drop_guards, fill, raw, write_entries
from tests.conftest import BOTH

pytestmark = pytest.mark.django_db(databases=BOTH)

COLUMNS = ("id", *chain.HASHED_FIELDS, "entry_hash")


def _replace(alias: str, entry: AccessEntry, actor: str, digest) -> None:
    """Rewrite one entry the way an attacker with write access to the SQLite file would."""
    fields = {**entry.hashed_fields(), "actor": actor}
    new_hash = digest(fields)
    raw(
        alias,
        "INSERT OR REPLACE INTO audit_accessentry (id, sequence, at, actor, role, agency, action, "
        "person_id, reason_code, reason_text, detail, remote_addr, user_agent, previous_hash, "
        "entry_hash) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, '{}', '', '', %s, %s)",
        [
            entry.pk,
            entry.sequence,
            entry.at,
            actor,
            entry.role,
            entry.agency,
            entry.action,
            entry.person_id,
            entry.reason_code,
            entry.reason_text,
            entry.previous_hash,
            new_hash,
        ],
    )


def _sqlite_only(alias: str) -> None:
    if connections[alias].vendor != "sqlite":
        pytest.skip("INSERT OR REPLACE is SQLite's; PostgreSQL's ON CONFLICT UPDATE is refused as an UPDATE")


def test_insert_or_replace_is_refused_by_the_database(db_alias):
    _sqlite_only(db_alias)
    entries = fill(db_alias, 3)
    with pytest.raises(DatabaseError, match="REPLACE refused"), transaction.atomic(using=db_alias):
        _replace(db_alias, entries[1], "someone_else", lambda f: chain.entry_hash(f, audit_key()))
    assert AccessEntry.objects.using(db_alias).get(sequence=2).actor == entries[1].actor


def test_on_conflict_update_is_refused_on_postgresql(db_alias):
    if connections[db_alias].vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    entries = fill(db_alias, 2)
    with pytest.raises(DatabaseError), transaction.atomic(using=db_alias):
        raw(
            db_alias,
            "INSERT INTO audit_accessentry (id, sequence, at, actor, role, agency, action, reason_code, "
            "reason_text, detail, remote_addr, user_agent, previous_hash, entry_hash) SELECT id, sequence, "
            "at, 'x', role, agency, action, reason_code, reason_text, detail, remote_addr, user_agent, "
            "previous_hash, entry_hash FROM audit_accessentry WHERE sequence = 1 "
            "ON CONFLICT (id) DO UPDATE SET actor = 'someone_else'",
        )
    assert AccessEntry.objects.using(db_alias).get(sequence=1).actor == entries[0].actor


def test_a_rewrite_without_the_key_is_caught(db_alias):
    """The old attack: triggers off, entries rewritten and the (now unkeyed) chain recomputed."""
    entries = fill(db_alias, 4)
    drop_guards(db_alias)
    previous = entries[0].entry_hash
    for entry in entries[1:]:  # re-chain everything from entry 2 with a plain SHA-256
        forged = {**entry.hashed_fields(), "actor": "someone_else", "previous_hash": previous}
        previous = hashlib.sha256(chain.canonical(forged)).hexdigest()
        raw(
            db_alias,
            "UPDATE audit_accessentry SET actor = 'someone_else', previous_hash = %s, entry_hash = %s "
            "WHERE sequence = %s",
            [forged["previous_hash"], previous, entry.sequence],
        )
    result = verify(db_alias)
    assert (result.ok, result.first_broken_sequence) == (False, 2) and "altered" in result.problem


def test_a_rewrite_with_the_key_is_caught_by_the_anchor(db_alias):
    entries = fill(db_alias, 3)
    anchors = {entries[-1].sequence: entries[-1].entry_hash}
    drop_guards(db_alias)
    previous = entries[0].entry_hash
    for entry in entries[1:]:
        forged = {**entry.hashed_fields(), "actor": "someone_else", "previous_hash": previous}
        previous = chain.entry_hash(forged, audit_key())
        raw(
            db_alias,
            "UPDATE audit_accessentry SET actor = 'someone_else', previous_hash = %s, entry_hash = %s "
            "WHERE sequence = %s",
            [forged["previous_hash"], previous, entry.sequence],
        )
    assert verify(db_alias).ok  # with the key, the chain alone is fooled
    result = verify(db_alias, anchors=anchors)
    assert not result.ok and "differs from its anchor" in result.problem


def test_the_key_is_required_in_production():
    base = {**os.environ, "JIGSAW_ENV": "production", "JIGSAW_SECRET_KEY": "s" * 40}
    base.pop("DJANGO_SETTINGS_MODULE", None)
    code = "import jigsaw.settings"
    for key in (None, "s" * 40, "short"):
        env = dict(base)
        env.pop("JIGSAW_AUDIT_KEY", None)
        if key is not None:
            env["JIGSAW_AUDIT_KEY"] = key
        done = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60, check=False
        )
        assert done.returncode != 0 and "JIGSAW_AUDIT_KEY" in done.stderr
    ok = subprocess.run(
        [sys.executable, "-c", code],
        env={**base, "JIGSAW_AUDIT_KEY": "k" * 40},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr


def test_anchor_file_is_appended_and_checked(tmp_path, jigsaw):
    env = cli_env(tmp_path)
    write_entries(env, "writer", 3)
    anchors = tmp_path / "anchors.txt"
    first = jigsaw("audit", "anchor", "--file", str(anchors), env=env)
    assert first.returncode == 0 and first.stdout.startswith("3:")
    write_entries(env, "writer", 2)
    assert jigsaw("audit", "anchor", "--file", str(anchors), env=env).returncode == 0
    assert len(anchors.read_text().splitlines()) == 2  # appended, the first kept
    assert jigsaw("audit", "verify", "--anchor", str(anchors), env=env).returncode == 0
    other = {**env, "JIGSAW_AUDIT_KEY": "a-different-key-of-enough-length-000"}
    done = jigsaw("audit", "verify", env=other)  # the wrong key: nothing verifies
    assert done.returncode == 1 and "entry 1 was altered" in done.stderr
    missing = jigsaw("audit", "verify", "--anchor", str(tmp_path / "none.txt"), env=env)
    assert missing.returncode == 1 and "no such anchor file" in missing.stderr
