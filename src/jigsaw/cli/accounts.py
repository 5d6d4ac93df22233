"""``jigsaw createuser``, ``jigsaw temporary-password`` and ``jigsaw otp-code``: accounts from the
command line.

``createuser`` makes the account; the user enrols their own authenticator app at their first
sign-in (``jigsaw.accounts.enrolment``), so its secret is never printed here.
``temporary-password`` is the way back for an administrator who has
forgotten their own password, when no other administrator can set one on their page.
``otp-code`` exists so the demo and browser tests can sign in without a phone; it answers only
for users marked as demo users and refuses everyone else.
"""

from __future__ import annotations

import datetime as dt
import sys

import click

from .common import UserError, acting_user, setup_django

ROLES = ("practitioner", "hub_officer", "social_worker", "safeguarding_lead", "analyst", "auditor",
         "administrator")


def _date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UserError(f"{option} must be a date like 2024-03-27, not {value!r}") from None


def _password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True, err=True)
    if not password:
        raise UserError("the password is empty")
    return password


@click.command()
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), required=True,
              help="What the user may do (docs/security.md).")
@click.option("--agency", help="The agency the user works for (its name as imported).")
@click.option("--vetted-on", metavar="DATE", help="Date of the enhanced background check, YYYY-MM-DD.")
@click.option("--trained-on", metavar="DATE", help="Date safeguarding training was completed, YYYY-MM-DD.")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin.")
def createuser(username: str, role: str, agency: str | None, vetted_on: str | None, trained_on: str | None,
               password_stdin: bool) -> None:
    """Create a user with a role; they set up their authenticator app at their first sign-in."""
    vetted, trained = _date(vetted_on, "--vetted-on"), _date(trained_on, "--trained-on")
    password = _password(password_stdin)
    setup_django()
    from jigsaw.accounts.services import AccountError, create_user

    try:
        create_user(username, password, role, agency=agency, vetted_on=vetted, trained_on=trained)
    except AccountError as exc:
        raise UserError(str(exc)) from None
    click.echo(f"Created {username} ({role}).")
    click.echo("They set up their authenticator app themselves when they first sign in (a QR code is "
               "shown to them, and a code from the app finishes it); its secret is shown to nobody else.")


@click.command("temporary-password")
@click.argument("username")
@click.option("--as", "as_user", metavar="USER",
              help="Who is acting, for the access log [default: the operating-system user].")
def temporary_password(username: str, as_user: str | None) -> None:
    """Give a user a temporary password, printed once, to be replaced at their next sign-in."""
    actor = acting_user(as_user)
    setup_django()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import router, transaction

    from jigsaw.accounts.passwords import set_temporary_password
    from jigsaw.audit.log import record_cli
    from jigsaw.audit.models import AccessEntry, Action

    using = router.db_for_write(AccessEntry)
    user = get_user_model()._default_manager.db_manager(using).filter(username=username).first()
    if user is None:
        raise UserError(f"no user called {username!r}; make one with `jigsaw createuser`")
    with transaction.atomic(using=using):
        password = set_temporary_password(user.pk, using=using)
        record_cli(actor, Action.ADMIN, using=using, detail={
            "operation": "set_temporary_password", "user": username, "user_id": user.pk})
    click.echo(f"Temporary password for {username}, shown only now. They must choose their own when they "
               f"next sign in, within {settings.JIGSAW_TEMPORARY_PASSWORD_HOURS:g} hours:")
    click.echo(f"  {password}")


@click.command("otp-code")
@click.argument("username")
def otp_code(username: str) -> None:
    """Print a demo user's current one-time code (refused for any other user)."""
    setup_django()
    from jigsaw.accounts.services import AccountError, current_code

    try:
        click.echo(current_code(username))
    except AccountError as exc:
        raise UserError(str(exc)) from None
