"""`jigsaw retention` and `jigsaw subject-access` as a data manager meets them (file SQLite database)."""

from __future__ import annotations

import csv
import json

import pytest

from tests.chronology.test_cli import create_account

from .support import ZED_NHS, write_feeds


@pytest.fixture(scope="module")
def setup(tmp_path_factory, jigsaw) -> dict:
    tmp = tmp_path_factory.mktemp("retention_cli")
    env = {"JIGSAW_DATA_DIR": str(tmp / "data"), "JIGSAW_DATABASE_URL": f"sqlite:///{tmp / 'cli.sqlite3'}"}
    assert jigsaw("import", str(write_feeds(tmp / "feeds")), env=env).returncode == 0
    assert jigsaw("link", env=env).returncode == 0
    assert create_account(jigsaw, env, "dm", "administrator").returncode == 0
    assert create_account(jigsaw, env, "worker", "social_worker").returncode == 0
    assert (
        jigsaw(
            "export", "links", "--out", str(tmp / "links.csv"), env={**env, "JIGSAW_USER": "dm"}
        ).returncode
        == 0
    )
    with (tmp / "links.csv").open(encoding="utf-8", newline="") as f:
        ids = {(r["source_system"], r["source_id"]): int(r["person_id"]) for r in csv.DictReader(f)}
    zeds = sorted({ids["csc", "ZQX-4471"], ids["gp", "G-Z"], ids["police", "P-Z"]})
    return {"env": {**env, "JIGSAW_USER": "dm"}, "zeds": zeds, "yol": ids["csc", "Y1"], "tmp": tmp}


def test_only_an_administrator_may_plan_or_purge(setup, jigsaw):
    done = jigsaw("retention", "plan", env={**setup["env"], "JIGSAW_USER": "worker"})
    assert done.returncode == 1 and "may not use admin" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_the_plan_names_ids_rules_and_dates_only(setup, jigsaw):
    done = jigsaw("retention", "plan", "--json", env=setup["env"])
    assert done.returncode == 0, done.stderr
    plan = json.loads(done.stdout)
    due = {p["person_id"]: p for p in plan["people_due"]}
    assert set(setup["zeds"]) <= set(due) and setup["yol"] not in due
    assert {"rule", "due_on", "counts", "held"} <= set(due[setup["zeds"][0]])
    assert "Zebedee" not in done.stdout and ZED_NHS not in done.stdout
    text = jigsaw("retention", "plan", env=setup["env"])
    assert f"person {setup['zeds'][0]}:" in text.stdout and "to delete" in text.stdout


def test_bad_input_is_one_line_and_changes_nothing(setup, jigsaw, tmp_path):
    env = setup["env"]
    bad = tmp_path / "r.json"
    bad.write_text('{"health": {"terms": [["death", 8]]}}', encoding="utf-8")
    for args, extra, message in (
        (("retention", "plan"), {"JIGSAW_RETENTION_FILE": str(bad)}, "retention settings for health"),
        (
            ("retention", "purge", "--yes"),
            {"JIGSAW_RETENTION_FILE": str(bad)},
            "retention settings for health",
        ),
        (("retention", "purge", "--person", "999999", "--yes"), {}, "there is no person 999999"),
        (("retention", "hold", "999999", "--reason", "x"), {}, "there is no person 999999"),
        (("retention", "hold", str(setup["yol"])), {}, "give the reason"),
        (("retention", "release", str(setup["yol"]), "--reason", "x"), {}, "no open litigation hold"),
        (("subject-access", "999999", "--out", str(tmp_path / "sar")), {}, "there is no person 999999"),
    ):
        done = jigsaw(*args, env={**env, **extra})
        assert done.returncode == 1 and message in done.stderr, (args, done.stderr)
        assert len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "sar").exists()


def test_subject_access_exports_everything_marked_for_redaction(setup, jigsaw, tmp_path):
    out = tmp_path / "sar"
    done = jigsaw("subject-access", str(setup["yol"]), "--out", str(out), env=setup["env"])
    assert done.returncode == 0, done.stderr
    data = json.loads((out / "subject_access.json").read_text(encoding="utf-8"))
    sections = data["sections"]
    assert sections["records"][0]["given_name"] == "Yolanda"
    rel = sections["relationships"][0]
    assert rel["other_person"] == "Zebedee Quantock" and "other_person" in rel["_redact"]
    assert any(e["event_id"] == "CE2" for e in sections["events"])
    assert sections["access_log"], "the export itself is logged before it is written"
    page = (out / "subject_access.html").read_text(encoding="utf-8")
    assert "Zebedee Quantock" in page and "check: another person" in page
    with (out / "relationships.csv").open(encoding="utf-8", newline="") as f:
        assert "other_person" in next(csv.DictReader(f))["to_check"]
    again = jigsaw("subject-access", str(setup["yol"]), "--out", str(out), env=setup["env"])
    assert again.returncode == 1 and "not empty" in again.stderr


def test_hold_blocks_then_release_and_purge_with_a_verified_log(setup, jigsaw):
    env, z = setup["env"], setup["zeds"][0]
    assert jigsaw("retention", "hold", str(z), "--reason", "claim notified", env=env).returncode == 0
    done = jigsaw("retention", "purge", "--person", str(z), "--yes", env=env)
    assert done.returncode == 1 and f"person {z} is under a legal hold (litigation hold" in done.stderr
    assert jigsaw("retention", "release", str(z), "--reason", "claim settled", env=env).returncode == 0
    refused = jigsaw("retention", "purge", "--person", str(z), env=env, input="n\n")
    assert refused.returncode == 1 and "nothing deleted" in refused.stderr
    done = jigsaw("retention", "purge", "--yes", "--json", env=env)
    assert done.returncode == 0, done.stderr
    cert = json.loads(done.stdout)
    assert cert["people"] == len(setup["zeds"]) and cert["rows"]["records_personrecord"] == 3
    assert jigsaw("audit", "verify", env=env).returncode == 0
    gone = jigsaw("subject-access", str(z), "--out", str(setup["tmp"] / "gone"), env=env)
    assert gone.returncode == 1 and f"there is no person {z}" in gone.stderr
