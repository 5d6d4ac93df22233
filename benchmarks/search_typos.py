"""A practitioner's search with a typo in *both* names and the exact birth date (issue 13, item 4).

Figure: of children searched with one typo in each name (a letter swapped, dropped or doubled)
and the exact birth date, at least 95% found, with no loss of precision; a command-line search
in at most 1 s.

The partnership is built as the demo builds it (``jigsaw demo --no-serve``: synth, import, link,
demo users). Each query takes one child's record from one source, puts one typo in each name and
keeps the birth date; the truth (``truth/people.csv``) says which resolved people are that child.
Reported, for each code tree given (this one, and ``--baseline SRC`` for "before", e.g. a
pristine worktree of main), in the same run on the same database:

* found: the child among the results; rank: where (1 = first);
* precision: of results banded "high" (a match), the share that are the child; "possible"
  results that are someone else are counted apart (a searcher is told to check those);
* CLI: wall and CPU seconds of ``jigsaw search`` as a user runs it, one process per search.

Run: ``python benchmarks/search_typos.py [--children 1500] [--searches 300] [--baseline SRC]``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from _machine import write_result

HERE = Path(__file__).resolve()
SRC = HERE.parents[1] / "src"
KINDS = ("swap", "drop", "double")


def typo(name: str, rng: random.Random) -> tuple[str, str]:
    """``name`` with one letter swapped with the next, dropped or doubled (never a space or hyphen)."""
    letters = [i for i, c in enumerate(name) if c.isalpha()]
    kind = rng.choice(KINDS)
    if kind == "swap":
        pairs = [i for i in letters if i + 1 < len(name) and name[i + 1].isalpha() and name[i] != name[i + 1]]
        if pairs:
            i = rng.choice(pairs)
            return name[:i] + name[i + 1] + name[i] + name[i + 2:], kind
        kind = "double"
    i = rng.choice(letters)
    if kind == "drop" and len(letters) > 2:
        return name[:i] + name[i + 1:], kind
    return name[:i] + name[i] + name[i:], "double"


def build(data: Path, children: int, seed: int) -> Path:
    """The demo database under ``data``; returns the synthetic feeds folder."""
    env = {**os.environ, "JIGSAW_DATA_DIR": str(data), "PYTHONPATH": str(SRC)}
    env.pop("JIGSAW_DATABASE_URL", None)
    subprocess.run([sys.executable, "-m", "jigsaw", "demo", "--no-serve", "--children", str(children),
                    "--seed", str(seed)], env=env, check=True, capture_output=True)
    return data / f"demo-feeds-{children}-{seed}"


def queries(feeds: Path, n: int, seed: int) -> list[dict]:
    """``n`` children (one record each, from any source), each with a typo in both names."""
    truth = {}
    with (feeds / "truth" / "people.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            truth[(row["source_system"], row["source_id"])] = row["true_person_id"]
    by_child: dict[str, list[dict]] = {}
    for people in sorted(feeds.glob("*/people.csv")):
        if people.parent.name == "truth":
            continue
        with people.open(encoding="utf-8") as f:
            for row in csv.DictReader(f):
                if row.get("is_child") == "true" and row["birth_date"] and len(row["given_name"]) > 1:
                    by_child.setdefault(truth[(row["source_system"], row["source_id"])], []).append(row)
    rng = random.Random(seed)
    out = []
    for child in rng.sample(sorted(by_child), min(n, len(by_child))):
        row = rng.choice(by_child[child])
        given, given_kind = typo(row["given_name"], rng)
        family, family_kind = typo(row["family_name"], rng)
        out.append({"true_person_id": child, "given_name": given, "family_name": family,
                    "birth_date": row["birth_date"], "typos": [given_kind, family_kind],
                    "records": [[r["source_system"], r["source_id"]] for r in by_child[child]]})
    return out


def worker(path: Path) -> None:
    """Run the queries in ``path`` with the code on ``sys.path``; print one line of JSON each."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jigsaw.settings")
    django.setup()
    from jigsaw.records.models import PersonRecord
    from jigsaw.signpost.search import SearchQuery, search

    people: dict[tuple[str, str], int] = {}
    for system, key, person in (PersonRecord.objects.filter(link__isnull=False)
                                .values_list("source_system__code", "record_key", "link__person_id")):
        people[(system, key)] = person
    for q in json.loads(path.read_text(encoding="utf-8")):
        child = {people.get((s, k)) for s, k in q["records"]} - {None}
        start = time.perf_counter()
        result = search(SearchQuery(given_name=q["given_name"], family_name=q["family_name"],
                                    birth_date=q["birth_date"]), "benchmark", "s47")
        ms = (time.perf_counter() - start) * 1000
        shown = [(m.person_id in child, m.confidence) for m in result.results]
        rank = next((i for i, (ok, _band) in enumerate(shown, 1) if ok), None)
        print(json.dumps({"rank": rank, "shown": shown, "ms": ms, "typos": q["typos"]}), flush=True)


def evaluate(src: Path, data: Path, qfile: Path) -> dict:
    env = {**os.environ, "JIGSAW_DATA_DIR": str(data), "PYTHONPATH": f"{src}:{HERE.parent}"}
    env.pop("JIGSAW_DATABASE_URL", None)
    done = subprocess.run([sys.executable, str(HERE), "--worker", str(qfile)], env=env, check=True,
                          capture_output=True, text=True)
    rows = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    ranks = Counter(r["rank"] for r in rows)
    high = [ok for r in rows for ok, band in r["shown"] if band == "high"]
    possible = [ok for r in rows for ok, band in r["shown"] if band == "possible"]
    by_kind: dict[str, list[bool]] = {}
    for r in rows:
        by_kind.setdefault("+".join(sorted(r["typos"])), []).append(r["rank"] is not None)
    ms = sorted(r["ms"] for r in rows)
    return {
        "searches": len(rows),
        "found": sum(1 for r in rows if r["rank"] is not None),
        "found_rate": round(sum(1 for r in rows if r["rank"] is not None) / max(len(rows), 1), 4),
        "rank_distribution": {str(k) if k is not None else "not found": v for k, v in sorted(
            ranks.items(), key=lambda kv: (kv[0] is None, kv[0] or 0))},
        "found_first": sum(1 for r in rows if r["rank"] == 1),
        "high_results": len(high), "false_high": high.count(False),
        "precision_high": round(high.count(True) / len(high), 4) if high else None,
        "possible_results": len(possible), "false_possible": possible.count(False),
        "found_rate_by_typos": {k: round(sum(v) / len(v), 3) for k, v in sorted(by_kind.items())},
        "in_process_ms": {"p50": round(ms[len(ms) // 2], 2), "p95": round(ms[int(len(ms) * 0.95)], 2)}
        if ms else {},
    }


def cli_times(trees: dict[str, Path], data: Path, sample: list[dict], runs: int) -> dict[str, dict]:
    """Wall and CPU seconds of ``jigsaw search`` as a practitioner runs it (a process each), the
    trees taking turns so that each sees the same machine load."""
    times: dict[str, tuple[list[float], list[float]]] = {label: ([], []) for label in trees}
    for q in sample[:runs]:
        for label, src in trees.items():
            env = {**os.environ, "JIGSAW_DATA_DIR": str(data), "PYTHONPATH": str(src),
                   "JIGSAW_USER": "demo-hub-officer"}
            env.pop("JIGSAW_DATABASE_URL", None)
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "jigsaw", "search", "--given", q["given_name"], "--family",
                            q["family_name"], "--dob", q["birth_date"], "--reason", "s47"], env=env,
                           check=True, capture_output=True)
            times[label][0].append(time.perf_counter() - start)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            times[label][1].append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    out = {}
    for label, (wall, cpu) in times.items():
        wall.sort()
        cpu.sort()
        out[label] = {"runs": len(wall), "wall_s_median": round(wall[len(wall) // 2], 3),
                      "wall_s_max": round(wall[-1], 3), "cpu_s_median": round(cpu[len(cpu) // 2], 3),
                      "cpu_s_max": round(cpu[-1], 3)}
    return out


def load_average() -> float | None:
    try:
        return os.getloadavg()[0]
    except OSError:
        return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--children", type=int, default=1500)
    parser.add_argument("--searches", type=int, default=300)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--cli-runs", type=int, default=7)
    parser.add_argument("--baseline", type=Path, help="the src folder of the code to compare against")
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker)
        return
    with tempfile.TemporaryDirectory(prefix="jigsaw-search-typos-") as tmp:
        data = Path(tmp) / "data"
        feeds = build(data, args.children, args.seed)
        qs = queries(feeds, args.searches, args.seed)
        qfile = Path(tmp) / "queries.json"
        qfile.write_text(json.dumps(qs), encoding="utf-8")
        trees = {"after": SRC, **({"before": args.baseline.resolve()} if args.baseline else {})}
        result: dict = {"children": args.children, "seed": args.seed,
                        "examples": [f"{q['given_name']} {q['family_name']}" for q in qs[:5]]}
        for label, src in trees.items():
            result[label] = evaluate(src, data, qfile)
        for label, timing in cli_times(trees, data, qs, args.cli_runs).items():
            result[label]["cli"] = timing
        result["load_average_1m"] = load_average()
    write_result("search_typos", result)


if __name__ == "__main__":
    main()
