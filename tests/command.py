"""The ``jigsaw`` command run inside the test process: what a subprocess would do, without a new Python.

A subprocess reads its settings from the environment (``JIGSAW_DATA_DIR``, ``JIGSAW_DATABASE_URL``
...) when Django starts. Here Django is already running on ``tests.settings``, so each call works
out the settings the command would have had under its environment, points the ``default``
connection at that database for the length of the call, and puts everything back afterwards.
The command itself (``jigsaw.cli.main``) sees an already-started Django and uses it as it is.

Starting a real process is kept for what only a process shows: the exit status the shell sees, no
traceback, ``python -m jigsaw``, the demo and server (``run_jigsaw`` in ``tests/conftest.py``).
"""

from __future__ import annotations

import importlib
import runpy
import shutil
import sqlite3
import sys
import threading
import traceback
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner
from django.conf import global_settings, settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.test import override_settings


@dataclass(frozen=True)
class Ran:
    """What a finished command left: the same three fields as ``subprocess.CompletedProcess``."""

    returncode: int
    stdout: str
    stderr: str


class InProcessJigsaw:
    """Calls ``jigsaw ARGS`` in this process; one per test session (see the ``jigsaw`` fixture)."""

    def __init__(self, db_blocker, template_dir: Path) -> None:
        self._blocker = db_blocker
        self._template = template_dir / "migrated.sqlite3"

    def __call__(self, *args: str, env: Mapping[str, str] | None = None, input: str | None = None,
                 seed: bool = True) -> Ran:
        runner = CliRunner()
        with runner.isolation(input=input, env=dict(env or {})) as (out, err, _):
            wanted = _settings_under_current_environment()
            if seed:
                self._seed_new_sqlite_file(wanted, data_dir_given="JIGSAW_DATA_DIR" in (env or {}))
            with self._blocker.unblock(), _django_configured_as(wanted):
                code = _run_main(args)
            return Ran(code, out.getvalue().decode(), err.getvalue().decode())

    def _seed_new_sqlite_file(self, wanted: dict, data_dir_given: bool) -> None:
        """Give a not-yet-existing SQLite file the migrated schema by copying, not by migrating again.

        Migrating takes a second or two per file; the command's own first-use migration is what
        the subprocess smoke test ``test_first_use_creates_and_migrates_the_file`` covers.
        """
        path = _sqlite_file(wanted["DATABASES"]["default"])
        if path is None or path.exists():
            return
        if not path.parent.is_dir():
            if not data_dir_given or path.parent != Path(wanted["DATA_DIR"]):
                return  # the command reports it, or never needs the database (nothing made for it)
            path.parent.mkdir(parents=True)  # the command creates its data folder before connecting
        if not self._template.exists():
            self._make_template()
        with sqlite3.connect(self._template) as source, sqlite3.connect(path) as target:
            source.backup(target)

    def _make_template(self) -> None:
        scratch = self._template.with_suffix(".tmp")
        made = self("migrate", env={"JIGSAW_DATABASE_URL": f"sqlite:///{scratch}",
                                    "JIGSAW_DATA_DIR": str(self._template.parent / "data")}, seed=False)
        assert made.returncode == 0, made.stderr
        with sqlite3.connect(scratch) as db:  # fold the write-ahead log into the file
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        shutil.move(scratch, self._template)


def _settings_under_current_environment() -> dict:
    """``jigsaw.settings`` evaluated afresh, as a new process would read it now.

    What the test settings add on top (the fast test password hasher) goes back to Django's
    default, so a database the command writes here serves a real ``jigsaw serve`` as well.
    """
    import jigsaw.settings

    namespace = runpy.run_path(jigsaw.settings.__file__, run_name="jigsaw_settings_for_a_command")
    wanted = {name: value for name, value in namespace.items() if name.isupper()}
    for name in vars(importlib.import_module(settings.SETTINGS_MODULE)):
        if name.isupper() and name not in wanted and hasattr(global_settings, name):
            wanted[name] = getattr(global_settings, name)
    return wanted


def _sqlite_file(database: dict) -> Path | None:
    name = str(database.get("NAME") or "")
    if database.get("ENGINE") != "django.db.backends.sqlite3" or not name or name.startswith(":memory:"):
        return None
    return Path(name)


@contextmanager
def _django_configured_as(wanted: dict) -> Iterator[None]:
    """The running Django with the command's settings and ``default`` database, then as before.

    Connections are per thread: the command runs in a thread of its own (:func:`_run_main`), which
    opens its connection from the swapped entry, while the test's thread keeps its connection.
    """
    from django.contrib.contenttypes.models import ContentType

    from jigsaw.signpost import matching

    changed = {name: value for name, value in wanted.items()
               if name != "DATABASES" and getattr(settings, name, None) != value}
    configured = connections.settings
    before = configured[DEFAULT_DB_ALIAS]
    # caches keyed by the alias "default" would otherwise carry rows of one database into another
    ContentType.objects.clear_cache()
    matching._scorers.clear()
    configured[DEFAULT_DB_ALIAS] = connections.configure_settings(
        {DEFAULT_DB_ALIAS: dict(wanted["DATABASES"]["default"])})[DEFAULT_DB_ALIAS]
    try:
        with override_settings(**changed):
            yield
    finally:
        configured[DEFAULT_DB_ALIAS] = before
        ContentType.objects.clear_cache()
        matching._scorers.clear()


def _run_main(args: tuple[str, ...]) -> int:
    """``jigsaw.cli.main`` with the exit status a process would have had (1 and a traceback if it raised).

    It runs in a new thread, as a process starts with no connection and no event loop: a caller
    inside an event loop (Playwright's) would otherwise be refused database access by Django.
    """
    from jigsaw.cli import main

    status: list[int] = []

    def command() -> None:
        try:
            main(list(args))
            status.append(0)
        except SystemExit as exc:
            if exc.code is None or isinstance(exc.code, int):
                status.append(exc.code or 0)
            else:
                print(exc.code, file=sys.stderr)
                status.append(1)
        except Exception:  # what the interpreter would print before exiting 1
            traceback.print_exc()
            status.append(1)
        finally:
            connections.close_all()  # this thread's connections only

    thread = threading.Thread(target=command, name="jigsaw-command")
    thread.start()
    thread.join()
    return status[0] if status else 1
