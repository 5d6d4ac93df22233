"""Alerts end to end: a synthetic partnership imported, linked, and the rules run over it.

Reports, per rule, how many injected patterns (truth/patterns.csv) an alert raised — an alert of
the rule whose events include the pattern's first or last event — and the share of the rule's
alerts that touch an injected pattern of its kind. Then measures a single imported event to its
alert: one new event file at a time through import, incremental linking and the incremental rule
run, as `jigsaw import` does it. Run: ``python benchmarks/alerts_end_to_end.py [--children N]``.
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

from _machine import write_result

#: Which rule is meant to find each injected pattern.
RULE_OF = {"non_mobile_injury": "R01", "injury_pattern": "R03", "ed_attendance_on_plan": "R04c",
           "was_not_brought_on_plan": "R04a", "was_not_brought_repeat": "R04b",
           "domestic_abuse_school_age": "R05", "missing_episode": "R07a", "missing_repeat": "R07b",
           "repeat_referral": "R08", "new_adult_baby": "R11", "no_access_repeat": "R13"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--children", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--single", type=int, default=60, help="single events to time")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        env = {**os.environ, "JIGSAW_DATA_DIR": str(root / "data")}
        feeds = root / "feeds"
        subprocess.run([sys.executable, "-m", "jigsaw", "synth", "--children", str(args.children), "--seed",
                        str(args.seed), "--out", str(feeds)], check=True, env=env, stdout=subprocess.DEVNULL)
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "jigsaw", "import", str(feeds)], check=True, env=env,
                       stdout=subprocess.DEVNULL)
        imported = time.perf_counter() - started
        os.environ.update({"JIGSAW_DATA_DIR": env["JIGSAW_DATA_DIR"],
                           "DJANGO_SETTINGS_MODULE": "jigsaw.settings"})
        import django

        django.setup()
        from jigsaw.alerts.models import Alert
        from jigsaw.alerts.run import run

        full = run()
        result = {"children": args.children, "import_and_link_s": round(imported, 1), "full_run": full,
                  "rules": _recall(feeds, list(Alert.objects.values_list("rule_id", "event_keys")))}
        result["single_event_to_alert"] = _single_events(root, args.single)
    write_result("alerts_end_to_end", result)


def _recall(feeds: Path, alerts: list[tuple[str, list[str]]]) -> dict:
    with (feeds / "truth" / "patterns.csv").open(encoding="utf-8") as f:
        truth = list(csv.DictReader(f))
    keys_of_rule: dict[str, set[str]] = defaultdict(set)
    for rule, keys in alerts:
        keys_of_rule[rule].update(keys)
    pattern_keys: dict[str, set[str]] = defaultdict(set)
    out: dict = {}
    for row in truth:
        pattern_keys[RULE_OF[row["pattern"]]].update((row["first_event"], row["last_event"]))
    for pattern, rule in RULE_OF.items():
        rows = [r for r in truth if r["pattern"] == pattern]
        found = sum(1 for r in rows if {r["first_event"], r["last_event"]} & keys_of_rule[rule])
        mine = [keys for r, keys in alerts if r == rule]
        touching = sum(1 for keys in mine if set(keys) & pattern_keys[rule])
        out[rule] = {"pattern": pattern, "injected": len(rows), "raised": found,
                     "recall": round(found / len(rows), 4) if rows else None, "alerts": len(mine),
                     "share_on_injected": round(touching / len(mine), 4) if mine else None}
    return out


def _single_events(root: Path, count: int) -> dict:
    """One new injury event for a baby, imported and evaluated, ``count`` times."""
    from jigsaw.alerts.models import Alert
    from jigsaw.alerts.run import persons_of_batches, run
    from jigsaw.records.importer import import_paths
    from jigsaw.records.models import PersonRecord
    from jigsaw.signpost.incremental import match_waiting

    babies = list(PersonRecord.objects.filter(source_system__code="gp01", is_child=True)
                  .order_by("-birth_date").values_list("record_key", "birth_date")[:count])
    ms, raised = [], 0
    for i, (key, birth) in enumerate(babies):
        folder = root / f"single{i}"
        folder.mkdir()
        (folder / "events.csv").write_text(
            "source_system,event_id,person_source_id,event_type,occurred_at,details\n"
            f'gp01,BENCH-{i},{key},injury,{birth.isoformat()}T10:00:00Z,"{{""injury_type"": ""bruise""}}"\n',
            encoding="utf-8")
        before = Alert.objects.count()
        started = time.perf_counter()
        report = import_paths([folder])
        match_waiting()
        run(persons=persons_of_batches([f.batch_id for f in report.files if f.batch_id]))
        ms.append((time.perf_counter() - started) * 1000)
        raised += Alert.objects.count() > before
    a = np.array(ms)
    return {"n": len(ms), "raised": raised, "p50_ms": round(float(np.percentile(a, 50)), 1),
            "p99_ms": round(float(np.percentile(a, 99)), 1), "max_ms": round(float(a.max()), 1)}


if __name__ == "__main__":
    main()
