"""Machine facts recorded beside every benchmark result."""

from __future__ import annotations

import json
import os
import platform
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
PG_URL = "postgresql://postgres@127.0.0.1:5432/"


def fresh_django(root: Path, database: str, pg_name: str) -> None:
    """Start Django in this process on an empty, migrated database: SQLite under ``root``, or the
    PostgreSQL database ``pg_name`` dropped and made again (``database == "postgres"``)."""
    os.environ["JIGSAW_DATA_DIR"] = str(root / "data")
    os.environ["DJANGO_SETTINGS_MODULE"] = "jigsaw.settings"
    if database == "postgres":
        import psycopg

        with psycopg.connect(PG_URL + "postgres", autocommit=True) as con:
            con.execute(f"DROP DATABASE IF EXISTS {pg_name}")
            con.execute(f"CREATE DATABASE {pg_name}")
        os.environ["JIGSAW_DATABASE_URL"] = PG_URL + pg_name
    else:
        os.environ["JIGSAW_DATABASE_URL"] = f"sqlite:///{root / 'bench.sqlite3'}"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)


def machine() -> dict:
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def write_result(name: str, result: dict) -> Path:
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps({"machine": machine(), **result}, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    return path


def timed_jigsaw(args: list[str], env: dict) -> tuple[dict | None, float]:
    """Run `jigsaw ARGS` as a user would; its JSON (with ``--json``) and the wall seconds."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "jigsaw", *args], env=env, capture_output=True,
                          text=True, check=False)
    if done.returncode != 0:
        why = done.stderr.strip()[-500:]
        raise SystemExit(f"jigsaw {' '.join(args[:2])} failed ({done.returncode}): {why}")
    seconds = time.perf_counter() - start
    return (json.loads(done.stdout) if "--json" in args else None), seconds


def cpu_timed_jigsaw(args: list[str], env: dict) -> tuple[dict | None, float, float]:
    """``timed_jigsaw`` plus the CPU seconds (user + system) the command used, its parse worker
    included (a child it waits for); a database server's own CPU is not counted.

    Wall seconds stretch with whatever else the machine runs; CPU seconds much less so, which
    makes figures from a shared machine comparable between runs.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result, wall = timed_jigsaw(args, env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return result, wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def load_average() -> float:
    """The host's 1-minute load average, recorded beside a timing."""
    return round(os.getloadavg()[0], 2)
