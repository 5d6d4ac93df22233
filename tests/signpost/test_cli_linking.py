"""`jigsaw link`, `jigsaw export links` and `jigsaw review links` as a user runs them."""

from __future__ import annotations

import csv
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
    listed = jigsaw("review", "links", "--json", env=env)
    assert listed.returncode == 0
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
                             "--reason", "different birth registrations", "--by", "tester", env=env)
        assert decided.returncode == 0 and "not the same person" in decided.stdout


def test_export_to_a_missing_folder_is_a_clear_error(env, tmp_path, jigsaw):
    done = jigsaw("export", "links", "--out", str(tmp_path / "nope" / "links.csv"), env=env)
    assert done.returncode == 1 and "does not exist" in done.stderr
