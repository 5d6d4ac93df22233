"""``Patient/$person-info-query``'s cost per query: server time and CPU, Python's and PostgreSQL's.

Wall time on a shared host measures the other work as much as the code; CPU does not, so this
reads the process's own CPU time and its PostgreSQL backend's (``/proc/<pid>/stat``, so Linux,
with the database on this machine). Run against a database an ``api_speed.py --keep`` run left,
with the code to measure first on ``PYTHONPATH``; alternate two versions' runs to compare them:

    python benchmarks/api_cpu.py --children 100000 --requests 75 --seed 41
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from _machine import write_result
from _webdb import env_for, exists, latency_stats, start_django
from api_speed import QUERY, _client_and_token, _queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=75)
    parser.add_argument("--seed", type=int, default=41)
    args = parser.parse_args()
    name = f"jigsaw_bench_api_{args.children}"
    if not exists(name):
        raise SystemExit(f"no database {name}: run api_speed.py --children {args.children} --keep first")
    with tempfile.TemporaryDirectory() as tmp:
        start_django(env_for(name, Path(tmp) / "data"))
        from django.db import connection
        from django.test import Client

        import jigsaw

        token = _client_and_token()
        queries = _queries(args.seed, args.requests)
        client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {token}")
        client.post(QUERY, queries[0][0], content_type="application/fhir+json")  # the scorer loads once
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        tick = os.sysconf("SC_CLK_TCK")

        def backend_cpu() -> float:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / tick

        ms = []
        pg0, py0 = backend_cpu(), time.process_time()
        for body, _known in queries:
            started = time.perf_counter()
            response = client.post(QUERY, body, content_type="application/fhir+json")
            ms.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
        pg1, py1 = backend_cpu(), time.process_time()
    n = len(queries)
    write_result("api_cpu", {
        "children": args.children, "code": str(Path(jigsaw.__file__).parent),
        "server_time": latency_stats(ms), "python_cpu_ms": round((py1 - py0) * 1000 / n, 1),
        "postgresql_cpu_ms": round((pg1 - pg0) * 1000 / n, 1),
        "load_average_1min": round(os.getloadavg()[0], 1)})


if __name__ == "__main__":
    main()
