"""`jigsaw redact --review ID`: the known people come from the case review's evidence pack."""

from __future__ import annotations

import csv
import json

import pytest

from tests.chronology.test_cli import create_account

pytest.importorskip("jigsaw.reviews")
pytestmark = pytest.mark.slow  # imports, links and opens a review through the real commands


def test_redact_with_the_known_people_of_a_review(tmp_path, jigsaw):
    from tests.chronology.conftest import write_feeds

    env = {"JIGSAW_DATA_DIR": str(tmp_path / "data"),
           "JIGSAW_DATABASE_URL": f"sqlite:///{tmp_path / 'r.sqlite3'}"}
    assert jigsaw("import", str(write_feeds(tmp_path / "feeds")), env=env).returncode == 0
    assert jigsaw("link", env=env).returncode == 0
    assert create_account(jigsaw, env, "reviewer", "social_worker").returncode == 0
    env["JIGSAW_USER"] = "reviewer"  # the vetted account the review commands act as
    assert jigsaw("export", "links", "--out", str(tmp_path / "links.csv"), env=env).returncode == 0
    with (tmp_path / "links.csv").open(encoding="utf-8", newline="") as f:
        amy = next(r["person_id"] for r in csv.DictReader(f)
                   if (r["source_system"], r["source_id"]) == ("csc", "C1"))
    opened = jigsaw("reviews", "open", amy, "--aware-on", "2025-12-22", "--harm", "death", "--json",
                        env=env)
    review = str(json.loads(opened.stdout)["review_id"])
    assert jigsaw("reviews", "notify", review, "--on", "2025-12-31", env=env).returncode == 0
    stepped = jigsaw("reviews", "step", review, "rapid-review", "--on", "2026-01-20", env=env)
    assert stepped.returncode == 0, stepped.stderr
    known = tmp_path / "known.csv"
    assert jigsaw("reviews", "known", review, "--out", str(known), env=env).returncode == 0
    child = next(r["text"] for r in csv.DictReader(known.open(encoding="utf-8")) if r["role"] == "child")

    source, out = tmp_path / "report.txt", tmp_path / "out.txt"
    source.write_text(f"{child} was seen at home.\n", encoding="utf-8")
    done = jigsaw("redact", str(source), "--review", review, "--out", str(out), "--no-model",
                      env=env)
    assert done.returncode == 0, done.stderr
    assert out.read_text(encoding="utf-8") == "Child A was seen at home.\n"

    missing = jigsaw("redact", str(source), "--review", "99999", "--out", str(tmp_path / "x.txt"),
                         env=env)
    assert missing.returncode == 1 and "no case review 99999" in missing.stderr
    assert not (tmp_path / "x.txt").exists()
