"""Import a partnership, link it, run the rules: every injected pattern is an alert, via the CLI."""

from __future__ import annotations

import csv
import json

import pytest

pytestmark = pytest.mark.slow

RULE_OF = {"non_mobile_injury": "R01", "injury_pattern": "R03", "ed_attendance_on_plan": "R04c",
           "was_not_brought_on_plan": "R04a", "was_not_brought_repeat": "R04b",
           "domestic_abuse_school_age": "R05", "missing_episode": "R07a", "missing_repeat": "R07b",
           "repeat_referral": "R08", "new_adult_baby": "R11", "no_access_repeat": "R13"}


@pytest.fixture(scope="module")
def partnership(tmp_path_factory, jigsaw):
    root = tmp_path_factory.mktemp("alerts")
    env = {"JIGSAW_DATA_DIR": str(root / "data"), "JIGSAW_DATABASE_URL": ""}
    assert jigsaw("synth", "--children", "1500", "--seed", "31", "--out", str(root / "feeds"),
                      env=env).returncode == 0
    done = jigsaw("import", str(root / "feeds"), env=env)
    assert done.returncode == 0, done.stderr
    return root, env


def test_every_injected_pattern_is_raised_with_its_events(partnership, jigsaw):
    root, env = partnership
    ran = jigsaw("alerts", "run", "--json", env=env)
    assert ran.returncode == 0, ran.stderr
    alerts = json.loads(jigsaw("alerts", "--format", "json", env=env).stdout)
    contract = {"alert_id", "rule_id", "person_ids", "event_ids", "status", "raised_at", "explanation"}
    assert contract <= set(alerts[0])
    keys = {}
    for a in alerts:
        keys.setdefault(a["rule_id"], set()).update(a["event_ids"])
    with (root / "feeds" / "truth" / "patterns.csv").open(encoding="utf-8") as f:
        truth = list(csv.DictReader(f))
    assert truth
    missed = [r for r in truth
              if not {r["first_event"], r["last_event"]} & keys.get(RULE_OF[r["pattern"]], set())]
    assert missed == []
    # a second run raises nothing new for the same open patterns
    again = json.loads(jigsaw("alerts", "run", "--json", env=env).stdout)
    assert again["raised"] == 0 and again["unchanged"] == len(alerts)


def test_dismissing_needs_a_reason_and_is_recorded(partnership, jigsaw):
    _root, env = partnership
    alerts = json.loads(jigsaw("alerts", "--format", "json", env=env).stdout)
    first = str(alerts[-1]["alert_id"])
    refused = jigsaw("alerts", "close", first, "--dismiss", env=env)
    assert refused.returncode == 1 and "reason" in refused.stderr and "Traceback" not in refused.stderr
    done = jigsaw("alerts", "close", first, "--dismiss", "--reason", "explained by a known accident",
                      "--by", "tester", env=env)
    assert done.returncode == 0
    listed = json.loads(jigsaw("alerts", "--format", "json", env=env).stdout)
    closed = next(a for a in listed if str(a["alert_id"]) == first)
    assert (closed["status"], closed["outcome"]) == ("closed", "dismissed")
    assert jigsaw("alerts", "ack", "999999", env=env).returncode == 1


def test_csv_and_fairness_report(partnership, jigsaw):
    root, env = partnership
    table = jigsaw("alerts", "--format", "csv", env=env)
    rows = list(csv.DictReader(table.stdout.splitlines()))
    assert rows and rows[0]["rule_id"]
    report = jigsaw("alerts", "report", "--truth", str(root / "feeds" / "truth"), "--json", env=env)
    assert report.returncode == 0, report.stderr
    data = json.loads(report.stdout)
    assert data["children"] > 0 and data["rules"]
    r01 = next(iter(data["rules"].values()))
    for dim in ("ethnicity", "sex", "age_band"):
        groups = r01["by"][dim]
        assert sum(g["alerted"] for g in groups.values()) == r01["children_alerted"]
        assert all("share_with_injected_pattern" in g for g in groups.values())
    text = jigsaw("alerts", "report", env=env)
    assert text.returncode == 0 and "per 1,000" in text.stdout
    assert data["rules"]["all rules"]["children_alerted"] >= r01["children_alerted"]
    bad = root / "imd.csv"
    bad.write_text("postcode,imd_decile\nNV1 1AB,0\n", encoding="utf-8")
    refused = jigsaw("alerts", "report", "--imd", str(bad), env=env)
    assert refused.returncode == 1 and len(refused.stderr.strip().splitlines()) == 1
