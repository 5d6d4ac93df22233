"""Import throughput (rows/s) of a synthetic partnership on SQLite and on PostgreSQL.

Target (foundation issue): >= 50,000 rows/s on each. Each database is measured in a fresh
process through the real `jigsaw import --json`, first load and then a second import of the
same feeds (all rows unchanged). Rows/s is rows read over the files' own import seconds, so
process start-up, and identity linking after the load (skipped with `--no-link` where the
command has it), are not counted. The 1-minute load average is recorded before each import:
other work on a 2-CPU machine stretches the figures. Usage:

    python benchmarks/import_speed.py [--children 20000] [--postgres URL|none]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _machine import load_average, write_result
from _machine import timed_jigsaw as jigsaw

TARGET_ROWS_PER_SECOND = 50_000


def import_args(feeds: Path, env: dict) -> list[str]:
    """`import FEEDS --json`, plus `--no-link` if this version of the command links afterwards."""
    done = subprocess.run([sys.executable, "-m", "jigsaw", "import", "--help"], env=env,
                          capture_output=True, text=True, check=True)
    return ["import", str(feeds), "--json", *(["--no-link"] if "--no-link" in done.stdout else [])]


def measure(feeds: Path, url: str, data_dir: Path) -> dict:
    env = {**os.environ, "JIGSAW_DATABASE_URL": url, "JIGSAW_DATA_DIR": str(data_dir)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    jigsaw(["migrate"], env)
    args = import_args(feeds, env)
    first_load = load_average()
    first, first_s = jigsaw(args, env)
    again_load = load_average()
    again, again_s = jigsaw(args, env)
    import_seconds = sum(f["seconds"] for f in first["files"])
    return {
        "command": "jigsaw " + " ".join([*args[:1], "FEEDS", *args[2:]]),
        "rows": first["read"], "accepted": first["accepted"],
        "quarantined": first["quarantined"], "warnings": first["warnings"],
        "first_import_load_average": first_load,
        "first_import_wall_s": round(first_s, 2),
        "first_import_rows_per_s": round(first["read"] / import_seconds),
        "reimport_unchanged": again["unchanged"],
        "reimport_load_average": again_load,
        "reimport_wall_s": round(again_s, 2),
        "reimport_rows_per_s": round(again["read"] / sum(f["seconds"] for f in again["files"])),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--children", type=int, default=20_000)
    parser.add_argument("--postgres", default=os.environ.get(
        "JIGSAW_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"))
    args = parser.parse_args()

    from jigsaw.synth import write_partnership

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        summary = write_partnership(work / "feeds", children=args.children, seed=7)
        result: dict = {"children": summary.children, "target_rows_per_s": TARGET_ROWS_PER_SECOND,
                        "sqlite": measure(work / "feeds", f"sqlite:///{work / 'b.sqlite3'}", work)}
        if args.postgres.lower() != "none":
            import psycopg

            name = f"jigsaw_bench_{uuid.uuid4().hex[:8]}"
            with psycopg.connect(args.postgres, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
            try:
                url = args.postgres.rsplit("/", 1)[0] + "/" + name
                result["postgresql"] = measure(work / "feeds", url, work)
            finally:
                with psycopg.connect(args.postgres, autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    for db in ("sqlite", "postgresql"):
        if db in result:
            result[db]["meets_target"] = min(
                result[db]["first_import_rows_per_s"], result[db]["reimport_rows_per_s"]
            ) >= TARGET_ROWS_PER_SECOND
    write_result("import_speed", result)


if __name__ == "__main__":
    main()
