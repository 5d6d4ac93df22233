"""``jigsaw audit`` as an operator meets it: exit codes, the first broken entry, queries, export."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import pytest

from tests.audit.conftest import cli_env, write_entries


@pytest.fixture(scope="module")
def logged(tmp_path_factory, jigsaw) -> tuple[Path, dict]:
    """A file database with 6 entries: alice viewed person 7 four times, bob person 8 twice."""
    root = tmp_path_factory.mktemp("auditcli")
    env = cli_env(root)
    assert jigsaw("audit", "verify", env=env).returncode == 0  # the schema, before the writers start
    write_entries(env, "alice", 4, person=7, text="=cmd|' /C calc'!A0")
    write_entries(env, "bob", 2, person=8)
    made = jigsaw("createuser", "auditor", "--role", "auditor", "--password-stdin",
                  input="a-long-enough-passphrase-1\n", env=env)
    assert made.returncode == 0, made.stderr
    return root, env


def _copy(logged, tmp_path: Path) -> tuple[Path, dict]:
    """A private copy of the database to tamper with (the fixture stays intact)."""
    root, _env = logged
    db = tmp_path / "audit.sqlite3"
    with sqlite3.connect(root / "audit.sqlite3") as src, sqlite3.connect(db) as dst:
        src.backup(dst)
    return db, {**cli_env(tmp_path), "JIGSAW_USER": "auditor"}


def _tamper(db: Path, *statements: str) -> None:
    """Drop the append-only triggers (showing they refuse first), then change the file directly."""
    with sqlite3.connect(db) as conn:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute(statements[0])
        conn.execute("DROP TRIGGER audit_accessentry_no_update")
        conn.execute("DROP TRIGGER audit_accessentry_no_delete")
        for sql in statements:
            conn.execute(sql)


def _one_line_error(done) -> str:
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and done.stderr.strip().count("\n") == 0
    return done.stderr


def test_verify_intact_log(tmp_path, logged, jigsaw):
    _db, env = _copy(logged, tmp_path)
    done = jigsaw("audit", "verify", env=env)
    assert done.returncode == 0, done.stderr
    assert "6 entries verify" in done.stdout
    result = json.loads(jigsaw("audit", "verify", "--json", env=env).stdout)
    assert result["ok"] and result["checked"] == 6 and result["head_sequence"] == 6
    anchor = f"6:{result['head_hash']}"
    assert jigsaw("audit", "verify", "--anchor", anchor, env=env).returncode == 0


def test_verify_names_an_edited_entry(tmp_path, logged, jigsaw):
    db, env = _copy(logged, tmp_path)
    _tamper(db, "UPDATE audit_accessentry SET actor = 'carol' WHERE sequence = 3")
    err = _one_line_error(jigsaw("audit", "verify", env=env))
    assert "broken at entry 3" in err and "altered" in err and "2 entries before it verify" in err


def test_verify_names_a_deleted_entry(tmp_path, logged, jigsaw):
    db, env = _copy(logged, tmp_path)
    _tamper(db, "DELETE FROM audit_accessentry WHERE sequence = 4")
    err = _one_line_error(jigsaw("audit", "verify", env=env))
    assert "broken at entry 4" in err and "missing (deleted)" in err
    result = json.loads(jigsaw("audit", "verify", "--json", env=env).stdout)
    assert (result["ok"], result["first_broken_sequence"]) == (False, 4)


def test_verify_with_an_anchor_sees_the_newest_entries_removed(tmp_path, logged, jigsaw):
    db, env = _copy(logged, tmp_path)
    head = json.loads(jigsaw("audit", "verify", "--json", env=env).stdout)["head_hash"]
    _tamper(db, "DELETE FROM audit_accessentry WHERE sequence = 6")
    assert jigsaw("audit", "verify", env=env).returncode == 0
    err = _one_line_error(jigsaw("audit", "verify", "--anchor", f"6:{head}", env=env))
    assert "entry 6 is missing" in err
    assert "SEQUENCE:HASH" in _one_line_error(jigsaw("audit", "verify", "--anchor", "6:xyz", env=env))


def test_who_viewed_and_user_record_the_auditor_too(tmp_path, logged, jigsaw):
    _db, env = _copy(logged, tmp_path)
    done = jigsaw("audit", "who-viewed", "7", "--json", "--as", "auditor", env=env)
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert [(r["actor"], r["person_id"], r["reason_code"]) for r in rows] == [("alice", 7, "s47")] * 4
    assert rows[0]["remote_addr"] == "192.0.2.7"
    text = jigsaw("audit", "who-viewed", "8", "--as", "auditor", env=env).stdout
    assert text.count("bob (practitioner, gp)  view_child  person 8  reason: s47") == 2
    mine = json.loads(jigsaw("audit", "user", "auditor", "--json", env=env).stdout)
    assert [(r["action"], r["person_id"], r["detail"]) for r in mine] == [
        ("admin", 7, {"query": "who_viewed"}), ("admin", 8, {"query": "who_viewed"})]
    assert jigsaw("audit", "user", "auditor", env=env).stdout.count("query: who_viewed") == 2
    window = jigsaw("audit", "user", "bob", "--since", "2000-01-01", "--until", "2000-12-31", env=env)
    assert window.returncode == 0 and "No entries for bob" in window.stdout
    assert "--since is after --until" in _one_line_error(
        jigsaw("audit", "user", "bob", "--since", "2001-01-02", "--until", "2001-01-01", env=env))
    assert "--since" in _one_line_error(jigsaw("audit", "user", "bob", "--since", "yesterday", env=env))
    assert jigsaw("audit", "verify", env=env).returncode == 0


def test_text_listing_escapes_control_characters(tmp_path, logged, jigsaw):
    """A reason is typed by a user: a terminal must not act on an escape sequence in it."""
    _db, env = _copy(logged, tmp_path)
    write_entries(env, "carol", 1, person=9, text="\x1b]0;renamed\x07")
    shown = jigsaw("audit", "who-viewed", "9", env=env).stdout
    assert "\x1b" not in shown and "\x07" not in shown
    assert "reason: s47 \\x1b]0;renamed\\x07" in shown


def test_export(tmp_path, logged, jigsaw):
    _db, env = _copy(logged, tmp_path)
    out = tmp_path / "out.csv"
    done = jigsaw("audit", "export", "--out", str(out), "--person", "7", "--as", "auditor", env=env)
    assert done.returncode == 0, done.stderr
    with out.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["sequence"] for r in rows] == ["1", "2", "3", "4"]
    assert rows[0]["reason_text"] == "'=cmd|' /C calc'!A0"  # neutralised for spreadsheets
    assert jigsaw("audit", "export", "--out", str(out), "--user", "bob", "--as", "auditor",
                  env=env).returncode == 0
    with out.open(encoding="utf-8", newline="") as f:
        assert [r["actor"] for r in csv.DictReader(f)] == ["bob", "bob"]
    exports = json.loads(jigsaw("audit", "user", "auditor", "--json", env=env).stdout)
    assert exports[0]["action"] == "export" and exports[0]["person_id"] == 7
    assert "does not exist" in _one_line_error(
        jigsaw("audit", "export", "--out", str(tmp_path / "no" / "x.csv"), "--as", "auditor", env=env))


def test_usage_errors_exit_2(tmp_path, jigsaw):
    env = cli_env(tmp_path)
    assert jigsaw("audit", "who-viewed", "not-a-number", env=env).returncode == 2
    assert jigsaw("audit", "export", env=env).returncode == 2


def test_only_an_auditor_account_reads_the_log(tmp_path, logged, jigsaw):
    """Who looked at a child is itself sensitive: the queries act as a named auditor account."""
    _db, env = _copy(logged, tmp_path)
    anonymous = {k: v for k, v in env.items() if k != "JIGSAW_USER"}
    assert "name the Jigsaw account" in _one_line_error(jigsaw("audit", "who-viewed", "7", env=anonymous))
    assert "no active Jigsaw account 'alice'" in _one_line_error(
        jigsaw("audit", "who-viewed", "7", "--as", "alice", env=env))
    made = jigsaw("createuser", "worker", "--role", "social_worker", "--password-stdin",
                  input="a-long-enough-passphrase-1\n", env=env)
    assert made.returncode == 0, made.stderr
    assert "(social_worker) may not use audit" in _one_line_error(
        jigsaw("audit", "export", "--out", str(tmp_path / "x.csv"), "--as", "worker", env=env))
    assert not (tmp_path / "x.csv").exists()
