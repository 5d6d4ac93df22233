"""A DfE returns import's CPU, the importer's and its PostgreSQL backend's, in one process.

Wall time on a shared host measures the other work as much as the code; CPU time barely moves
with it. This imports a synthetic partnership's canonical feeds, then its council's CIN census
and SSDA903 (``--children`` children) twice with ``--source csc``, through ``import_paths`` with
parsing in this process (no worker), and records for each returns import the process's CPU
seconds and, on PostgreSQL, its backend's (``/proc/<pid>/stat``: Linux, database on this host).
The backend's seconds bound every import through one connection: rows read over them is the
most rows/s such an import can reach on this host, however fast the parsing.
Run it with each version's code first on ``PYTHONPATH`` and alternate them to compare:

    PYTHONPATH=<code>/src python benchmarks/returns_cpu.py --children 20000 --database postgres
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _machine import fresh_django, load_average, write_result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--children", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="postgres")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        from jigsaw.synth import write_partnership
        from jigsaw.synth.returns import write_returns

        write_partnership(root / "feeds", children=int(args.children * 1.3), seed=args.seed)
        made = write_returns(root / "feeds", root / "returns", seed=args.seed, children=args.children)
        fresh_django(root, args.database, "jigsaw_bench_returns_cpu")
        from django.db import connection

        import jigsaw
        from jigsaw.records.importer import import_paths, pipeline

        pipeline.BACKGROUND_MIN_BYTES = 1 << 62  # parse here: all the client's CPU in this process
        import_paths([root / "feeds"])
        pid = None
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("SELECT pg_backend_pid()")
                pid = cur.fetchone()[0]

        def backend() -> float:
            if pid is None:
                return 0.0
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

        result: dict = {"children": args.children, "database": args.database,
                        "code": str(Path(jigsaw.__file__).parent)}
        for step in ("first_import", "reimport"):
            load, server, client, wall = load_average(), backend(), time.process_time(), time.perf_counter()
            report = import_paths(list(made.files), source="csc")
            rows, server_s = report.total("rows_read"), backend() - server
            result[step] = {
                "rows": rows, "client_cpu_s": round(time.process_time() - client, 2),
                "server_cpu_s": round(server_s, 2) if pid else None,
                # the backend runs a file's statements one after another, so no import through
                # one connection can read rows faster than this on this host
                "server_ceiling_rows_per_s": round(rows / server_s) if pid and server_s else None,
                "wall_s": round(time.perf_counter() - wall, 2), "load_average": load,
                "accepted": report.total("accepted"), "unchanged": report.total("unchanged")}
    write_result(f"returns_cpu_{args.database}", result)


if __name__ == "__main__":
    main()
