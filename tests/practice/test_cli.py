"""`jigsaw practice run` and `figures` as a user meets them, and the daily `alerts run` escalating."""

from __future__ import annotations

import json
import sqlite3

import pytest

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def linked(tmp_path_factory, jigsaw) -> tuple[dict, int, str]:
    from tests.chronology.conftest import write_feeds

    tmp = tmp_path_factory.mktemp("practice_cli")
    db = tmp / "cli.sqlite3"
    env = {"JIGSAW_DATA_DIR": str(tmp / "data"), "JIGSAW_DATABASE_URL": f"sqlite:///{db}"}
    assert jigsaw("import", str(write_feeds(tmp / "feeds")), env=env).returncode == 0
    assert jigsaw("link", env=env).returncode == 0
    with sqlite3.connect(db) as con:
        person = con.execute("SELECT person_id FROM signpost_recordlink ORDER BY id LIMIT 1").fetchone()[0]
        agency = con.execute("SELECT id FROM records_agency ORDER BY id LIMIT 1").fetchone()[0]
        con.execute(
            "INSERT INTO practice_disagreement (person_id, recorded_by, recorded_by_name,"
            " recorded_by_agency, recorded_at, about, agency_id, with_whom, stage, stage_started_at,"
            " stage_due_at, status, outcome)"
            " VALUES (?, 'nobody', 'Nobody', '', '2025-03-03 09:00:00', 'a decision', ?, '', 'practitioner',"
            " '2025-03-03 09:00:00', '2025-03-05 23:59:59', 'open', '')",
            (person, agency),
        )
    return env, person, str(db)


def test_practice_run_escalates_once_its_time_has_run_out(linked, jigsaw):
    env, _person, _db = linked
    early = json.loads(jigsaw("practice", "run", "--at", "2025-03-04", "--json", env=env).stdout)
    assert early["escalated"] == 0
    done = jigsaw("practice", "run", "--at", "2025-03-06T09:00", "--json", env=env)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["escalated"] == 1
    queue = json.loads(jigsaw("alerts", "--format", "json", env=env).stdout)
    assert [a["rule_id"] for a in queue].count("DISAGREEMENT") == 1
    daily = json.loads(jigsaw("alerts", "run", "--json", env=env).stdout)
    assert daily["disagreements_escalated"] == 1  # the manager stage's time has long run out too
    figures = json.loads(jigsaw("practice", "figures", "--json", env=env).stdout)
    assert figures["disagreements"]["escalated_by_timer"] == 2
    assert set(figures) == {"sharing", "disagreements", "attendance", "record_quality"}


def test_a_bad_moment_is_one_line(linked, jigsaw):
    env, _person, _db = linked
    done = jigsaw("practice", "run", "--at", "soon", env=env)
    assert done.returncode == 1 and "not an ISO date" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
