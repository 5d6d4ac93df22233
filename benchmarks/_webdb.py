"""A fresh PostgreSQL database of N synthetic children for the web benchmarks, built as an operator would.

``jigsaw migrate``, ``jigsaw synth`` and ``jigsaw import`` (which links and runs the rules), each a
subprocess, so the database is what a real deployment would hold; then Django can be started in
the benchmark's own process against it (to create users, read ids, verify the access log).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

PG = "postgresql://postgres@127.0.0.1:5432/"


@dataclass(frozen=True)
class Partnership:
    env: dict[str, str]  # JIGSAW_DATA_DIR and JIGSAW_DATABASE_URL for `jigsaw` and Django
    feeds: Path | None  # the synthetic feeds (None when an existing database was reused)
    import_link_alerts_s: float | None


def jigsaw(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "-m", "jigsaw", *args], env={**os.environ, **env}, check=True,
                   stdout=subprocess.DEVNULL)


def env_for(name: str, data_dir: Path) -> dict[str, str]:
    return {"JIGSAW_DATA_DIR": str(data_dir), "JIGSAW_DATABASE_URL": PG + name}


def exists(name: str) -> bool:
    import psycopg

    with psycopg.connect(PG + "postgres", autocommit=True) as con:
        return con.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def drop(name: str) -> None:
    import psycopg

    with psycopg.connect(PG + "postgres", autocommit=True) as con:
        con.execute(f"DROP DATABASE IF EXISTS {name}")


def build(name: str, children: int, seed: int, tmp: Path) -> Partnership:
    """Drop and recreate ``name``, then synth, import, link and alert ``children`` children into it."""
    import psycopg

    drop(name)
    with psycopg.connect(PG + "postgres", autocommit=True) as con:
        con.execute(f"CREATE DATABASE {name}")
    env = env_for(name, tmp / "data")
    jigsaw(env, "migrate")
    feeds = tmp / "feeds"
    jigsaw(env, "synth", "--children", str(children), "--seed", str(seed), "--out", str(feeds))
    started = time.perf_counter()
    jigsaw(env, "import", str(feeds))
    return Partnership(env, feeds, round(time.perf_counter() - started, 1))


def latency_stats(ms: list[float]) -> dict[str, float]:
    """n, p50, p95 and max of server times in milliseconds, as every web benchmark reports them."""
    import numpy as np

    a = np.array(ms)
    return {"n": len(ms), "p50_ms": round(float(np.percentile(a, 50)), 1),
            "p95_ms": round(float(np.percentile(a, 95)), 1), "max_ms": round(float(a.max()), 1)}


def start_django(env: dict[str, str]) -> None:
    """Django in this process, against the partnership's database."""
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "jigsaw.settings"
    import django

    django.setup()


def signed_in_client(username: str, role: str, confirm: bool = False, **made: object):
    """A Django test client signed in as ``username`` past both sign-in steps, as the one-time code
    leaves the session; the account is made with ``role`` (and ``made``, e.g. vetting dates) if it
    does not exist. ``confirm`` marks the authenticator enrolled (a kept database's account)."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from jigsaw.accounts.services import create_user

    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        create_user(username, "a long benchmark passphrase", role, **made)
        user = get_user_model().objects.get(username=username)
    if confirm:
        TOTPDevice.objects.filter(user=user).update(confirmed=True)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = TOTPDevice.objects.get(user=user).persistent_id
    session.save()
    return client
