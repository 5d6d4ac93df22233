"""`jigsaw synth --returns` then `jigsaw import ... --source`, as a user runs them."""

from __future__ import annotations

import json

import pytest


def _env(tmp_path) -> dict[str, str]:
    """A file database and data folder of the test's own."""
    return {"JIGSAW_DATA_DIR": str(tmp_path / "data"),
            "JIGSAW_DATABASE_URL": f"sqlite:///{tmp_path / 'j.sqlite3'}"}


@pytest.mark.slow
def test_synth_returns_import_and_reimport_through_the_command(tmp_path, jigsaw):
    env = _env(tmp_path)
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
    env = _env(tmp_path)
    assert jigsaw("migrate", env=env).returncode == 0
    bad = tmp_path / "cin.xml"
    bad.write_text("<Message><Header>", encoding="utf-8")
    done = jigsaw("import", str(bad), "--source", "csc", "--new-source", "--no-link", env=env)
    assert done.returncode == 1
    refused = [line for line in done.stderr.splitlines() if line.startswith("refused")]
    assert len(refused) == 1 and "not well-formed XML" in refused[0]  # once, not once a part
    assert done.stdout.startswith("1 file: read 0")
    assert "Traceback" not in done.stderr


@pytest.mark.slow
def test_a_mistyped_source_loads_nothing_and_names_the_systems(tmp_path, jigsaw):
    env = _env(tmp_path)
    out = tmp_path / "feeds"
    assert jigsaw("migrate", env=env).returncode == 0
    assert jigsaw("synth", "--children", "30", "--seed", "4", "--out", str(out), "--returns",
                  env=env).returncode == 0
    assert jigsaw("import", str(out), "--no-link", env=env).returncode == 0
    before = json.loads(jigsaw("quarantine", "list", "--json", env=env).stdout)
    done = jigsaw("import", str(out / "returns"), "--source", "cs", "--json", "--no-link", env=env)
    assert done.returncode == 1
    counts = json.loads(done.stdout)
    assert counts["read"] == 0 and len(counts["refused"]) == 4  # the folder's four returns
    reason = counts["refused"][0]["reason"]
    assert "no source system is called 'cs'" in reason and "csc" in reason
    assert "--new-source" in reason
    assert json.loads(jigsaw("quarantine", "list", "--json", env=env).stdout) == before
    # the folder, with the right source, loads its returns
    right = jigsaw("import", str(out / "returns"), "--source", "csc", "--no-link", env=env)
    assert right.returncode == 0, right.stderr
    assert right.stdout.startswith("4 files (7 parts): read ")
    plain = jigsaw("import", str(out / "returns"), "--no-link", env=env)
    assert plain.returncode == 1 and "DfE returns need --source" in plain.stderr
    alone = jigsaw("import", str(out / "returns"), "--new-source", env=env)
    assert alone.returncode == 2 and "give --source SYSTEM too" in alone.stderr


@pytest.mark.slow
def test_an_unknown_code_is_listed_with_its_file_and_line(tmp_path, jigsaw):
    env = _env(tmp_path)
    assert jigsaw("migrate", env=env).returncode == 0
    returns = tmp_path / "returns"
    returns.mkdir()
    (returns / "header.csv").write_text("CHILD,SEX,DOB,ETHNIC,UPN\nLA-9,1,01/02/2016,WBRI,UN1\n",
                                        encoding="utf-8")
    (returns / "episodes.csv").write_text("CHILD,DECOM,RNE,LS,PLACE,DEC,REC\n"
                                          "LA-9,01/06/2024,S,Q9,ZZ,,\n", encoding="utf-8")
    done = jigsaw("import", str(returns), "--source", "csc", "--new-source", "--no-link", env=env)
    assert done.returncode == 0, done.stderr
    listed = jigsaw("quarantine", "warnings", env=env)
    assert listed.returncode == 0
    lines = listed.stdout.splitlines()
    assert lines[-1] == "2 warnings"
    assert all(line.startswith(f"csc {returns / 'episodes.csv'}:2  ") for line in lines[:-1])
    assert any("LS code" in line for line in lines) and any("PLACE code" in line for line in lines)
    rows = json.loads(jigsaw("quarantine", "warnings", "--source", "other", "--json",
                             env=env).stdout)
    assert rows == []
