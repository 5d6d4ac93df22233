"""Import a partnership, link it, run the rules: every injected pattern is an alert, via the CLI."""

from __future__ import annotations

import csv
import datetime as dt
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


def _accounts(jigsaw, env: dict, *people: tuple[str, str]) -> None:
    checked = (dt.date.today() - dt.timedelta(days=30)).isoformat()
    for username, role in people:
        made = jigsaw("createuser", username, "--role", role, "--vetted-on", checked, "--trained-on",
                      checked, "--password-stdin", input="a-long-enough-passphrase-1\n", env=env)
        assert made.returncode in (0, 1), made.stderr  # 1: made by an earlier test of the module


def test_dismissing_needs_a_reason_and_is_recorded(partnership, jigsaw):
    _root, env = partnership
    _accounts(jigsaw, env, ("hub", "hub_officer"), ("hub2", "hub_officer"), ("worker", "social_worker"))
    alerts = json.loads(jigsaw("alerts", "--format", "json", env=env).stdout)
    low = str(next(a for a in alerts if a["severity"] != "high" and a["status"] != "closed")["alert_id"])
    anonymous = jigsaw("alerts", "close", low, "--dismiss", "--reason", "x", env=env)
    assert anonymous.returncode == 1 and "name the Jigsaw account" in anonymous.stderr
    hub = {**env, "JIGSAW_USER": "hub"}
    refused = jigsaw("alerts", "close", low, "--dismiss", env=hub)
    assert refused.returncode == 1 and "reason" in refused.stderr and "Traceback" not in refused.stderr
    # an alert not assigned to this social worker's account is as absent as a missing one
    other = jigsaw("alerts", "close", low, "--dismiss", "--reason", "x", "--as", "worker", env=env)
    assert other.returncode == 1 and "there is no alert" in other.stderr
    done = jigsaw("alerts", "close", low, "--dismiss", "--reason", "explained by a known accident", env=hub)
    assert done.returncode == 0, done.stderr
    listed = {str(a["alert_id"]): a for a in json.loads(jigsaw("alerts", "--format", "json", env=env).stdout)}
    assert (listed[low]["status"], listed[low]["outcome"]) == ("closed", "dismissed")
    assert jigsaw("alerts", "ack", "999999", env=hub).returncode == 1

    # a high-severity alert closes only when a second person confirms
    high = next(str(a["alert_id"]) for a in alerts if a["severity"] == "high" and a["status"] != "closed")
    asked = jigsaw("alerts", "close", high, "--actioned", "--reason", "strategy discussion held", env=hub)
    assert asked.returncode == 0 and "second person" in asked.stdout
    same = jigsaw("alerts", "confirm-close", high, env=hub)
    assert same.returncode == 1 and "second person" in same.stderr
    listing = ("alerts", "--format", "json")
    mid = {str(a["alert_id"]): a for a in json.loads(jigsaw(*listing, env=env).stdout)}
    assert mid[high]["status"] != "closed"
    assert jigsaw("alerts", "confirm-close", high, "--as", "hub2", env=env).returncode == 0
    end = {str(a["alert_id"]): a for a in json.loads(jigsaw(*listing, env=env).stdout)}
    assert (end[high]["status"], end[high]["outcome"]) == ("closed", "actioned")


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
