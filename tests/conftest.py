"""Shared fixtures: database aliases, feed-writing helpers, the jigsaw command (in-process and real)."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

BOTH = ["default", "postgres"]


@pytest.fixture(autouse=True)
def fresh_scorer():
    """Each test's database has its own model row; never reuse another test's cached scorer."""
    from jigsaw.signpost import matching

    matching._scorers.clear()
    yield
    matching._scorers.clear()


@pytest.fixture(params=["default", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_alias(request) -> str:
    """Run the test once on SQLite and once on PostgreSQL."""
    if request.param == "postgres" and "postgres" not in settings.DATABASES:
        from tests.settings import POSTGRES_PROBLEM, POSTGRES_URL

        message = f"PostgreSQL at {POSTGRES_URL} is not reachable ({POSTGRES_PROBLEM})"
        if os.environ.get("CI"):
            pytest.fail(message + "; CI must test PostgreSQL")
        pytest.skip(message + "; set JIGSAW_TEST_POSTGRES_URL to test it")
    return request.param


def write_csv(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


PEOPLE_HEADER = ["source_system", "source_id", "given_name", "family_name", "birth_date",
                 "nhs_number", "postcode", "sex"]
EVENTS_HEADER = ["source_system", "event_id", "person_source_id", "event_type", "occurred_at",
                 "details", "summary"]


@pytest.fixture
def feed_dir(tmp_path: Path) -> Path:
    """A source folder 'gp' with two good people (one valid NHS number)."""
    folder = tmp_path / "gp"
    write_csv(folder / "people.csv", PEOPLE_HEADER, [
        ["gp1", "P1", "Amy", "Smith", "2020-03-04", "9434765919", "sw1a1aa", "F"],
        ["gp1", "P2", "Ben", "Jones", "2015-07-09", "", "M1 1AE", "M"],
    ])
    return folder


@pytest.fixture(scope="session")
def jigsaw(django_db_blocker, tmp_path_factory):
    """``jigsaw(*args, env=..., input=...)``: the command run in this process (tests/command.py).

    Same result fields and exit statuses as :func:`run_jigsaw`, without starting Python and Django.
    """
    from tests.command import InProcessJigsaw

    return InProcessJigsaw(django_db_blocker, tmp_path_factory.mktemp("jigsaw-schema"))


def run_jigsaw(*args: str, env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run the real `jigsaw` command in a subprocess (as a user would): keep it for smoke tests."""
    full_env = {**os.environ, **(env or {})}
    full_env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "-m", "jigsaw", *args], capture_output=True, text=True, env=full_env,
        timeout=timeout, check=False,
    )
