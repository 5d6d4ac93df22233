"""`jigsaw chronology` as a user meets it: output, filters, files, exit codes (file SQLite database)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest


def create_account(jigsaw, env: dict, username: str, role: str) -> object:
    """A vetted, trained account made by `jigsaw createuser` (the ``jigsaw`` fixture, in this process)."""
    import datetime as dt

    recent = (dt.date.today() - dt.timedelta(days=30)).isoformat()
    return jigsaw("createuser", username, "--role", role, "--vetted-on", recent, "--trained-on", recent,
                  "--password-stdin", env=env, input="a-long-enough-password\n")


@pytest.fixture(scope="module")
def linked(tmp_path_factory, request, jigsaw) -> tuple[dict, int]:
    """The test feeds imported and linked by the real commands; (env, Amy's person id)."""
    from .conftest import write_feeds

    tmp = tmp_path_factory.mktemp("chronology_cli")
    env = {"JIGSAW_DATA_DIR": str(tmp / "data"), "JIGSAW_DATABASE_URL": f"sqlite:///{tmp / 'cli.sqlite3'}"}
    feeds = write_feeds(tmp / "feeds")
    done = jigsaw("import", str(feeds), env=env)
    assert done.returncode == 0, done.stderr
    assert jigsaw("link", env=env).returncode == 0
    assert create_account(jigsaw, env, "reader", "social_worker").returncode == 0
    env["JIGSAW_USER"] = "reader"  # the Jigsaw account the command acts as
    assert jigsaw("export", "links", "--out", str(tmp / "links.csv"), env=env).returncode == 0
    with (tmp / "links.csv").open(encoding="utf-8", newline="") as f:
        amy = next(int(r["person_id"]) for r in csv.DictReader(f)
                   if (r["source_system"], r["source_id"]) == ("csc", "C1"))
    return env, amy


def test_json_to_stdout(linked, jigsaw):
    env, amy = linked
    done = jigsaw("chronology", str(amy), "--reason", "s47", "--format", "json", env=env)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["person_id"] == amy and data["events_shown"] == 7


def test_household_anonymised_html_to_a_file(linked, tmp_path, jigsaw):
    env, amy = linked
    out = tmp_path / "chronology.html"
    done = jigsaw("chronology", str(amy), "--reason", "s47", "--household", "--anonymise", "--format",
                      "html", "--out", str(out), env=env)
    assert done.returncode == 0, done.stderr
    html = out.read_text(encoding="utf-8")
    assert "Child A" in html and "Partner of mother" in html
    assert "Smith" not in html and "Brown" not in html


def test_filters_on_the_command_line(linked, jigsaw):
    env, amy = linked
    done = jigsaw("chronology", str(amy), "--reason", "s47", "--format", "csv", "--agency", "police",
                      "--agency", "csc",
                      "--significance", "high", "--from", "2024-02-01", "--to", "2024-03-31",
                      "--kind", "fact", env=env)
    assert done.returncode == 0, done.stderr
    keys = [r["event_key"] for r in csv.DictReader(done.stdout.splitlines())]
    assert keys == ["csc:E4", "police:P-1", "csc:E1"]


@pytest.mark.parametrize(("args", "message"), [
    (["999999", "--format", "json"], "no person with id 999999"),
    (["{amy}", "--format", "json", "--from", "2024-13-01"], "--from"),
    (["{amy}", "--format", "json", "--type", "made_up"], "unknown event type"),
    (["{amy}", "--format", "json", "--from", "2024-05-01", "--to", "2024-01-01"], "after --to"),
    (["{amy}", "--format", "json", "--out", "/no/such/folder/x.json"], "does not exist"),
])
def test_user_errors_exit_1_with_one_line(linked, args, message, jigsaw):
    env, amy = linked
    done = jigsaw("chronology", "--reason", "s47", *[a.format(amy=amy) for a in args], env=env)
    assert done.returncode == 1
    assert message in done.stderr and "Traceback" not in done.stderr
    assert done.stderr.strip().count("\n") == 0


def test_usage_errors_exit_2(linked, jigsaw):
    env, amy = linked
    assert jigsaw("chronology", str(amy), env=env).returncode == 2  # --format is required
    assert jigsaw("chronology", str(amy), "--format", "pdf", env=env).returncode == 2
    assert jigsaw("chronology", "amy", "--format", "json", env=env).returncode == 2


def test_out_file_message_goes_to_stderr(linked, tmp_path: Path, jigsaw):
    env, amy = linked
    out = tmp_path / "c.csv"
    done = jigsaw("chronology", str(amy), "--reason", "s47", "--format", "csv", "--out", str(out),
                      env=env)
    assert done.returncode == 0 and done.stdout == "" and "Wrote 7 entries" in done.stderr
    assert out.read_text(encoding="utf-8").startswith("date,date_text,")


def test_a_read_acts_as_a_named_account_with_its_own_reason(linked, jigsaw):
    """Finding 12: no read of a child without an account and a reason; both are logged."""
    env, amy = linked
    anonymous = {k: v for k, v in env.items() if k != "JIGSAW_USER"}
    done = jigsaw("chronology", str(amy), "--reason", "s47", "--format", "json", env=anonymous)
    assert done.returncode == 1 and "--as USER" in done.stderr
    done = jigsaw("chronology", str(amy), "--format", "json", env=env)
    assert done.returncode == 1 and "lawful reason" in done.stderr
    done = jigsaw("chronology", str(amy), "--format", "json", "--as", "nobody", "--reason", "s17",
                      env=env)
    assert done.returncode == 1 and "no active Jigsaw account" in done.stderr
    assert jigsaw("chronology", str(amy), "--reason", "s17", "--format", "json", env=env).returncode == 0
    assert create_account(jigsaw, env, "auditor", "auditor").returncode == 0
    done = jigsaw("audit", "who-viewed", str(amy), "--json", "--as", "auditor", env=env)
    rows = [r for r in json.loads(done.stdout) if r["action"] == "view_chronology"]
    assert rows and rows[-1]["actor"] == "reader" and rows[-1]["role"] == "social_worker"
    assert rows[-1]["reason_code"] == "s17"


def test_significance_is_rated_as_a_checked_account_and_logged(linked, tmp_path, jigsaw):
    """A rating changes a child's chronology: it names its account, as a read does, and is refused
    for a protected child."""
    import shutil

    env, amy = linked
    db = tmp_path / "copy.sqlite3"
    shutil.copy(env["JIGSAW_DATABASE_URL"].removeprefix("sqlite:///"), db)  # the module's stays unrated
    env = {**env, "JIGSAW_DATABASE_URL": f"sqlite:///{db}"}
    anonymous = {k: v for k, v in env.items() if k != "JIGSAW_USER"}
    nobody = jigsaw("significance", "csc:E3", "high", "--reason", "hindsight", env=anonymous)
    assert nobody.returncode == 1 and "--as USER" in nobody.stderr
    done = jigsaw("significance", "csc:E3", "high", "--reason", "seen again at strategy", env=env)
    assert done.returncode == 0, done.stderr
    assert "rated high by reader" in done.stdout
    entries = json.loads(jigsaw("chronology", str(amy), "--reason", "s47", "--format", "json",
                                env=env).stdout)["entries"]
    rated = next(e for e in entries if e["event_key"] == "csc:E3")
    assert (rated["significance"], rated["significance_source"]) == ("high", "set by reader")

    leo = next(e for e in json.loads(jigsaw("chronology", str(amy), "--reason", "s47", "--household",
                                            "--format", "json", env=env).stdout)["subjects"]
               if e["name"] == "Leo Smith")["person_id"]
    assert jigsaw("shield", str(leo), "--contact", "Northvale MASH 01632 960999", "--reason", "refuge",
                  env=env).returncode == 0
    refused = jigsaw("significance", "school:S-1", "low", "--reason", "minor", env=env)
    assert refused.returncode == 1 and "protected" in refused.stderr and "01632 960999" in refused.stderr

    made = create_account(jigsaw, env, "auditor", "auditor")  # made already if another test ran first
    assert made.returncode == 0 or "already exists" in made.stderr
    log = json.loads(jigsaw("audit", "user", "reader", "--json", "--as", "auditor", env=env).stdout)
    rating = [e for e in log if e["action"] == "record_practice"]
    assert [(e["person_id"], e["detail"]) for e in rating] == [
        (amy, {"what": "significance", "event": "csc:E3", "level": "high"})]
    assert rating[0]["reason_text"] == "seen again at strategy"
    assert [(e["person_id"], e["detail"]["view"]) for e in log if e["action"] == "refused"] == [
        (leo, "cli:significance")]


def test_a_scoped_practitioner_reads_and_rates_only_their_agencys_children(linked, tmp_path, jigsaw):
    """As on the child's page (a 403 there): a practitioner's agency must hold or involve the child."""
    import datetime as dt
    import shutil

    env, amy = linked
    db = tmp_path / "copy.sqlite3"
    shutil.copy(env["JIGSAW_DATABASE_URL"].removeprefix("sqlite:///"), db)
    env = {**env, "JIGSAW_DATABASE_URL": f"sqlite:///{db}", "JIGSAW_USER": "teacher"}
    recent = (dt.date.today() - dt.timedelta(days=30)).isoformat()
    made = jigsaw("createuser", "teacher", "--role", "practitioner", "--agency", "Northvale Primary School",
                  "--vetted-on", recent, "--trained-on", recent, "--password-stdin", env=env,
                  input="a-long-enough-password\n")
    assert made.returncode == 0, made.stderr
    read = jigsaw("chronology", str(amy), "--reason", "s47", "--format", "json", env=env)
    assert read.returncode == 1 and "your agency holds no record of this child" in read.stderr
    assert read.stdout == ""
    rated = jigsaw("significance", "csc:E3", "low", "--reason", "not ours", env=env)
    assert rated.returncode == 1 and "your agency holds no record of this child" in rated.stderr
    household = json.loads(jigsaw("chronology", str(amy), "--reason", "s47", "--household", "--format",
                                  "json", env={**env, "JIGSAW_USER": "reader"}).stdout)
    leo = next(s["person_id"] for s in household["subjects"] if s["name"] == "Leo Smith")
    own = json.loads(jigsaw("chronology", str(leo), "--reason", "s47", "--household", "--format", "json",
                            env=env).stdout)
    assert {e["agency"] for e in own["entries"]} == {"Northvale Primary School"}  # its own events only
    assert amy not in {s["person_id"] for s in own["subjects"]}  # the sister the school does not know
