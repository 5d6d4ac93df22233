"""`jigsaw synth --returns` then `jigsaw import ... --source`, as a user runs them."""

from __future__ import annotations

import json

import pytest


@pytest.mark.slow
def test_synth_returns_import_and_reimport_through_the_command(tmp_path, jigsaw):
    env = {"JIGSAW_DATA_DIR": str(tmp_path / "data"),
           "JIGSAW_DATABASE_URL": f"sqlite:///{tmp_path / 'j.sqlite3'}"}
    out = tmp_path / "feeds"
    assert jigsaw("migrate", env=env).returncode == 0
    made = jigsaw("synth", "--children", "40", "--seed", "2", "--out", str(out), "--returns",
                      env=env)
    assert made.returncode == 0, made.stderr
    assert jigsaw("import", str(out), "--no-link", env=env).returncode == 0
    returns = sorted(str(p) for p in (out / "returns").iterdir())
    first = jigsaw("import", *returns, "--source", "csc", "--json", "--no-link", env=env)
    assert first.returncode == 0, first.stderr
    counts = json.loads(first.stdout)
    assert counts["read"] > 0 and counts["quarantined"] == 0 and not counts["refused"]
    again = json.loads(jigsaw("import", *returns, "--source", "csc", "--json", "--no-link",
                                  env=env).stdout)
    assert again["accepted"] == 0 and again["unchanged"] == again["read"]


@pytest.mark.slow
def test_a_malformed_return_exits_1_with_one_line(tmp_path, jigsaw):
    env = {"JIGSAW_DATA_DIR": str(tmp_path / "data"),
           "JIGSAW_DATABASE_URL": f"sqlite:///{tmp_path / 'j.sqlite3'}"}
    assert jigsaw("migrate", env=env).returncode == 0
    bad = tmp_path / "cin.xml"
    bad.write_text("<Message><Header>", encoding="utf-8")
    done = jigsaw("import", str(bad), "--source", "csc", "--no-link", env=env)
    assert done.returncode == 1
    refused = [line for line in done.stderr.splitlines() if line.startswith("refused")]
    assert refused and all("not well-formed XML" in line for line in refused)
    assert "Traceback" not in done.stderr
