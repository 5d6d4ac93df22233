"""Server time of the search page and the child page on PostgreSQL (issue 5: p95 150 / 200 ms).

Builds a partnership of N synthetic children in a fresh PostgreSQL database the way an operator
would (`jigsaw synth`, `jigsaw import`, which links and runs the rules), then, in this process,
signs in a social worker (password and one-time code, as the sign-in leaves the session) and
times Django's handling of each request with its test client: the search POST with a misspelt
given name and a swapped birth date, and the child's page of the first result. Network and
browser time are not included. Run: ``python benchmarks/web_speed.py [--children 100000]``.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from _machine import write_result

PG = "postgresql://postgres@127.0.0.1:5432/"


def _jigsaw(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "-m", "jigsaw", *args], env={**os.environ, **env}, check=True,
                   stdout=subprocess.DEVNULL)


def _stats(ms: list[float]) -> dict[str, float]:
    a = np.array(ms)
    return {"n": len(ms), "p50_ms": round(float(np.percentile(a, 50)), 1),
            "p95_ms": round(float(np.percentile(a, 95)), 1), "max_ms": round(float(a.max()), 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--seed", type=int, default=9)
    args = parser.parse_args()
    import psycopg

    name = "jigsaw_bench_web"
    with psycopg.connect(PG + "postgres", autocommit=True) as con:
        con.execute(f"DROP DATABASE IF EXISTS {name}")
        con.execute(f"CREATE DATABASE {name}")
    result: dict = {"children": args.children, "database": "postgresql"}
    with tempfile.TemporaryDirectory() as tmp:
        env = {"JIGSAW_DATA_DIR": str(Path(tmp) / "data"), "JIGSAW_DATABASE_URL": PG + name}
        _jigsaw(env, "migrate")
        feeds = Path(tmp) / "feeds"
        _jigsaw(env, "synth", "--children", str(args.children), "--seed", str(args.seed), "--out", str(feeds))
        started = time.perf_counter()
        _jigsaw(env, "import", str(feeds))
        result["import_link_alerts_s"] = round(time.perf_counter() - started, 1)
        with (feeds / "gp01" / "people.csv").open(encoding="utf-8") as f:
            children = [r for r in csv.DictReader(f) if r["is_child"] == "true" and r["birth_date"]]
        os.environ.update(env)
        os.environ["DJANGO_SETTINGS_MODULE"] = "jigsaw.settings"
        import django

        django.setup()
        result.update(_measure(random.Random(args.seed).sample(children, args.requests)))
        write_result("web_speed", result)
        from django.db import connections

        connections.close_all()
    with psycopg.connect(PG + "postgres", autocommit=True) as con:
        con.execute(f"DROP DATABASE IF EXISTS {name}")


def _measure(sample: list[dict]) -> dict:
    from datetime import date, timedelta

    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from jigsaw.accounts.services import create_user

    recently = date.today() - timedelta(days=30)
    create_user("bench-sw", "a long benchmark passphrase", "social_worker", vetted_on=recently,
                trained_on=recently)
    user = get_user_model().objects.get(username="bench-sw")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = TOTPDevice.objects.get(user=user).persistent_id
    session.save()
    search_ms, child_ms, found = [], [], 0
    for row in sample:
        y, m, d = row["birth_date"].split("-")
        given = row["given_name"]
        given = given[0] + given[2] + given[1] + given[3:] if len(given) > 3 else given
        form = {"given_name": given, "family_name": row["family_name"], "reason": "s47",
                "dob-day": m if int(d) <= 12 else d, "dob-month": d if int(d) <= 12 else m, "dob-year": y}
        t = time.perf_counter()
        response = client.post(reverse("pages:search"), form)
        search_ms.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200, response.status_code
        first = re.search(r'href="/children/(\d+)/"', response.content.decode())  # the top result's link
        if first is None:
            continue
        found += 1
        person_id = int(first.group(1))
        t = time.perf_counter()
        page = client.get(reverse("pages:child", args=[person_id]))
        child_ms.append((time.perf_counter() - t) * 1000)
        assert page.status_code in (200, 403), page.status_code
    return {"search_page": _stats(search_ms), "child_page": _stats(child_ms) if child_ms else None,
            "found_share": round(found / len(sample), 3)}


if __name__ == "__main__":
    main()
