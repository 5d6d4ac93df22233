"""What each stretch of the shipped model's blocking rules costs a routine link (issue 12's 1M figure).

Writes a synthetic partnership with `jigsaw synth`, normalises its person records once, then
scores them with the shipped model cut to its first N blocking rules, for each N asked: the pairs
kept and the wall and CPU seconds of ``linkage.predict``. A rule whose pairs the earlier rules
already find costs scoring time and adds nothing kept. Run: ``python benchmarks/blocking_cost.py
[--records 200000] [--rules 9,12,16,20,24]`` (all the rules are always measured last).
"""

from __future__ import annotations

import argparse
import copy
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _machine import write_result
from _people import read_people
from linkage_speed import RECORDS_PER_CHILD


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--rules", default="9,12,16,20,24", help="comma-separated rule counts")
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    from jigsaw.identity import linkage, prepare

    model = linkage.default_model()
    rules = model["blocking_rules_to_generate_predictions"]
    counts = sorted({int(n) for n in args.rules.split(",") if 0 < int(n) < len(rules)} | {len(rules)})
    children = int(args.records / RECORDS_PER_CHILD)
    result: dict = {"target_records": args.records, "children": children, "rules_in_model": len(rules),
                    "runs": []}
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "jigsaw", "synth", "--children", str(children), "--seed",
                        str(args.seed), "--out", tmp], check=True, stdout=subprocess.DEVNULL)
        people, _ = read_people(Path(tmp))
    prepared = prepare(people)
    result["records"] = prepared.num_rows
    for n in counts:
        print(f"scoring with the first {n} rules ...", file=sys.stderr)
        cut = copy.deepcopy(model)
        cut["blocking_rules_to_generate_predictions"] = rules[:n]
        wall, cpu = time.perf_counter(), time.process_time()
        pairs = linkage.predict(linkage.make_linker(prepared, cut), records=prepared.num_rows)
        result["runs"].append({"rules": n, "pairs_kept": pairs.num_rows,
                               "predict_s": round(time.perf_counter() - wall, 2),
                               "cpu_s": round(time.process_time() - cpu, 1)})
    write_result("blocking_cost", result)


if __name__ == "__main__":
    main()
