"""Speed and accuracy of the alert rules on a synthetic partnership (target: >= 200,000 events/s).

    python benchmarks/rules_eval.py [--children 50000] [--seed 1] [--seeds 1] [--repeat 3] [--keep DIR]

Synthesises the partnership, builds the ``Population`` straight from its CSVs with synth's true
person ids (the rules are measured, not identity resolution), times full evaluations of the
shipped catalogue, and scores every rule against ``truth/patterns.csv``: recall over injected
subjects, precision over findings (true positive when a subject carries that rule's pattern).

Alerts on children with no injected pattern are reported as a rate per 1,000 children, per rule:
they are not all errors. Background events legitimately trigger rules synth's truth does not list
(a no-access visit during a child protection plan, an injury to the sibling of a child with an
injury pattern, a 4- or 17-year-old in an Operation Encompass household: synth's band is 5-16).
The distinct children alerted per 1,000 children by DfE ethnic group are reported too, the audit the
design asks for ("a rule that fires unevenly is a defect"), with exact (Clopper–Pearson) 95% intervals,
per seed and pooled over ``--seeds`` consecutive seeds from ``--seed``: one seed's rate in a group of a
few hundred children is mostly noise. (``jigsaw alerts report`` and ``benchmarks/fairness_eval.py``
test the differences; this only describes them.)
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path

import pyarrow.compute as pc
from scipy import stats

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _machine import write_result
from jigsaw.feeds import ethnic_group
from jigsaw.rules import evaluate_report, load_catalogue
from jigsaw.rules.synth_population import population_from_synth, read_truth, score
from jigsaw.synth import PATTERN_RULES, write_partnership

AS_OF = date(2026, 6, 30)
TARGET_EVENTS_PER_SECOND = 200_000


def _children(pop) -> tuple[set[int], dict[int, str]]:
    """Ids of people under 18 on ``AS_OF`` and their DfE top-level ethnic group."""
    ppl = pop.people.to_pydict()
    kids, group = set(), {}
    for pid, born, eth in zip(ppl["person_id"], ppl["birth_date"], ppl["ethnicity"], strict=True):
        if born is None:
            continue
        if AS_OF.year - born.year - ((AS_OF.month, AS_OF.day) < (born.month, born.day)) < 18:
            kids.add(pid)
            group[pid] = ethnic_group(eth)
    return kids, group


def _alerted_by_group(findings, group: dict[int, str]) -> tuple[Counter, Counter]:
    """Children per group, and distinct children alerted by any rule per group."""
    alerted = {p for f in findings for p in f.person_ids if p in group}
    return Counter(group.values()), Counter(group[p] for p in alerted)


def _rates(children: Counter, alerted: Counter) -> dict[str, dict]:
    """Per group: children, distinct children alerted, rate per 1,000 and its exact 95% interval."""
    out = {}
    for g, n in sorted(children.items()):
        ci = stats.binomtest(alerted.get(g, 0), n).proportion_ci(method="exact")
        out[g] = {"children": n, "alerted": alerted.get(g, 0),
                  "per_1000": round(1000 * alerted.get(g, 0) / n, 2),
                  "low_per_1000": round(1000 * ci.low, 2), "high_per_1000": round(1000 * ci.high, 2)}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--children", type=int, default=50_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--seeds", type=int, default=1, help="pool the ethnic-group rates over this many seeds")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--keep", type=Path, default=None)
    args = ap.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="jigsaw-rules-"))
    try:
        summary = write_partnership(folder, children=args.children, seed=args.seed)
        t0 = time.perf_counter()
        pop = population_from_synth(folder)
        build_s = time.perf_counter() - t0
        cat = load_catalogue()
        runs = [evaluate_report(cat, pop, AS_OF) for _ in range(max(1, args.repeat))]
        truth = read_truth(folder, PATTERN_RULES)
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    report = min(runs, key=lambda r: r.seconds)
    events = pop.events.num_rows
    secs = [r.seconds for r in runs]
    kids, group = _children(pop)
    patterned = set().union(*truth.values())
    scores = score(report.findings, truth)
    no_pattern = Counter(f.rule_id for f in report.findings
                         if kids.intersection(f.person_ids) and not patterned.intersection(f.person_ids))
    for rule_id, s in scores.items():
        s["findings_on_children_without_pattern"] = no_pattern.get(rule_id, 0)
        s["per_1000_children_without_pattern"] = round(
            1000 * no_pattern.get(rule_id, 0) / max(len(kids), 1), 3)
    by_group_kids, by_group_alerts = _alerted_by_group(report.findings, group)
    per_seed = {args.seed: _rates(by_group_kids, by_group_alerts)}
    pooled_kids, pooled_alerts = Counter(by_group_kids), Counter(by_group_alerts)
    for seed in range(args.seed + 1, args.seed + args.seeds):
        more = Path(tempfile.mkdtemp(prefix="jigsaw-rules-"))
        try:
            write_partnership(more, children=args.children, seed=seed)
            other = population_from_synth(more)
        finally:
            shutil.rmtree(more, ignore_errors=True)
        found = evaluate_report(cat, other, AS_OF).findings
        kids_n, alerted_n = _alerted_by_group(found, _children(other)[1])
        per_seed[seed] = _rates(kids_n, alerted_n)
        pooled_kids.update(kids_n)
        pooled_alerts.update(alerted_n)
    result = {
        "children": args.children, "seed": args.seed, "as_of": AS_OF.isoformat(), "events": events,
        "people": pop.people.num_rows, "children_under_18": len(kids),
        "household_pairs": pop.households.num_rows,
        "synth_seconds": round(summary.seconds, 3), "population_build_seconds": round(build_s, 3),
        "evaluate_seconds_best": round(min(secs), 4),
        "evaluate_seconds_median": round(statistics.median(secs), 4),
        "events_per_second": round(events / min(secs)),
        "events_per_second_median": round(events / statistics.median(secs)),
        "target_events_per_second": TARGET_EVENTS_PER_SECOND,
        "meets_target": events / statistics.median(secs) >= TARGET_EVENTS_PER_SECOND,
        "findings": len(report.findings),
        "findings_by_rule": dict(sorted(Counter(f.rule_id for f in report.findings).items())),
        "uncertain_findings": sum(f.uncertain for f in report.findings),
        "rules": scores,
        "alerts_on_children_without_pattern_per_1000": round(
            1000 * sum(no_pattern.values()) / max(len(kids), 1), 3),
        "children_alerted_by_ethnic_group": {
            "seeds": list(per_seed), "pooled": _rates(pooled_kids, pooled_alerts), "per_seed": per_seed},
        "diagnostics": {k: (len(v) if isinstance(v, dict) else v)
                        for k, v in vars(report.diagnostics).items()},
        "distinct_sources": len(pc.unique(pop.events.column("source_system"))),
    }
    write_result("rules_eval", result)


if __name__ == "__main__":
    main()
