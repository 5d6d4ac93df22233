"""Server time of the analysts' partnership figures page on PostgreSQL (target: p95 under 1 s at 100,000).

Builds a partnership of N synthetic children in a fresh PostgreSQL database the way an operator
would (`jigsaw synth`, `jigsaw import`, which links and runs the rules), then gives its alerts a
year of synthetic history in SQL (raised across the last 12 months; some acknowledged, some
closed as actioned or dismissed, each step with its action row), because every alert a fresh
import raises is open and raised today, which would leave the medians and the monthly series
empty. In this process it signs in an analyst (password and one-time code, as the sign-in leaves
the session) and times Django's handling of the page with its test client: with the population
figures' cache emptied first (as after an import, or at midnight), then as usual, unfiltered and
with a date range, and the CSV export. Network and browser time are not included.

Run: ``python benchmarks/aggregates_speed.py [--children 100000] [--keep]``; ``--keep`` leaves
the database for a later ``--reuse`` run (which skips the build).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from _machine import write_result
from _webdb import PG, build, drop, env_for, exists, jigsaw, latency_stats, start_django

# A year of alert work, deterministic (setseed): 30% acknowledged and left open, 40% closed
# (half actioned, half dismissed), the rest untouched.
HISTORY = """
SELECT setseed(0.42);
UPDATE alerts_alert SET raised_at = now() - random() * interval '365 days';
UPDATE alerts_alert SET status = 'acknowledged' WHERE id % 10 IN (1, 2, 3);
UPDATE alerts_alert SET status = 'closed', outcome = CASE WHEN id % 2 = 0 THEN 'actioned' ELSE 'dismissed' END
 WHERE id % 10 IN (4, 5, 6, 7);
INSERT INTO alerts_alertaction (alert_id, action, "by", reason, at)
 SELECT id, 'acknowledged', 'benchmark', '', raised_at + random() * interval '5 days'
 FROM alerts_alert WHERE id % 10 IN (1, 2, 3, 4, 5);
INSERT INTO alerts_alertaction (alert_id, action, "by", reason, at)
 SELECT id, outcome, 'benchmark', 'synthetic history',
        raised_at + interval '6 days' + random() * interval '30 days'
 FROM alerts_alert WHERE status = 'closed';
ANALYZE;
"""


def _build(name: str, children: int, seed: int, tmp: Path) -> tuple[dict[str, str], dict]:
    """The partnership (``_webdb.build``), then a year of alert history on top."""
    import psycopg

    built = build(name, children, seed, tmp)
    with psycopg.connect(PG + name, autocommit=True) as con:
        con.execute(HISTORY)
    return built.env, {"import_link_alerts_s": built.import_link_alerts_s}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--keep", action="store_true", help="leave the database for a later --reuse")
    parser.add_argument("--reuse", action="store_true", help="use the database a --keep run left")
    args = parser.parse_args()
    name = f"jigsaw_bench_aggregates_{args.children}"
    result: dict = {"children": args.children, "database": "postgresql"}
    with tempfile.TemporaryDirectory() as tmp:
        if args.reuse and exists(name):
            env = env_for(name, Path(tmp) / "data")
            jigsaw(env, "migrate")  # the schema may have moved on since the --keep run
        else:
            env, built = _build(name, args.children, args.seed, Path(tmp))
            result.update(built)
        start_django(env)
        result.update(_measure(args.requests))
        write_result(f"aggregates_speed_{args.children}" if args.children != 100_000 else "aggregates_speed",
                     result)
        from django.db import connections

        connections.close_all()
    if not args.keep:
        drop(name)


def _timed(client, url: str, n: int) -> tuple[list[float], int]:
    ms, size = [], 0
    for _ in range(n):
        t = time.perf_counter()
        response = client.get(url)
        ms.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200, response.status_code
        size = len(response.content)
    return ms, size


def _measure(requests: int) -> dict:
    from datetime import date

    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from jigsaw.accounts.services import create_user
    from jigsaw.alerts.models import Alert
    from jigsaw.records.models import PersonRecord
    from jigsaw.signpost.models import Person

    if not get_user_model().objects.filter(username="bench-analyst").exists():
        create_user("bench-analyst", "a long benchmark passphrase", "analyst", enrolled=True)
    user = get_user_model().objects.get(username="bench-analyst")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = TOTPDevice.objects.get(user=user).persistent_id
    session.save()
    page = reverse("insight:aggregates")
    today = date.today()
    start = date(today.year - 1, today.month, 1)
    ranged = (f"{page}?from-day={start.day}&from-month={start.month}&from-year={start.year}"
              f"&to-day={today.day}&to-month={today.month}&to-year={today.year}")
    from django.core.cache import cache

    cold_ms = []
    for _ in range(5):  # the population figures recomputed, as after an import or at midnight
        cache.clear()
        cold_ms += _timed(client, page, 1)[0]
    page_ms, size = _timed(client, page, requests)
    ranged_ms, _ = _timed(client, ranged, max(requests // 2, 1))
    csv_ms, csv_size = _timed(client, reverse("insight:aggregates-csv"), max(requests // 5, 1))
    return {"people": Person.objects.count(), "person_records": PersonRecord.objects.count(),
            "alerts": Alert.objects.count(), "aggregates_page_cold_cache": latency_stats(cold_ms),
            "aggregates_page": latency_stats(page_ms), "aggregates_page_with_dates": latency_stats(ranged_ms),
            "aggregates_csv": latency_stats(csv_ms), "page_bytes": size, "csv_bytes": csv_size}


if __name__ == "__main__":
    main()
