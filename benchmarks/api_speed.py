"""``Patient/$person-info-query`` speed on PostgreSQL (issue 15: p95 <= 50 ms server time at 100,000
children; >= 100 queries/s sustained through `jigsaw serve` on 2 cores with zero errors).

Builds a partnership of N synthetic children in a fresh PostgreSQL database as an operator would
(``_webdb``: `jigsaw synth`, `jigsaw import`), creates an API client of the GP's agency and takes a
token from the token endpoint. Then:

1. **Server time**: in this process, Django's handling of each query is timed with its test client
   (no network): a real child with two letters of the given name swapped (a keying error), and one
   query in five for a child who does not exist. The unknown ones must all answer ``match: false``.
2. **Throughput**: `jigsaw serve` (gunicorn) runs as a subprocess and wrk posts the same queries
   round-robin over keep-alive connections on loopback for ``--duration`` seconds. Errors are
   wrk's socket errors and any response other than 200. Afterwards every answered query must have
   its entry in the access log, and the log's hash chain must verify.

The per-client rate limit is raised for the run (``JIGSAW_API_RATE_LIMIT``): it is the server's
speed being measured, not its limit.

Run: ``python benchmarks/api_speed.py [--children 100000] [--duration 60]`` (``--children 2000
--duration 15`` to try it quickly; ``--keep`` keeps the database and ``--reuse`` starts from a
kept one). Needs Debian's ``wrk``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from _machine import write_result
from _webdb import (
    Partnership,
    build,
    drop,
    env_for,
    exists,
    jigsaw,
    latency_stats,
    signed_in_client,
    start_django,
)
from web_load import LoadSampler, _free_port, start_server

QUERY = "/fhir/r4/Patient/$person-info-query"
S47 = "https://www.legislation.gov.uk/ukpga/1989/41/section/47"
UNKNOWN_SHARE = 5  # one query in five is for a child nobody holds
MARKER = "JIGSAW-API "
TARGET_P95_MS, TARGET_QPS = 50, 100


def _body(given: str, family: str, born: str) -> str:
    patient = {"resourceType": "Patient", "name": [{"family": family, "given": [given]}], "birthDate": born}
    return json.dumps({"resourceType": "Parameters", "parameter": [
        {"name": "resource", "resource": patient}, {"name": "reason", "valueUri": S47}]})


def _queries(seed: int, count: int) -> list[tuple[str, bool]]:
    """(body, known) pairs: known children with a transposition in the given name, and strangers."""
    from jigsaw.records.models import PersonRecord

    rng = random.Random(seed)
    children = PersonRecord.objects.filter(is_child=True, birth_date__isnull=False,
                                           link__person__shielded=False)
    ids = list(children.values_list("pk", flat=True))
    out: list[tuple[str, bool]] = []
    for row in children.filter(pk__in=rng.sample(ids, min(count, len(ids)))).order_by("pk"):
        given = row.given_name
        given = given[0] + given[2] + given[1] + given[3:] if len(given) > 3 else given
        if rng.randrange(UNKNOWN_SHARE) == 0:
            out.append((_body("Zebedee", f"Quillfeather{rng.randrange(10**6)}", row.birth_date.isoformat()),
                        False))
        else:
            out.append((_body(given, row.family_name, row.birth_date.isoformat()), True))
    rng.shuffle(out)
    return out


def _client_and_token() -> str:
    from django.test import Client

    from jigsaw.api.clients import create
    from jigsaw.records.models import Agency

    agency = Agency.objects.filter(agency_type="health").order_by("name").first()
    made = create(f"bench-{int(time.time())}", agency.name, by="benchmark")
    response = Client(HTTP_HOST="127.0.0.1").post("/oauth/token/", {
        "grant_type": "client_credentials", "client_id": made.client_id, "client_secret": made.client_secret})
    assert response.status_code == 200, response.content
    return response.json()["access_token"]


def _server_time(token: str, queries: list[tuple[str, bool]]) -> dict:
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {token}")
    client.post(QUERY, queries[0][0], content_type="application/fhir+json")  # the scorer loads once
    ms, matched, wrong = [], 0, 0
    for body, known in queries:
        t = time.perf_counter()
        response = client.post(QUERY, body, content_type="application/fhir+json")
        ms.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200, response.content
        match = response.json()["parameter"][0]["valueBoolean"]
        matched += known and match
        wrong += (not known) and match
    known_total = sum(k for _, k in queries)
    return {"server_time": latency_stats(ms), "known_queries": known_total,
            "unknown_queries": len(queries) - known_total,
            "known_matched_share": round(matched / known_total, 3) if known_total else None,
            "unknown_matched": wrong}


def _page_time(queries: list[tuple[str, bool]]) -> dict:
    """The peer measured in the same run: the practitioners' search page, same details, same database."""
    from datetime import date, timedelta

    recently = date.today() - timedelta(days=30)
    client = signed_in_client(f"bench-api-sw-{int(time.time())}", "social_worker", vetted_on=recently,
                              trained_on=recently, enrolled=True)
    ms = []
    for body, _known in queries:
        resource = json.loads(body)["parameter"][0]["resource"]
        y, m, d = resource["birthDate"].split("-")
        form = {"given_name": resource["name"][0]["given"][0], "family_name": resource["name"][0]["family"],
                "reason": "s47", "dob-day": d, "dob-month": m, "dob-year": y}
        t = time.perf_counter()
        response = client.post("/search/", form)
        ms.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200, response.status_code
    return latency_stats(ms)


LUA = """-- generated by benchmarks/api_speed.py
local bodies = {{
{bodies}
}}
local token = "{token}"
local n = 0
function init(args)
  n = math.random(#bodies)
  counts = {{ok = 0, not_ok = 0}}  -- global: done() reads it with thread:get
end
function request()
  n = n % #bodies + 1
  return wrk.format("POST", "{path}", {{["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/fhir+json"}}, bodies[n])
end
function response(status, headers, body)
  if status == 200 then counts.ok = counts.ok + 1 else counts.not_ok = counts.not_ok + 1 end
end
local threads = {{}}
function setup(thread) table.insert(threads, thread) end
function done(summary, latency, requests)
  local ok, not_ok = 0, 0
  for _, t in ipairs(threads) do
    local c = t:get("counts"); ok = ok + c.ok; not_ok = not_ok + c.not_ok
  end
  local e = summary.errors
  io.write(string.format('{marker}{{"duration_us": %d, "requests": %d, "ok": %d, "not_ok": %d, '
    .. '"connect": %d, "read": %d, "write": %d, "timeout": %d, "p50_us": %d, "p90_us": %d, '
    .. '"p99_us": %d, "max_us": %d}}\\n', summary.duration, summary.requests, ok, not_ok, e.connect,
    e.read, e.write, e.timeout, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max))
end
"""


def _throughput(env: dict, token: str, queries: list[tuple[str, bool]], args: argparse.Namespace,
                tmp: Path) -> dict:
    script = tmp / "api.lua"
    bodies = ",\n".join(f"[==[{body}]==]" for body, _ in queries)
    script.write_text(LUA.format(bodies=bodies, token=token, path=QUERY, marker=MARKER), encoding="utf-8")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp / "serve.log"
    server = start_server({**env, "JIGSAW_API_RATE_LIMIT": "1000000/minute"}, port, args.workers,
                          args.threads, log)
    sampler = LoadSampler()
    try:
        # a few seconds first, so every worker has loaded the model before the clock starts
        warm = subprocess.run(["wrk", "-t1", "-c2", "-d5s", "-s", str(script), base + "/"],
                              capture_output=True, text=True, check=False, timeout=120)
        assert warm.returncode == 0, warm.stderr
        sampler.start()
        done = subprocess.run(["wrk", f"-t{args.wrk_threads}", f"-c{args.connections}", f"-d{args.duration}s",
                               "--timeout=10s", "-s", str(script), base + "/"],
                              capture_output=True, text=True, check=False, timeout=args.duration + 300)
        sampler.stop.set()
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    if done.returncode != 0:
        raise SystemExit(f"wrk failed ({done.returncode}): {done.stderr}")
    line = next(x for x in done.stdout.splitlines() if x.startswith(MARKER))
    raw = json.loads(line[len(MARKER):])
    warm_line = next(x for x in warm.stdout.splitlines() if x.startswith(MARKER))
    warm_ok = json.loads(warm_line[len(MARKER):])["ok"]
    seconds = raw["duration_us"] / 1e6
    errors = {k: raw[k] for k in ("not_ok", "connect", "read", "write", "timeout")}
    text = log.read_text(encoding="utf-8", errors="replace")
    return {"duration_s": round(seconds, 1), "connections": args.connections, "requests": raw["requests"],
            "queries_per_s": round(raw["ok"] / seconds, 1),
            "latency_ms": {k: round(raw[f"{k}_us"] / 1000, 1) for k in ("p50", "p90", "p99", "max")},
            "errors": errors, "errors_total": sum(errors.values()), "answered": raw["ok"] + warm_ok,
            "load_average_1min": (round(sum(sampler.samples) / len(sampler.samples), 2)
                                  if sampler.samples else None),
            "server_log_errors": sum(1 for x in text.splitlines() if "[ERROR]" in x or "Traceback" in x)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=300, help="queries timed in process")
    parser.add_argument("--duration", type=int, default=60, help="seconds of load through jigsaw serve")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: jigsaw serve's)")
    parser.add_argument("--threads", type=int, help="threads per worker (default: jigsaw serve's)")
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="use the database a --keep run left")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    name = f"jigsaw_bench_api_{args.children}"
    result: dict = {"children": args.children, "database": "postgresql", "cpus": os.cpu_count()}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        if args.reuse and exists(name):
            built = Partnership(env_for(name, tmp / "data"), None, None)
            jigsaw(built.env, "migrate")  # a kept database is brought to this checkout's schema
            result["reused_database"] = True
        else:
            built = build(name, args.children, args.seed, tmp)
            result["import_link_alerts_s"] = built.import_link_alerts_s
        start_django(built.env)
        from django.db import connections

        from jigsaw.audit.log import verify
        from jigsaw.audit.models import AccessEntry

        token = _client_and_token()
        queries = _queries(args.seed, args.requests)
        result.update(_server_time(token, queries))
        result["search_page_server_time"] = _page_time(queries)  # the peer, for the ratio
        result["api_to_search_page_p50_ratio"] = round(
            result["server_time"]["p50_ms"] / result["search_page_server_time"]["p50_ms"], 2)
        before = AccessEntry.objects.filter(action="search", person_id__isnull=True).count()
        connections.close_all()
        result["throughput"] = _throughput(built.env, token, queries, args, tmp)
        logged = AccessEntry.objects.filter(action="search", person_id__isnull=True).count() - before
        result["access_log"] = {"queries_logged": logged, "every_answer_logged":
                                logged >= result["throughput"]["answered"], "chain_ok": verify().ok}
        connections.close_all()
    if not args.keep:
        drop(name)
    through = result["throughput"]
    result["pass"] = (result["server_time"]["p95_ms"] <= TARGET_P95_MS
                      and through["queries_per_s"] >= TARGET_QPS
                      and through["errors_total"] == 0 and result["unknown_matched"] == 0
                      and result["access_log"]["every_answer_logged"] and result["access_log"]["chain_ok"])
    write_result("api_speed", result)


if __name__ == "__main__":
    main()
