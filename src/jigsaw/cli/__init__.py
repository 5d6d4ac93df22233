"""The ``jigsaw`` command: exit 0 on success, 1 on a user error (one line), 2 on usage."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

import click

from . import common
from .accounts import createuser, otp_code, temporary_password
from .alerts import alerts
from .api_clients import api_client
from .audit import audit
from .chronology import chronology, significance
from .common import UserError
from .feeds import import_command, quarantine, synth
from .insight import insight
from .linking import export, link, review
from .practice import practice
from .redaction import redact
from .retention import retention
from .reviews import reviews
from .server import demo, migrate, serve
from .signpost import search, shield
from .subject_access import subject_access


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="jigsaw")
def cli() -> None:
    """Jigsaw: the multi-agency picture of a child.

    Every command uses JIGSAW_DATABASE_URL (default: a SQLite file under JIGSAW_DATA_DIR,
    itself defaulting to ./.jigsaw).
    """


COMMANDS = (synth, import_command, quarantine, link, export, review, search, shield, chronology,
            significance, alerts, audit, migrate, serve, demo,
            createuser, temporary_password, otp_code, redact, reviews, api_client, retention,
            subject_access, practice, insight)
for command in COMMANDS:
    cli.add_command(command)


def main(args: Sequence[str] | None = None) -> None:
    """Run one command and exit with the contract's status; ``args`` default to the command line.

    Taking ``args`` lets another program (the test suite) run a command without a new process.
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jigsaw.settings")
    common.ONE_SHOT = args is None  # a process of its own, which ends with this one command
    given = sys.argv[1:] if args is None else list(args)
    for n, arg in enumerate(given, 1):
        try:
            arg.encode("utf-8")  # bytes that were not UTF-8 arrive as lone surrogates
        except UnicodeEncodeError:
            click.echo(f"jigsaw: argument {n} is not valid UTF-8 text: retype it", err=True)
            sys.exit(2)
    try:
        cli.main(args=None if args is None else list(args), prog_name="jigsaw", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except UserError as exc:
        click.echo(f"jigsaw: {exc}", err=True)
        sys.exit(1)
