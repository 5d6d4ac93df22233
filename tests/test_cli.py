"""The `jigsaw` command as a user meets it: exit codes, one-line errors, JSON, the demo."""

from __future__ import annotations

import csv
import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import EVENTS_HEADER, run_jigsaw, write_csv


@pytest.fixture
def env(tmp_path: Path) -> dict:
    return {"JIGSAW_DATA_DIR": str(tmp_path / "data"),
            "JIGSAW_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}"}


def test_usage_errors_exit_2(env):
    assert run_jigsaw("import", env=env).returncode == 2
    assert run_jigsaw("no-such-command", env=env).returncode == 2


def test_user_errors_exit_1_with_one_line_and_no_traceback(env, tmp_path):
    done = run_jigsaw("import", str(tmp_path / "missing"), env=env)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().count("\n") == 0 and "no such file or folder" in done.stderr


def test_unreachable_database_is_a_one_line_error(tmp_path, feed_dir):
    bad = {"JIGSAW_DATA_DIR": str(tmp_path / "d"),
           "JIGSAW_DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"}
    done = run_jigsaw("import", str(feed_dir), env=bad)
    assert done.returncode == 1 and "cannot reach the database" in done.stderr
    assert "Traceback" not in done.stderr


def test_python_m_jigsaw_help_lists_the_commands():
    done = run_jigsaw("--help")
    assert done.returncode == 0 and "Usage: jigsaw" in done.stdout
    assert "import" in done.stdout and "demo" in done.stdout and done.stderr == ""


def test_first_use_creates_and_migrates_the_file(env, tmp_path):
    """The embedded database needs no separate step: the first command creates its schema."""
    done = run_jigsaw("quarantine", "list", "--json", env=env)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [] and (tmp_path / "cli.sqlite3").is_file()
    assert (tmp_path / "data").is_dir()


def test_in_process_command_uses_its_own_database(env, tmp_path, jigsaw, feed_dir):
    """The in-process runner honours JIGSAW_DATABASE_URL: rows land in the file, not the test database."""
    import sqlite3

    from jigsaw.records.models import PersonRecord

    assert jigsaw("import", str(feed_dir), "--json", env=env).returncode == 0
    with sqlite3.connect(tmp_path / "cli.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM records_personrecord").fetchone() == (2,)
    other = {**env, "JIGSAW_DATABASE_URL": f"sqlite:///{tmp_path / 'other.sqlite3'}"}
    assert json.loads(jigsaw("quarantine", "list", "--json", env=other).stdout) == []
    # the test's own database is blocked again afterwards (asked from a thread of its own: a
    # browser test before this one on the same worker can leave an event loop in this thread)
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool, pytest.raises(RuntimeError, match="Database access not allowed"):
        pool.submit(PersonRecord.objects.count).result()


@pytest.mark.django_db
def test_in_process_command_leaves_the_test_database_alone(env, jigsaw, feed_dir, tmp_path):
    """Inside a test's transaction, the command's database is swapped in and the test's put back."""
    from jigsaw.records.importer import import_paths
    from jigsaw.records.models import PersonRecord
    from tests.conftest import PEOPLE_HEADER

    import_paths([feed_dir])
    other = write_csv(tmp_path / "la" / "people.csv", PEOPLE_HEADER,
                      [["la1", "L1", "Cal", "Brown", "2019-01-02", "", "", "M"]]).parent
    assert jigsaw("import", str(other), "--json", "--no-link", env=env).returncode == 0
    assert PersonRecord.objects.count() == 2  # the test's own rows, on the test's own connection
    again = json.loads(jigsaw("import", str(other), "--json", "--no-link", env=env).stdout)
    assert (again["unchanged"], again["accepted"]) == (1, 0)  # the command's rows, in its file


def test_import_json_then_quarantine_list_and_export(env, feed_dir, tmp_path, jigsaw):
    write_csv(feed_dir / "events.csv", EVENTS_HEADER, [
        ["gp1", "E1", "P1", "gp_appointment", "2021-01-01", "", "=SUM(A1:A9)"],
        ["gp1", "E2", "P1", "made_up_type", "2021-01-01", "", "=SUM(A1:A9)"],
        ["=cmd|' /C calc'!A0", "E3", "P1", "gp_appointment", "2021-01-01", "", ""],
    ])
    done = jigsaw("import", str(feed_dir), "--json", env=env)
    assert done.returncode == 0, done.stderr
    counts = json.loads(done.stdout)
    assert {k: counts[k] for k in ("read", "accepted", "quarantined", "unchanged")} == {
        "read": 5, "accepted": 3, "quarantined": 2, "unchanged": 0}
    listed = json.loads(jigsaw("quarantine", "list", "--json", env=env).stdout)
    assert [r["line"] for r in listed] == [3, 4] and "vocabulary" in listed[0]["reason"]
    out = tmp_path / "q.csv"
    assert jigsaw("quarantine", "export", "--out", str(out), env=env).returncode == 0
    with out.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 2 and "=SUM(A1:A9)" in rows[0]["raw"]  # the raw row, kept whole
    assert rows[1]["raw"].startswith("'=cmd")  # a formula at the start of a cell is defused
    cells = [cell for row in rows for cell in row.values()]
    assert not any(cell[:1] in ("=", "+", "-", "@") for cell in cells)  # no cell is a formula


def test_refused_file_exits_1_but_loads_the_others(env, feed_dir, tmp_path, jigsaw):
    (feed_dir / "events.csv").write_bytes(b"")
    done = jigsaw("import", str(feed_dir), env=env)
    assert done.returncode == 1
    assert "refused" in done.stderr and "is empty" in done.stderr
    assert "read 2, accepted 2" in done.stdout


def test_synth_writes_feeds_and_truth(env, tmp_path, jigsaw):
    out = tmp_path / "syn"
    done = jigsaw("synth", "--children", "50", "--seed", "3", "--out", str(out), env=env)
    assert done.returncode == 0, done.stderr
    assert (out / "truth" / "people.csv").is_file() and (out / "truth" / "patterns.csv").is_file()
    again = jigsaw("synth", "--children", "50", "--out", str(out), env=env)
    assert again.returncode == 1 and "not empty" in again.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Browser:
    """Just enough of a browser for the demo test: cookies (Secure ones too, as browsers keep
    them for http://127.0.0.1) and no automatic redirects."""

    def __init__(self, base: str) -> None:
        import urllib.error

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        self.base, self.cookies, self.errors = base, {}, urllib.error.HTTPError
        self.opener = urllib.request.build_opener(NoRedirect)

    def call(self, path: str, form: dict | None = None) -> tuple[int, dict, str]:
        from http.cookies import SimpleCookie
        from urllib.parse import urlencode

        data = urlencode(form).encode() if form is not None else None
        request = urllib.request.Request(self.base + path, data=data)  # noqa: S310 - http://127.0.0.1 only
        if self.cookies:
            request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        try:
            response = self.opener.open(request, timeout=5)
        except self.errors as exc:  # 3xx (not followed) and 4xx arrive here
            response = exc
        for header in response.headers.get_all("Set-Cookie") or []:
            self.cookies.update({k: m.value for k, m in SimpleCookie(header).items()})
        return response.status, response.headers, response.read().decode()

    def csrf_post(self, path: str, form: dict) -> tuple[int, dict, str]:
        import re

        _, _, page = self.call(path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        return self.call(path, {**form, "csrfmiddlewaretoken": token})


@pytest.mark.slow
def test_demo_prepares_and_serves_the_home_page(env):
    """Within 60 s the demo serves; its printed demo user signs in with password and code."""
    port = _free_port()
    cmd = [sys.executable, "-m", "jigsaw", "demo", "--children", "300", "--port", str(port)]
    import os

    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env={**os.environ, **env}, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    browser = _Browser(f"http://127.0.0.1:{port}")
    try:
        first = None
        while time.perf_counter() - started < 60 and proc.poll() is None:
            try:
                first = browser.call("/")
                break
            except OSError:
                time.sleep(0.5)
        assert first is not None, proc.stderr.read() if proc.poll() is not None else "not serving"
        assert first[0] == 302 and first[1]["Location"].startswith("/sign-in/")
        status, headers, _ = browser.csrf_post("/sign-in/", {"username": "demo-practitioner",
                                                             "password": "jigsaw-demo-only"})
        assert status == 302 and headers["Location"].startswith("/sign-in/code/")
        code = run_jigsaw("otp-code", "demo-practitioner", env=env)
        assert code.returncode == 0, code.stderr
        status, headers, _ = browser.csrf_post("/sign-in/code/", {"code": code.stdout.strip()})
        assert status == 302, "the demo user's code was refused"
        status, _, page = browser.call("/")
        assert status == 200 and "My work" in page and "Children I work with" in page
        assert browser.call("/static/govuk/govuk-frontend.min.css")[0] == 200
        # more requests than workers: every worker answers (none forked in a state that crashes it)
        assert {browser.call("/")[0] for _ in range(12)} == {200}
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=10)
    assert "demo-practitioner" in out and "jigsaw otp-code" in out and "/sign-in/" in out
    assert "SIGSEGV" not in err and "Worker (pid" not in err, err[-2000:]
    # the council's returns for the demo's own children, ready to import as the docs say
    returns = Path(env["JIGSAW_DATA_DIR"]) / "demo-returns-300-1"
    assert f"jigsaw import {returns} --source csc" in out
    loaded = run_jigsaw("import", str(returns), "--source", "csc", "--json", "--no-link", env=env)
    assert loaded.returncode == 0, loaded.stderr
    counts = json.loads(loaded.stdout)
    assert counts["accepted"] > 0 and counts["quarantined"] == 0 and len(counts["files"]) == 7


def test_an_agency_contact_from_source_json_is_said_and_in_the_access_log(env, tmp_path, jigsaw,
                                                                          monkeypatch):
    import sqlite3

    feed = tmp_path / "gp"
    feed.mkdir()
    (feed / "source.json").write_text(json.dumps(
        {"source_system": "gp", "name": "GP", "agency": "Riverside Surgery", "agency_type": "health",
         "safeguarding_phone": "01632 960001", "safeguarding_email": "duty@riverside.example"}))
    write_csv(feed / "people.csv", ["source_system", "source_id", "given_name", "family_name",
                                    "birth_date"], [["gp", "G1", "Amy", "Smith", "2020-03-04"]])
    monkeypatch.chdir(tmp_path)
    first = jigsaw("import", "gp", "--no-link", env=env)  # a relative path, as typed
    assert first.returncode == 0, first.stderr
    assert "Recorded Riverside Surgery's safeguarding contact from its source.json" in first.stdout
    again = jigsaw("import", str(feed), "--no-link", env=env)
    assert "safeguarding contact" not in again.stdout  # the agency exists now: never edited by a feed
    db = env["JIGSAW_DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT action, detail FROM audit_accessentry WHERE detail LIKE "
                            "'%agency_contact_from_feed%'").fetchall()
    assert len(rows) == 1 and rows[0][0] == "admin"
    detail = json.loads(rows[0][1])
    assert detail["agency"] == "Riverside Surgery"
    assert detail["fields"] == ["safeguarding_phone", "safeguarding_email"]
    assert detail["file"] == str((feed / "source.json").resolve())  # found again from anywhere
    assert "01632" not in rows[0][1]  # which fields, not their values, as for an administrator's edit
    assert jigsaw("audit", "verify", env=env).returncode == 0


@pytest.mark.parametrize(("text", "said"), [
    ('["gp", "Riverside Surgery"]', "is not a JSON object in UTF-8"),
    ('{"source_system": "other", "agency": "Riverside Surgery"}', "names source_system 'other', not 'gp'"),
])
def test_a_source_json_that_names_nothing_is_said_once(env, tmp_path, jigsaw, text, said):
    feed = tmp_path / "gp"
    feed.mkdir()
    (feed / "source.json").write_text(text)
    write_csv(feed / "people.csv", ["source_system", "source_id", "given_name", "family_name",
                                    "birth_date"], [["gp", "G1", "Amy", "Smith", "2020-03-04"]])
    write_csv(feed / "events.csv", EVENTS_HEADER,
              [["gp", "E1", "G1", "gp_appointment", "2024-01-02", "", ""]])
    ran = jigsaw("import", str(feed), "--no-link", env=env)
    assert ran.returncode == 0, ran.stderr
    assert ran.stderr.count(said) == 1 and "correct it and import again" in ran.stderr
    assert "read 2, accepted 2" in ran.stdout


def test_an_argument_that_is_not_utf8_is_one_line_exit_2(env):
    """A terminal in another encoding passes bytes Python cannot read as UTF-8: no traceback."""
    import os

    full_env = {**os.environ, **env}
    full_env.pop("DJANGO_SETTINGS_MODULE", None)
    command = [sys.executable, "-m", "jigsaw", "significance", "gp:E1", "high", "--reason", b"bad \xff"]
    done = subprocess.run(command, capture_output=True, text=True, env=full_env, timeout=120, check=False)
    assert done.returncode == 2 and "argument 5 is not valid UTF-8" in done.stderr
    assert "Traceback" not in done.stderr and done.stderr.count("\n") == 1
