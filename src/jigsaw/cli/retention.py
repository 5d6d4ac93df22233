"""``jigsaw retention``: the retention plan, the purge, and litigation holds (docs/retention.md).

Every subcommand acts as a named Jigsaw account (``--as`` or ``JIGSAW_USER``) whose role gives
the ``admin`` area (an administrator: the partnership's data manager); the plan shows ids and
counts only, and every purge and hold is written to the access log.
"""

from __future__ import annotations

import click

from .common import UserError, echo_json, setup_django

AS_USER = click.option(
    "--as",
    "as_user",
    metavar="USER",
    envvar="JIGSAW_USER",
    help="The Jigsaw account you act as (else JIGSAW_USER); an administrator.",
)


def _acting(as_user: str | None):
    setup_django()
    from jigsaw.accounts.operator import OperatorError, operator

    try:
        return operator(as_user, "admin")
    except OperatorError as exc:
        raise UserError(str(exc)) from None


def _plan():
    from jigsaw.lifecycle.plan import make_plan
    from jigsaw.records.retention import RetentionConfigError

    try:
        return make_plan()
    except RetentionConfigError as exc:
        raise UserError(str(exc)) from None


@click.group()
def retention() -> None:
    """Retention schedule, permanent deletion of people past it, and legal holds."""


@retention.command()
@click.option("--json", "as_json", is_flag=True, help="Print the plan as one JSON object.")
@AS_USER
def plan(as_json: bool, as_user: str | None) -> None:
    """What a purge would delete now and why: per person the rule, the date it fell due, counts."""
    _acting(as_user)
    found = _plan()
    if as_json:
        echo_json(found.as_dict())
        return
    held = sum(1 for p in found.due if p.held)
    click.echo(
        f"{len(found.due):,} of {found.people:,} people are past their retention date "
        f"({held:,} held, {found.not_due:,} not due, {found.undetermined:,} undetermined)."
    )
    for p in found.due:
        counts = ", ".join(f"{v} {k}" for k, v in sorted(p.counts.items()))
        state = f"HELD: {p.held}" if p.held else "to delete"
        click.echo(f"person {p.person_id}: {p.rule}, due {p.due_on.isoformat()} ({counts}) - {state}")


@retention.command()
@click.option("--person", "people", multiple=True, type=int, help="Only this person (repeatable).")
@click.option(
    "--early",
    default="",
    metavar="REASON",
    help="Delete the named people before they are due (an erasure decision), with the reason.",
)
@click.option("--yes", is_flag=True, help="Do it without asking.")
@click.option("--json", "as_json", is_flag=True, help="Print the certificate as one JSON object.")
@AS_USER
def purge(people: tuple[int, ...], early: str, yes: bool, as_json: bool, as_user: str | None) -> None:
    """Delete permanently every person past their retention date and not held (or those named)."""
    acting = _acting(as_user)
    from jigsaw.lifecycle.purge import PurgeError
    from jigsaw.lifecycle.purge import purge as run_purge
    from jigsaw.records.retention import RetentionConfigError

    if not yes:
        what = (
            f"{len(people)} named people"
            if people
            else f"{len(_plan().purgeable):,} people past their retention date"
        )
        if not click.confirm(f"Delete {what} permanently? This cannot be undone", err=True):
            raise UserError("nothing deleted")
    try:
        cert = run_purge(acting.username, acting.role, acting.agency, list(people) or None, early)
    except (PurgeError, RetentionConfigError) as exc:
        raise UserError(str(exc)) from None
    if as_json:
        echo_json(cert.as_dict())
        return
    click.echo(
        f"Deleted {cert.people:,} people ({sum(cert.rows.values()):,} rows); certificate: access-log "
        f"entry {cert.sequence}, digest {cert.digest[:16]}"
    )


@retention.command()
@click.argument("person_id", type=int)
@click.option("--reason", help="Why the person's records must be kept (required).")
@AS_USER
def hold(person_id: int, reason: str | None, as_user: str | None) -> None:
    """Put a litigation hold on PERSON_ID: no purge touches them until it is released."""
    acting = _acting(as_user)
    from jigsaw.lifecycle.holds import HoldError, place

    try:
        made = place(person_id, reason, acting.username, acting.role, acting.agency)
    except HoldError as exc:
        raise UserError(str(exc)) from None
    click.echo(f"Litigation hold {made.pk} placed on person {person_id}.")


@retention.command()
@click.argument("person_id", type=int)
@click.option("--reason", help="Why the hold is no longer needed (required).")
@AS_USER
def release(person_id: int, reason: str | None, as_user: str | None) -> None:
    """Release the litigation holds on PERSON_ID."""
    acting = _acting(as_user)
    from jigsaw.lifecycle.holds import HoldError
    from jigsaw.lifecycle.holds import release as run_release

    try:
        n = run_release(person_id, reason, acting.username, acting.role, acting.agency)
    except HoldError as exc:
        raise UserError(str(exc)) from None
    click.echo(f"Released {n} litigation hold{'s' if n != 1 else ''} on person {person_id}.")
