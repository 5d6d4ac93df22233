"""``jigsaw createuser`` and ``jigsaw otp-code``: accounts from the command line.

``createuser`` prints the new user's authenticator set-up once (it is not stored anywhere it
could be shown again). ``otp-code`` exists so the demo and browser tests can sign in without a
phone; it answers only for users marked as demo users and refuses everyone else.
"""

from __future__ import annotations

import datetime as dt
import sys

import click

from .common import UserError, setup_django

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
    """Create a user with a role and an authenticator (TOTP) device; prints its set-up once."""
    vetted, trained = _date(vetted_on, "--vetted-on"), _date(trained_on, "--trained-on")
    password = _password(password_stdin)
    setup_django()
    from jigsaw.accounts.services import AccountError, create_user

    try:
        device = create_user(username, password, role, agency=agency, vetted_on=vetted, trained_on=trained)
    except AccountError as exc:
        raise UserError(str(exc)) from None
    click.echo(f"Created {username} ({role}).")
    click.echo("Add this to the user's authenticator app now; it will not be shown again:")
    click.echo(f"  secret: {device.secret}")
    click.echo(f"  otpauth URI: {device.otpauth_uri}")


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
