"""Atomicity and concurrency with real processes: killed imports and simultaneous imports."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psycopg
import pytest

from jigsaw.records.importer import import_paths
from jigsaw.records.importer import run as import_run
from jigsaw.records.models import ImportBatch, PersonRecord
from tests.conftest import BOTH, PEOPLE_HEADER, write_csv

#: these tests are about loading; identity linking after the load is tested elsewhere
NO_LINK = ("--no-link",)


@pytest.mark.django_db(databases=BOTH)
def test_failure_mid_file_leaves_the_database_as_it_was(db_alias, tmp_path, monkeypatch, feed_dir):
    import_paths([feed_dir], using=db_alias)
    big = write_csv(tmp_path / "more" / "people.csv", PEOPLE_HEADER,
                    [["gp1", f"N{i}", "Amy", "Smith", "2020-03-04", "", "", "F"] for i in range(12000)])
    calls = {"n": 0}
    real_load = import_run.Stager.load

    def failing_load(self, rows):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("simulated crash after the first batch was staged")
        return real_load(self, rows)

    monkeypatch.setattr(import_run.Stager, "load", failing_load)
    with pytest.raises(RuntimeError):
        import_paths([big], using=db_alias)
    assert PersonRecord.objects.using(db_alias).count() == 2
    assert ImportBatch.objects.using(db_alias).filter(file_name=str(big)).count() == 0


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def scratch_db(request, tmp_path, db_alias_for_url, jigsaw):
    """A fresh, migrated database that separate processes can share."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'scratch.sqlite3'}"
        created = None
    else:
        base = db_alias_for_url
        name = f"jigsaw_scratch_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        url, created = base.rsplit("/", 1)[0] + "/" + name, name
    env = {"JIGSAW_DATABASE_URL": url, "JIGSAW_DATA_DIR": str(tmp_path / "data")}
    done = jigsaw("migrate", env=env)
    assert done.returncode == 0, done.stderr
    yield env
    if created:
        with psycopg.connect(db_alias_for_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{created}" WITH (FORCE)')


@pytest.fixture
def db_alias_for_url() -> str:
    from django.conf import settings

    from tests.settings import POSTGRES_PROBLEM, POSTGRES_URL

    if "postgres" not in settings.DATABASES and not os.environ.get("CI"):
        pytest.skip(f"PostgreSQL not reachable ({POSTGRES_PROBLEM})")
    return POSTGRES_URL


def _count(env: dict) -> int:
    probe = ("import django,os; os.environ['DJANGO_SETTINGS_MODULE']='jigsaw.settings'; "
             "django.setup(); from jigsaw.records.models import PersonRecord as P; "
             "print(P.objects.count(), P.objects.values('source_system','record_key').distinct().count())")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         env={**os.environ, **env}, check=True)
    total, distinct = map(int, out.stdout.split())
    assert total == distinct, "duplicate person records"
    return total


def _import_lock_held(url: str) -> bool:
    """Whether an import's file transaction is open (it holds the import lock)."""
    if url.startswith("sqlite:///"):
        probe = sqlite3.connect(url.removeprefix("sqlite:///"), timeout=0)
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.rollback()
            return False
        except sqlite3.OperationalError:
            return True
        finally:
            probe.close()
    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute("SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' "
                            "AND objid = %s)", [import_run.IMPORT_LOCK_ID]).fetchone()[0]


def _big_feed(folder: Path, n: int) -> Path:
    return write_csv(folder / "people.csv", PEOPLE_HEADER,
                     [["gp1", f"P{i}", "Amy", "Smith", "2020-03-04", "", "", "F"] for i in range(n)])


@pytest.mark.slow
def test_killing_an_import_leaves_nothing_and_rerun_completes(scratch_db, tmp_path, jigsaw):
    path = _big_feed(tmp_path / "feed", 300_000)
    env = {**os.environ, **scratch_db}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    proc = subprocess.Popen([sys.executable, "-m", "jigsaw", "import", str(path), *NO_LINK], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not _import_lock_held(scratch_db["JIGSAW_DATABASE_URL"]):  # the file's transaction
        assert proc.poll() is None and time.monotonic() < deadline, "the import never started"
        time.sleep(0.05)
    time.sleep(0.5)  # well into streaming the file (it takes a couple of seconds)
    assert proc.poll() is None, "import finished before it could be killed; make the file bigger"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert _count(scratch_db) == 0
    done = jigsaw("import", str(path), "--json", *NO_LINK, env=scratch_db)
    assert done.returncode == 0, done.stderr
    assert _count(scratch_db) == 300_000


@pytest.mark.slow
def test_the_same_file_imported_twice_at_once(scratch_db, tmp_path):
    path = _big_feed(tmp_path / "feed", 60_000)
    env = {**os.environ, **scratch_db}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    cmd = [sys.executable, "-m", "jigsaw", "import", str(path), "--json", *NO_LINK]
    procs = [subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for _ in range(2)]
    outputs = [p.communicate(timeout=300) for p in procs]
    codes = [p.returncode for p in procs]
    assert all(c in (0, 1) for c in codes), outputs
    assert 0 in codes
    for code, (_out, err) in zip(codes, outputs, strict=True):
        if code == 1:  # failed cleanly: one line, no traceback
            assert "Traceback" not in err and "another import" in err
    assert _count(scratch_db) == 60_000
