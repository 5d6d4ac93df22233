"""What every subcommand shares: Django start-up, schema check, progress bars, errors."""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager

import click

#: True when this process runs one command from the command line and exits (``main()`` with no
#: arguments), False when another program (the test suite) runs commands in its own process.
ONE_SHOT = False


class _NoPandas:
    """Refuses to import pandas (see :func:`without_pandas`)."""

    def find_spec(self, name: str, path: object = None, target: object = None) -> None:
        if name == "pandas" or name.startswith("pandas."):
            raise ModuleNotFoundError("pandas is not used by this command", name=name)


def without_pandas() -> None:
    """In a one-shot process, keep pandas from loading: PyArrow imports it (half a second) only
    to ask whether a list it is given is a pandas frame, and a search never gives it one.

    Only for a command that never needs pandas (the search, with a trained model stored); never
    in a shared process, where another command may need it later.
    """
    if ONE_SHOT and "pandas" not in sys.modules and not any(isinstance(f, _NoPandas) for f in sys.meta_path):
        sys.meta_path.insert(0, _NoPandas())


class UserError(Exception):
    """A problem the user can fix; printed as one line, exit status 1."""


def setup_django(migrate_if_embedded: bool = True) -> None:
    """Start Django and make sure the schema is current.

    The embedded SQLite database is created and migrated on first use, so a new user needs no
    separate step; a server database must be migrated deliberately with ``jigsaw migrate``.
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jigsaw.settings")
    import django
    from django.apps import apps
    from django.conf import settings

    if not apps.ready:  # a program that started Django itself (the test suite) keeps its settings
        try:
            django.setup()
        except Exception as exc:  # ImproperlyConfigured and friends: say so in one line
            raise UserError(f"configuration error: {exc}") from None
    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    if migrate_if_embedded:
        _check_schema()


def _migration_files() -> set[tuple[str, str]]:
    """(app label, migration name) of every migration file on disk, without importing them."""
    from importlib.util import find_spec
    from pathlib import Path

    from django.apps import apps

    found = set()
    for config in apps.get_app_configs():
        spec = find_spec(f"{config.name}.migrations") if (Path(config.path) / "migrations").is_dir() else None
        for folder in (spec.submodule_search_locations or []) if spec else []:
            found.update((config.label, p.stem) for p in Path(folder).glob("[0-9]*.py"))
    return found


def _all_applied(connection) -> bool:
    """Every migration on disk is recorded as applied: a quick yes spares loading the migration
    graph (a third of a second of every one-shot command such as ``jigsaw search``)."""
    from django.db import DatabaseError

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT app, name FROM django_migrations")
            applied = set(cursor.fetchall())
    except DatabaseError:
        return False
    return _migration_files() <= applied


def _check_schema() -> None:
    from django.db import DEFAULT_DB_ALIAS, OperationalError, connections

    connection = connections[DEFAULT_DB_ALIAS]
    if _all_applied(connection):
        return
    from django.db.migrations.executor import MigrationExecutor

    try:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except OperationalError as exc:
        raise UserError(
            f"cannot reach the database ({exc}); check JIGSAW_DATABASE_URL"
        ) from None
    if not plan:
        return
    if connection.vendor == "sqlite":
        run_migrations(verbosity=0)
    else:
        raise UserError("the database schema is not up to date; run `jigsaw migrate` first")


def run_migrations(verbosity: int = 1) -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=verbosity)


@contextmanager
def progress_bar(description: str, total: int | None):
    """A rich progress bar on a terminal; nothing at all when output is not a terminal."""
    if not sys.stderr.isatty():
        yield lambda advance: None
        return
    from rich.progress import (
        BarColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeRemainingColumn,
    )

    columns = [TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(),
               TimeRemainingColumn()]
    with Progress(*columns, transient=True, console=_stderr_console()) as bar:
        task = bar.add_task(description, total=total)
        yield lambda advance: bar.update(task, advance=advance)


@contextmanager
def status(description: str):
    """A spinner naming the current step on a terminal; yields ``step(message)``. Quiet otherwise."""
    if not sys.stderr.isatty():
        yield lambda message: None
        return
    with _stderr_console().status(description) as spinner:
        yield lambda message: spinner.update(f"{description}: {message}")


def _stderr_console():
    from rich.console import Console

    return Console(stderr=True)


def echo_json(data: object) -> None:
    import json

    click.echo(json.dumps(data, indent=2, default=str))


def checked_account(as_user: str | None, area: str) -> str:
    """The Jigsaw account a command that touches a child acts as, checked for ``area``.

    The pages' rules hold at a terminal (:mod:`jigsaw.accounts.operator`): an active account
    whose role gives the area, vetted and trained where the area shows children. Call after
    Django is set up; a refusal is a one-line :class:`UserError`.
    """
    from jigsaw.accounts.operator import OperatorError, operator

    try:
        return operator(as_user, area).username
    except OperatorError as exc:
        raise UserError(str(exc)) from None


def account_actor(as_user: str | None, area: str):
    """:func:`checked_account` as the access log records it (an ``Actor``: role, agency, ``cli``)."""
    from django.contrib.auth import get_user_model

    from jigsaw.audit.actor import Actor
    from jigsaw.audit.log import cli_user_agent

    user = get_user_model().objects.select_related("profile", "profile__agency").get(
        username=checked_account(as_user, area))
    return Actor.of_account(user, "", cli_user_agent())


def acting_user(as_user: str | None) -> str:
    """Who runs an operator's command (clients, account recovery): ``--as``, else the OS user.

    Only for administration of the installation itself; anything that reads or changes a
    child's record acts as a checked account instead (:func:`checked_account`).
    """
    import getpass

    if as_user and as_user.strip():
        return as_user.strip()
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (some containers)
        raise UserError("cannot tell who you are; give --as USER") from None
