"""Incremental match of one new record and a practitioner's search, at 1,000,000 stored records.

Figures (issue 3): incremental match p99 <= 20 ms, search p99 <= 50 ms. The database is built
the way an operator would: `jigsaw synth`, `jigsaw import --no-link` of the person feeds, and
`jigsaw link` twice (first run, then the routine run over unchanged feeds), each with its own
stage timings, wall time and peak memory: the batch run end to end, database included.
Then, in this process:

* **incremental**: a new source sends noisy copies of known people's records (a one-letter
  typo in the given name, day and month swapped where possible); each is matched on its own;
* **search**: a practitioner's query per known child (misspelt given name, swapped birth date).

Run: ``python benchmarks/linkage_realtime.py [--records N] [--database sqlite|postgres]``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from _machine import write_result

RECORDS_PER_CHILD = 4.46
PG_URL = "postgresql://postgres@127.0.0.1:5432/"


def _jigsaw(env: dict, *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "jigsaw", *args], env={**os.environ, **env},
                          capture_output=True, text=True, check=True)
    return done.stdout


def _timed_link(env: dict, record: Path) -> dict:
    """`jigsaw link --json`, with its wall time and peak memory measured by GNU time."""
    command = ["/usr/bin/time", "-f", "%e %M", "-o", str(record),
               sys.executable, "-m", "jigsaw", "link", "--json"]
    done = subprocess.run(command, env={**os.environ, **env}, capture_output=True, text=True, check=True)
    wall, peak_kb = record.read_text().split()[-2:]
    return {**json.loads(done.stdout), "wall_s": float(wall), "peak_rss_gib": round(int(peak_kb) / 2**20, 2)}


def _percentiles(ms: list[float]) -> dict[str, float]:
    a = np.array(ms)
    return {"n": len(ms), "p50_ms": round(float(np.percentile(a, 50)), 2),
            "p95_ms": round(float(np.percentile(a, 95)), 2), "p99_ms": round(float(np.percentile(a, 99)), 2),
            "max_ms": round(float(a.max()), 2)}


def _typo(name: str, rng: random.Random) -> str:
    if len(name) < 4:
        return name
    i = rng.randrange(1, len(name) - 1)
    return name[:i] + name[i + 1] + name[i] + name[i + 2:]


def _swap(iso: str) -> str:
    y, m, d = iso.split("-")
    return f"{y}-{d}-{m}" if int(d) <= 12 else iso


def _sample(feeds: Path, n: int, rng: random.Random) -> list[dict]:
    with (feeds / "gp01" / "people.csv").open(encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["birth_date"] and r["is_child"] == "true"]
    return rng.sample(rows, n)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    children = int(args.records / RECORDS_PER_CHILD)
    result: dict = {"target_records": args.records, "database": args.database}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        env = {"JIGSAW_DATA_DIR": str(root / "data")}
        if args.database == "postgres":
            import psycopg

            name = "jigsaw_bench_realtime"
            with psycopg.connect(PG_URL + "postgres", autocommit=True) as con:
                con.execute(f"DROP DATABASE IF EXISTS {name}")
                con.execute(f"CREATE DATABASE {name}")
            env["JIGSAW_DATABASE_URL"] = PG_URL + name
            _jigsaw(env, "migrate")
        feeds = root / "feeds"
        _jigsaw(env, "synth", "--children", str(children), "--seed", str(args.seed), "--out", str(feeds))
        people = [str(p) for p in sorted(feeds.glob("*/people.csv")) if p.parent.name != "truth"]
        started = time.perf_counter()
        imported = json.loads(_jigsaw(env, "import", "--no-link", "--json", *people))
        result["import"] = {"rows": imported["read"], "seconds": round(time.perf_counter() - started, 1)}
        print(f"imported {imported['read']:,} person records", file=sys.stderr)
        # the first run trains and writes everything; the second is the routine run over unchanged feeds
        for run in ("batch_link", "batch_link_again"):
            result[run] = _timed_link(env, root / f"{run}.time")
        print("linked", file=sys.stderr)
        sample = _sample(feeds, 2 * args.samples, rng)
        os.environ.update(env)
        os.environ["DJANGO_SETTINGS_MODULE"] = "jigsaw.settings"
        import django

        django.setup()
        from jigsaw.records.importer import import_paths
        from jigsaw.signpost.incremental import match_waiting
        from jigsaw.signpost.search import SearchQuery, search

        new = root / "bench" / "people.csv"
        new.parent.mkdir()
        with new.open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(["source_system", "source_id", "given_name", "family_name", "birth_date", "sex",
                        "postcode"])
            for i, r in enumerate(sample[:args.samples]):
                w.writerow(["bench", f"B{i}", _typo(r["given_name"], rng), r["family_name"],
                            _swap(r["birth_date"]), r["sex"], r["postcode"]])
        import_paths([new])
        matched = match_waiting()
        result["incremental"] = {**_percentiles(matched["ms"]), "joined": matched["joined"],
                                 "new_people": matched["new_people"]}
        ms, found = [], 0
        for r in sample[args.samples:]:
            query = SearchQuery(given_name=_typo(r["given_name"], rng), family_name=r["family_name"],
                                birth_date=_swap(r["birth_date"]), postcode=r["postcode"] or None)
            t = time.perf_counter()
            answer = search(query, searched_by="benchmark", reason="s47")
            ms.append((time.perf_counter() - t) * 1000)
            found += bool(answer.results)
        result["search"] = {**_percentiles(ms), "found_share": round(found / len(ms), 3)}
    write_result(f"linkage_realtime_{args.database}", result)


if __name__ == "__main__":
    main()
