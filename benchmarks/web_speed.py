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
import random
import re
import tempfile
import time
from pathlib import Path

from _machine import write_result
from _webdb import build, drop, latency_stats, start_django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--seed", type=int, default=9)
    args = parser.parse_args()
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


def _measure(sample: list[dict]) -> dict:
    from datetime import date, timedelta

    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from jigsaw.accounts.services import create_user

    recently = date.today() - timedelta(days=30)
    create_user("bench-sw", "a long benchmark passphrase", "social_worker", vetted_on=recently,
                trained_on=recently, enrolled=True)
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


if __name__ == "__main__":
    main()
