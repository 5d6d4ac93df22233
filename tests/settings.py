"""Test settings: the embedded SQLite default plus the PostgreSQL server as alias "postgres".

Persistence tests run on both. Outside CI, an unreachable server skips the PostgreSQL half
with a message; in CI (CI=true) it is an error, never a skip.
"""

import os

import dj_database_url

from jigsaw.settings import *  # noqa: F403
from jigsaw.settings import DATABASES, postgres_options

POSTGRES_URL = os.environ.get("JIGSAW_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def _reachable(url: str) -> str | None:
    """None when the server answers, else why not."""
    try:
        import psycopg

        cfg = dj_database_url.parse(url)
        psycopg.connect(
            host=cfg["HOST"] or None, port=cfg["PORT"] or None, user=cfg["USER"] or None,
            password=cfg["PASSWORD"] or None, dbname=cfg["NAME"], connect_timeout=3,
        ).close()
    except Exception as exc:  # any failure to connect means "not here"
        return str(exc).strip().splitlines()[0]
    return None


POSTGRES_PROBLEM = _reachable(POSTGRES_URL) if POSTGRES_URL.lower() != "none" else "disabled"
if POSTGRES_PROBLEM is None:
    DATABASES["postgres"] = dj_database_url.parse(POSTGRES_URL)
    DATABASES["postgres"]["OPTIONS"] = postgres_options()  # as the application runs
    # One name per test run (pytest-xdist gives every run an id its workers share, and adds
    # _gwN per worker), so two runs on one server never fight over a test database.
    _RUN = os.environ.get("PYTEST_XDIST_TESTRUNUID", "")[:8] or str(os.getpid())
    DATABASES["postgres"]["TEST"] = {"NAME": f"jigsaw_test_{_RUN}"}

# Hashing a password with Django's PBKDF2 (a million iterations) takes most of a second; tests hash
# with MD5 as Django's testing docs advise. Production, and the jigsaw command even in-process
# (tests/command.py), keep PBKDF2.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher",
                    "django.contrib.auth.hashers.PBKDF2PasswordHasher"]
