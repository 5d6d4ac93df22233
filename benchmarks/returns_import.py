"""DfE returns import throughput (rows/s): a CIN census and an SSDA903 return for 20,000 children.

Target (issue 15): >= 50,000 return rows/s. A synthetic partnership is written with `synth`,
and its council's returns with the synth returns writer (`jigsaw synth --returns`), capped at
``--children`` children. On each database, in fresh processes through the real command:
the canonical feeds of the same partnership are imported first (the peer figure, measured in
the same run as in benchmarks/import_speed.py), then the returns with `--source csc`, then the
returns again (every row unchanged). Rows/s is rows read over the files' own import seconds
(process start-up and linking are not counted; `--no-link`). The 1-minute load average is
recorded before each import: other work on a 2-CPU machine stretches the figures, so each
import's CPU seconds are recorded too (the command and its parse worker, start-up included; the
database server's CPU is not) and, net of the command's start-up CPU (measured by a run with
nothing to import), rows per import CPU second beside rows per second. Usage:

    python benchmarks/returns_import.py [--children 20000] [--postgres URL|none]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _machine import cpu_timed_jigsaw as jigsaw
from _machine import load_average, write_result

TARGET_ROWS_PER_SECOND = 50_000
#: synth children per returns child: the returns describe the council's children and the
#: school children it has not sent (about 4 in 5 of a synthetic partnership's children)
HEADROOM = 1.3


def startup_cpu(env: dict, tmp: Path) -> float:
    """CPU seconds of the import command's start-up: the least of three runs given an empty
    folder (refused, exit 1, after the same imports and settings as a real run)."""
    empty = tmp / "empty"
    empty.mkdir(exist_ok=True)
    spent = []
    for _ in range(3):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run([sys.executable, "-m", "jigsaw", "import", str(empty), "--no-link"],
                       env=env, capture_output=True, check=False)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        spent.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return min(spent)


def _figures(result: dict, wall: float, cpu: float, load: float, startup: float) -> dict:
    seconds = sum(f["seconds"] for f in result["files"])
    net = cpu - startup
    return {"rows": result["read"], "accepted": result["accepted"],
            "quarantined": result["quarantined"], "unchanged": result["unchanged"],
            "warnings": result["warnings"], "refused": len(result["refused"]),
            "load_average": load, "wall_s": round(wall, 2), "import_s": round(seconds, 2),
            "cpu_s": round(cpu, 2), "import_cpu_s": round(net, 2),
            "rows_per_s": round(result["read"] / seconds) if seconds else None,
            "rows_per_import_cpu_s": round(result["read"] / net) if net > 0 else None}


def measure(feeds: Path, returns: list[Path], url: str, data_dir: Path) -> dict:
    env = {**os.environ, "JIGSAW_DATABASE_URL": url, "JIGSAW_DATA_DIR": str(data_dir)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    jigsaw(["migrate"], env)
    startup = startup_cpu(env, data_dir)
    out: dict = {"startup_cpu_s": round(startup, 2)}
    load = load_average()
    canonical, wall, cpu = jigsaw(["import", str(feeds), "--json", "--no-link"], env)
    out["canonical_import"] = _figures(canonical, wall, cpu, load, startup)
    args = ["import", *map(str, returns), "--source", "csc", "--json", "--no-link"]
    load = load_average()
    first, wall, cpu = jigsaw(args, env)
    out["returns_import"] = _figures(first, wall, cpu, load, startup)
    load = load_average()
    again, wall, cpu = jigsaw(args, env)
    out["returns_reimport"] = _figures(again, wall, cpu, load, startup)
    out["returns_vs_canonical_rows_per_s"] = round(
        out["returns_import"]["rows_per_s"] / out["canonical_import"]["rows_per_s"], 2)
    out["returns_vs_canonical_rows_per_import_cpu_s"] = round(
        out["returns_import"]["rows_per_import_cpu_s"]
        / out["canonical_import"]["rows_per_import_cpu_s"], 2)
    out["command"] = "jigsaw import RETURNS... --source csc --json --no-link"
    out["meets_target"] = min(out["returns_import"]["rows_per_s"],
                              out["returns_reimport"]["rows_per_s"]) >= TARGET_ROWS_PER_SECOND
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--children", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--postgres", default=os.environ.get(
        "JIGSAW_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"))
    args = parser.parse_args()

    from jigsaw.synth import write_partnership
    from jigsaw.synth.returns import write_returns

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        summary = write_partnership(work / "feeds", children=int(args.children * HEADROOM),
                                    seed=args.seed)
        made = write_returns(work / "feeds", work / "returns", seed=args.seed,
                             children=args.children)
        result: dict = {
            "partnership_children": summary.children, "returns_children": made.children,
            "cin_census_rows": made.cin_rows, "ssda903_rows": made.ssda903_rows,
            "return_file_bytes": sum(p.stat().st_size for p in made.files),
            "target_rows_per_s": TARGET_ROWS_PER_SECOND,
            "sqlite": measure(work / "feeds", list(made.files), f"sqlite:///{work / 'b.sqlite3'}",
                              work),
        }
        if args.postgres.lower() != "none":
            import psycopg

            name = f"jigsaw_bench_{uuid.uuid4().hex[:8]}"
            with psycopg.connect(args.postgres, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
            try:
                url = args.postgres.rsplit("/", 1)[0] + "/" + name
                result["postgresql"] = measure(work / "feeds", list(made.files), url, work)
            finally:
                with psycopg.connect(args.postgres, autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    write_result("returns_import", result)


if __name__ == "__main__":
    main()
