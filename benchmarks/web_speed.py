"""Server time of the search page and the child page on PostgreSQL (issue 5: p95 150 / 200 ms).

Builds a partnership of N synthetic children in a fresh PostgreSQL database the way an operator
would (`jigsaw synth`, `jigsaw import`, which links and runs the rules), then, in this process,
signs in a social worker (password and one-time code, as the sign-in leaves the session) and
times Django's handling of each request with its test client: the search POST with a misspelt
given name and a swapped birth date, and the child's page of the first result. Network and
browser time are not included. Run: ``python benchmarks/web_speed.py [--children 100000]``.

Before and after (issue 11 and 13: no page more than 10% slower): ``--compare BASE_SRC`` builds the
database once, then measures it in turns from fresh processes, one importing Jigsaw from
``BASE_SRC`` (e.g. the ``src`` of a worktree of main) and one from this checkout, alternating
``--rounds`` times each, and reports each page's p95 for both and their ratio (and the same of
the Django process's CPU time, under ``cpu``; with the database backend's CPU, read from
/proc, the page's whole cost as ``total_cpu_mean_ratio``). It also times the home page (a social
worker's My work, and an administrator's import counts, the one home page that is the same before
and after issue 13), the hub's alert queue and an alert's page as a hub officer. ``--keep NAME`` keeps
(and on a later run reuses, migrated forward to this checkout) the database.
"""

from __future__ import annotations

import argparse
import csv
import functools
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _machine import write_result
from _webdb import build, drop, env_for, jigsaw, latency_stats, signed_in_client, start_django

HERE = Path(__file__).resolve().parent
PAGES = ("search_page", "child_page", "home_page", "admin_home", "alert_queue", "alert_page")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--compare", metavar="BASE_SRC", help="the src folder of the code to compare with")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keep", metavar="NAME", help="keep the database under this name (reused if there)")
    parser.add_argument("--measure", metavar="NAME", help=argparse.SUPPRESS)  # one turn, in a subprocess
    parser.add_argument("--feeds", help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        _one_turn(args)
        return
    if args.compare:
        _compare(args)
        return
    name = "jigsaw_bench_web"
    result: dict = {"children": args.children, "database": "postgresql"}
    with tempfile.TemporaryDirectory() as tmp:
        built = build(name, args.children, args.seed, Path(tmp))
        result["import_link_alerts_s"] = built.import_link_alerts_s
        with (built.feeds / "gp01" / "people.csv").open(encoding="utf-8") as f:
            children = [r for r in csv.DictReader(f) if r["is_child"] == "true" and r["birth_date"]]
        start_django(built.env)
        result.update(_measure(random.Random(args.seed).sample(children, args.requests)))
        write_result("web_speed", result)
        from django.db import connections

        connections.close_all()
    drop(name)


def _sample(feeds: Path, n: int, seed: int) -> list[dict]:
    with (feeds / "gp01" / "people.csv").open(encoding="utf-8") as f:
        children = [r for r in csv.DictReader(f) if r["is_child"] == "true" and r["birth_date"]]
    return random.Random(seed).sample(children, min(n, len(children)))


def _compare(args: argparse.Namespace) -> None:
    """Build once, then time base and this checkout in alternating fresh processes."""
    from _webdb import exists

    name = args.keep or "jigsaw_bench_web_compare"
    work = Path(tempfile.mkdtemp(prefix="jigsaw-web-speed-"))
    feeds = work / "feeds"
    result: dict = {"children": args.children, "database": "postgresql", "rounds": args.rounds,
                    "base_src": str(Path(args.compare).resolve())}
    if args.keep and exists(name) and (Path(tempfile.gettempdir()) / f"{name}-feeds").is_dir():
        feeds = Path(tempfile.gettempdir()) / f"{name}-feeds"
        env = env_for(name, work / "data")
        # migrated forward to this checkout, as when it was built (a new index or table lands)
        jigsaw({**env, "PYTHONPATH": str(HERE.parent / "src")}, "migrate")
    else:
        # Built by the base code (its trained model is one both sides can read: a newer scorer
        # still knows older levels), then migrated forward so this checkout finds its tables.
        before = os.environ.get("PYTHONPATH")
        os.environ["PYTHONPATH"] = str(Path(args.compare).resolve())
        try:
            built = build(name, args.children, args.seed, work)
        finally:
            os.environ.pop("PYTHONPATH") if before is None else os.environ.update(PYTHONPATH=before)
        jigsaw({**built.env, "PYTHONPATH": str(HERE.parent / "src")}, "migrate")
        env, feeds = built.env, built.feeds
        result["import_link_alerts_s"] = built.import_link_alerts_s
        if args.keep:
            kept = Path(tempfile.gettempdir()) / f"{name}-feeds"
            if not kept.exists():
                feeds.rename(kept)
            feeds = kept
    sides = {"base": str(Path(args.compare).resolve()), "this": str(HERE.parent / "src")}
    times: dict[str, dict[str, list[float]]] = {side: {page: [] for page in PAGES} for side in sides}
    for turn in range(args.rounds):
        for side in (("base", "this") if turn % 2 == 0 else ("this", "base")):
            command = [sys.executable, str(Path(__file__).resolve()), "--measure", name,
                       "--feeds", str(feeds),
                       "--data-dir", str(work / "data"), "--requests", str(args.requests),
                       "--seed", str(args.seed)]
            out = subprocess.run(command, env={**os.environ, **env, "PYTHONPATH": sides[side]},
                                 capture_output=True, text=True)
            if out.returncode:
                raise SystemExit(f"the {side} side failed: {out.stderr.strip().splitlines()[-1]}")
            for page, ms in json.loads(out.stdout.strip().splitlines()[-1]).items():
                times[side].setdefault(page, []).extend(ms)
    for page in PAGES:
        base, this = latency_stats(times["base"][page]), latency_stats(times["this"][page])
        result[page] = {"base": base, "this": this, "p95_ratio": round(this["p95_ms"] / base["p95_ms"], 3),
                        "p50_ratio": round(this["p50_ms"] / base["p50_ms"], 3)}
        if times["base"].get(page + ":cpu") and times["this"].get(page + ":cpu"):
            cpu = {side: latency_stats(times[side][page + ":cpu"]) for side in sides}
            this_cpu, base_cpu = cpu["this"], cpu["base"]
            result[page]["cpu"] = {**cpu, "p95_ratio": round(this_cpu["p95_ms"] / base_cpu["p95_ms"], 3),
                                   "p50_ratio": round(this_cpu["p50_ms"] / base_cpu["p50_ms"], 3)}
        if times["base"].get(page + ":server_cpu") and times["this"].get(page + ":server_cpu"):
            per = {side: statistics.fmean(times[side][page + ":server_cpu"]) for side in sides}
            mean_cpu = {side: statistics.fmean(times[side][page + ":cpu"]) for side in sides}
            result[page]["server_cpu_mean_ms"] = {side: round(v, 2) for side, v in per.items()}
            # what the page costs the machine: the Django process's CPU and the database backend's
            result[page]["total_cpu_mean_ratio"] = round(
                (mean_cpu["this"] + per["this"]) / (mean_cpu["base"] + per["base"]), 3)
    write_result("web_speed_compare", result)
    if not args.keep:
        drop(name)


def _one_turn(args: argparse.Namespace) -> None:
    """One side's turn: every page's server times in ms, as one JSON line on stdout."""
    start_django(env_for(args.measure, Path(args.data_dir)))
    sample = _sample(Path(args.feeds), args.requests, args.seed)
    print(json.dumps(_measure(sample, raw=True)))


def _user(username: str, role: str):
    """A vetted, trained account of ``role``, signed in (made on the first turn, reused after)."""
    from datetime import date, timedelta

    recently = date.today() - timedelta(days=30)
    return signed_in_client(username, role, vetted_on=recently, trained_on=recently)


@functools.cache
def _backend_pid() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _server_cpu_s() -> float:
    """CPU seconds the PostgreSQL backend serving this process has used (from /proc; the server
    runs on this machine): with the process's own CPU, what a page costs whatever else runs."""
    fields = Path(f"/proc/{_backend_pid()}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _timed(call, times: dict[str, list[float]], page: str):
    """Wall ms into ``times[page]``, this process's CPU ms into ``times[page + ":cpu"]`` and the
    database backend's into ``page + ":server_cpu"`` (both less swayed than wall time by other work
    on a shared machine; the backend's is counted in clock ticks, so it is read as a sum)."""
    t, cpu, server = time.perf_counter(), time.process_time(), _server_cpu_s()
    response = call()
    times[page].append((time.perf_counter() - t) * 1000)
    times.setdefault(page + ":cpu", []).append((time.process_time() - cpu) * 1000)
    times.setdefault(page + ":server_cpu", []).append((_server_cpu_s() - server) * 1000)
    return response


def _measure(sample: list[dict], raw: bool = False) -> dict:
    if raw:
        return _measure_all(sample)
    from datetime import date, timedelta

    from django.urls import reverse

    recently = date.today() - timedelta(days=30)
    client = signed_in_client("bench-sw", "social_worker", vetted_on=recently, trained_on=recently,
                              enrolled=True)
    search_ms, child_ms, found = [], [], 0
    for row in sample:
        y, m, d = row["birth_date"].split("-")
        given = row["given_name"]
        given = given[0] + given[2] + given[1] + given[3:] if len(given) > 3 else given
        form = {"given_name": given, "family_name": row["family_name"], "reason": "s47",
                "dob-day": m if int(d) <= 12 else d, "dob-month": d if int(d) <= 12 else m, "dob-year": y}
        t = time.perf_counter()
        response = client.post(reverse("signpost:search"), form)
        search_ms.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200, response.status_code
        first = re.search(r'href="/children/(\d+)/[?"]', response.content.decode())  # the top result's link
        if first is None:
            continue
        found += 1
        person_id = int(first.group(1))
        t = time.perf_counter()
        page = client.get(reverse("chronology:child", args=[person_id]), {"reason": "s47"})  # its own reason
        child_ms.append((time.perf_counter() - t) * 1000)
        assert page.status_code in (200, 403), page.status_code
    return {"search_page": latency_stats(search_ms),
            "child_page": latency_stats(child_ms) if child_ms else None,
            "found_share": round(found / len(sample), 3)}


def _measure_all(sample: list[dict]) -> dict[str, list[float]]:
    """Every page, as a social worker (search, child, home), an administrator (home: the import
    counts, the one home page the same before and after issue 13) and a hub officer (queue, alert)."""
    from django.urls import reverse

    from jigsaw.alerts.models import Alert

    worker, hub = _user("bench-sw", "social_worker"), _user("bench-hub", "hub_officer")
    admin = _user("bench-admin", "administrator")
    times: dict[str, list[float]] = {page: [] for page in PAGES}
    alerts = list(Alert.objects.order_by("pk").values_list("pk", flat=True)[:len(sample)])
    for i, row in enumerate(sample):
        y, m, d = row["birth_date"].split("-")
        given = row["given_name"]
        given = given[0] + given[2] + given[1] + given[3:] if len(given) > 3 else given
        form = {"given_name": given, "family_name": row["family_name"], "reason": "s47",
                "dob-day": m if int(d) <= 12 else d, "dob-month": d if int(d) <= 12 else m, "dob-year": y}
        response = _timed(lambda form=form: worker.post(reverse("signpost:search"), form),
                          times, "search_page")
        first = re.search(r'href="/children/(\d+)/[?"]', response.content.decode())
        if first is not None:
            url = reverse("chronology:child", args=[int(first.group(1))])
            _timed(lambda url=url: worker.get(url, {"reason": "s47"}), times, "child_page")
        _timed(lambda: worker.get(reverse("home")), times, "home_page")
        _timed(lambda: admin.get(reverse("home")), times, "admin_home")
        _timed(lambda: hub.get(reverse("alerts:alerts")), times, "alert_queue")
        if alerts:
            url = reverse("alerts:alert", args=[alerts[i % len(alerts)]])
            _timed(lambda url=url: hub.get(url), times, "alert_page")
    return times


if __name__ == "__main__":
    main()
