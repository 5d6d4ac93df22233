"""`jigsaw link`, `jigsaw export links` and `jigsaw review links` as a user runs them."""

from __future__ import annotations

import csv
import datetime as dt
import json

import pytest

pytestmark = pytest.mark.slow


@pytest.fixture
def env(tmp_path):
    return {"JIGSAW_DATA_DIR": str(tmp_path / "data"), "JIGSAW_DATABASE_URL": ""}


def test_link_before_any_import_is_a_one_line_error(env, jigsaw):
    done = jigsaw("link", env=env)
    assert done.returncode == 1
    assert "jigsaw import" in done.stderr and "Traceback" not in done.stderr


def test_import_links_then_link_export_and_review(env, partnership, tmp_path, jigsaw):
    imported = jigsaw("import", str(partnership), env=env)
    assert imported.returncode == 0, imported.stderr
    assert "people" in imported.stdout  # the import matched its records to people
    linked = jigsaw("link", "--json", env=env)
    assert linked.returncode == 0, linked.stderr
    counts = json.loads(linked.stdout)
    assert counts["records"] > counts["people"] > 0 and "predict" in counts["timings"]
    out = tmp_path / "links.csv"
    exported = jigsaw("export", "links", "--out", str(out), env=env)
    assert exported.returncode == 0
    with out.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == counts["records"]
    anonymous = jigsaw("review", "links", "--json", env=env)
    assert anonymous.returncode == 1 and "name the Jigsaw account" in anonymous.stderr
    checked = (dt.date.today() - dt.timedelta(days=30)).isoformat()
    made = jigsaw("createuser", "tester", "--role", "social_worker", "--vetted-on", checked,
                  "--trained-on", checked, "--password-stdin", input="a-long-enough-passphrase-1\n", env=env)
    assert made.returncode == 0, made.stderr
    env = {**env, "JIGSAW_USER": "tester"}
    listed = jigsaw("review", "links", "--json", env=env)
    assert listed.returncode == 0, listed.stderr
    items = json.loads(listed.stdout)
    assert isinstance(items, list)
    refused = jigsaw("review", "links", "--item", "999999", "--decision", "same", "--reason", "x",
                         env=env)
    assert refused.returncode == 1 and "no open review item" in refused.stderr
    half = jigsaw("review", "links", "--decision", "same", env=env)
    assert half.returncode == 1 and "--item" in half.stderr
    if items:
        item = items[0]
        decided = jigsaw("review", "links", "--item", str(item["item"]), "--decision", "different",
                             "--reason", "different birth registrations", env=env)
        assert decided.returncode == 0 and "not the same person" in decided.stdout


def test_export_to_a_missing_folder_is_a_clear_error(env, tmp_path, jigsaw):
    done = jigsaw("export", "links", "--out", str(tmp_path / "nope" / "links.csv"), env=env)
    assert done.returncode == 1 and "does not exist" in done.stderr


def _foreign_feed(folder, n: int = 150):
    """A feed as another system writes it: names, birth date and one address string only."""
    (folder / "other").mkdir(parents=True)
    with (folder / "other" / "people.csv").open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["source_system", "source_id", "given_name", "family_name", "birth_date", "address"])
        for i in range(n):
            born = f"19{50 + i % 40}-0{1 + i % 9}-1{i % 9}"
            out.writerow(["other", f"rec-{i}-org", f"name{i % 37}", f"family{i % 41}", born,
                          f"{i} stanley street, miami, {4000 + i} nsw"])
            if i % 5 == 0:  # a copy with a typo in the family name
                out.writerow(["other", f"rec-{i}-dup-0", f"name{i % 37}", f"famly{i % 41}", born,
                              f"{i} stanley st, miami, {4000 + i} nsw"])


def test_a_foreign_feed_imports_and_links_without_a_traceback_and_reports_the_model(env, tmp_path, jigsaw):
    _foreign_feed(tmp_path / "feed")
    imported = jigsaw("import", str(tmp_path / "feed"), env=env)
    assert imported.returncode == 0, imported.stderr
    assert "Traceback" not in imported.stderr + imported.stdout
    truth = tmp_path / "truth.csv"
    with truth.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["source_system", "source_id", "true_person_id"])
        for i in range(150):
            out.writerow(["other", f"rec-{i}-org", i])
            if i % 5 == 0:
                out.writerow(["other", f"rec-{i}-dup-0", i])
    linked = jigsaw("link", "--json", "--truth", str(truth), env=env)
    assert linked.returncode == 0, linked.stderr
    report = json.loads(linked.stdout)
    comparisons = {c["comparison"]: c for c in report["model"]["comparisons"]}
    assert {"given_name", "postcode", "address"} <= set(comparisons)
    assert all({"m", "u", "weight"} <= set(level) for level in comparisons["address"]["levels"])
    assert any("no sex, nhs_number, upn" in w for w in report["model"]["warnings"])
    assert report["truth"]["true_pairs"] == 30 and report["truth"]["pairwise_precision"] == 1.0
    assert report["truth"]["pairwise_recall"] > 0.9


def test_a_truth_file_without_its_columns_is_a_one_line_error(env, tmp_path, jigsaw):
    bad = tmp_path / "truth.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    done = jigsaw("link", "--truth", str(bad), env=env)
    assert done.returncode == 1 and "true_person_id" in done.stderr and "Traceback" not in done.stderr
