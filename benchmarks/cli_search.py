"""CPU time of one command-line search, as a practitioner runs it (issue 13: "a command-line
search in at most 1 s").

Each search is a fresh ``python -m jigsaw search --given .. --family .. --dob .. --reason s47
--json`` process (Python, Django, the account check, the search, the access-log entry, the
output), and its CPU time (user + system, from ``os.wait4``) is recorded: CPU, not wall time,
because the host is shared and its load varies. The partnership is the demo's (``jigsaw demo
--no-serve``: synth, import, link, demo users; SQLite); the queries are children's records with a
typo in each name and the exact birth date (``search_typos.queries``), searched as the demo's
social worker.

``--compare BASE_SRC`` runs the same searches with Jigsaw imported from ``BASE_SRC`` (e.g. the
``src`` of a worktree of main) as well, the two sides taking turns (which goes first alternates),
and reports both sides' p50/p95 and their ratio, and whether both sides found the same people.
``--data DIR`` keeps the database there (and reuses it on a later run).

Run: ``python benchmarks/cli_search.py [--searches 40] [--compare /tmp/base/src] [--data DIR]``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from _machine import load_average, write_result
from search_typos import build, queries

SRC = Path(__file__).resolve().parents[1] / "src"
USER = "demo-social-worker"


def one_search(src: Path, data: Path, q: dict) -> tuple[float, list]:
    """CPU seconds of one ``jigsaw search`` process run with ``src`` first on the path, and the
    people it found (id and probability), to check that both sides answer alike."""
    env = {**os.environ, "JIGSAW_DATA_DIR": str(data), "PYTHONPATH": str(src)}
    for name in ("JIGSAW_DATABASE_URL", "DJANGO_SETTINGS_MODULE", "JIGSAW_USER"):
        env.pop(name, None)
    args = [sys.executable, "-m", "jigsaw", "search", "--given", q["given_name"], "--family",
            q["family_name"], "--dob", q["birth_date"], "--reason", "s47", "--as", USER, "--json"]
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(args, env=env, stdout=out, stderr=err, text=True)
        _pid, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            raise SystemExit(f"jigsaw search failed ({proc.returncode}) with {src}: {err.read()[-500:]}")
        out.seek(0)
        found = [[r["person_id"], round(r["match_probability"], 6)] for r in json.load(out)["results"]]
    return usage.ru_utime + usage.ru_stime, found


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (no interpolation: a value that was measured)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def summary(cpu: list[float]) -> dict:
    return {"searches": len(cpu), "cpu_s_p50": round(statistics.median(cpu), 3),
            "cpu_s_p95": round(percentile(cpu, 0.95), 3), "cpu_s_mean": round(statistics.fmean(cpu), 3),
            "cpu_s_max": round(max(cpu), 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--children", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--searches", type=int, default=40, help="searches per side")
    parser.add_argument("--compare", type=Path, metavar="BASE_SRC", help="the src folder to compare with")
    parser.add_argument("--data", type=Path, metavar="DIR", help="keep (or reuse) the database here")
    args = parser.parse_args()
    if args.searches < 1:
        parser.error("--searches must be at least 1")
    if args.compare and not (args.compare / "jigsaw" / "__init__.py").is_file():
        parser.error(f"--compare {args.compare}: not a src folder holding the jigsaw package")
    with tempfile.TemporaryDirectory(prefix="jigsaw-cli-search-") as tmp:
        data = (args.data or Path(tmp) / "data").resolve()
        feeds = data / f"demo-feeds-{args.children}-{args.seed}"
        if not (feeds / "truth" / "people.csv").is_file():
            build(data, args.children, args.seed)
        qs = queries(feeds, args.searches, args.seed)
        sides = {"this": SRC, **({"base": args.compare.resolve()} if args.compare else {})}
        for src in sides.values():  # unmeasured: writes each tree's bytecode caches
            one_search(src, data, qs[0])
        cpu: dict[str, list[float]] = {label: [] for label in sides}
        differ = 0
        for i, q in enumerate(qs):
            order = list(sides) if i % 2 == 0 else list(reversed(sides))  # who goes first alternates
            found = {}
            for label in order:
                seconds, found[label] = one_search(sides[label], data, q)
                cpu[label].append(seconds)
            differ += len({json.dumps(f) for f in found.values()}) > 1
        result: dict = {"children": args.children, "seed": args.seed, "database": "sqlite",
                        "command": "jigsaw search --given G --family F --dob D --reason s47 --as "
                                   f"{USER} --json (typo in each name)",
                        "this": {"src": str(SRC), **summary(cpu["this"])}}
        if args.compare:
            result["base"] = {"src": str(sides["base"]), **summary(cpu["base"])}
            result["ratio_this_to_base"] = {key: round(result["this"][key] / result["base"][key], 3)
                                            for key in ("cpu_s_p50", "cpu_s_p95")}
            result["searches_answered_differently"] = differ
        result["load_average_1m"] = load_average()
    write_result("cli_search", result)


if __name__ == "__main__":
    main()
