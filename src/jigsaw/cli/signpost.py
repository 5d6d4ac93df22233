"""``jigsaw search`` and ``jigsaw shield``: the signposting index from the command line.

The results on stdout are the product; nothing about the child is ever written to a log or to
stderr (a refusal names the field to fix, not the child).
"""

from __future__ import annotations

import sys

import click

from .common import UserError, checked_account, echo_json, setup_django, without_pandas


def _split_name(name: str | None, given: str | None, family: str | None) -> tuple[str | None, str | None]:
    if name and (given or family):
        raise UserError("give either --name or --given/--family, not both")
    if not name:
        return given, family
    parts = name.split()
    if len(parts) < 2:
        raise UserError("--name needs a given and a family name (\"Given Family\"); for a family name "
                        "of several words use --given and --family")
    return " ".join(parts[:-1]), parts[-1]


@click.command()
@click.option("--name", help='Given and family name, "Given Family" (the last word is the family name).')
@click.option("--given", help="Given name.")
@click.option("--family", help="Family name.")
@click.option("--dob", help="Birth date, YYYY-MM-DD.")
@click.option("--postcode", help="Postcode (helps, never required).")
@click.option("--nhs", help="NHS number (checked before searching).")
@click.option("--reason", help="Lawful reason code: s47, s17, s11, health, school or police_protection "
              "(docs/search.md gives the law for each; a refusal lists the codes configured here).")
@click.option("--json", "as_json", is_flag=True, help='Print {"query", "reason", "results"} as JSON.')
@click.option("--as", "as_user", metavar="USER", envvar="JIGSAW_USER",
              help="The Jigsaw account you search as (else JIGSAW_USER); its role and vetting apply.")
@click.option("--limit", type=click.IntRange(1, 50), default=10, show_default=True)
def search(name, given, family, dob, postcode, nhs, reason, as_json, as_user, limit) -> None:
    """Find a child: ranked candidates with confidence and who is involved."""
    given, family = _split_name(name, given, family)
    setup_django()
    from jigsaw.accounts.operator import OperatorError, operator

    try:
        acting = operator(as_user, "search")
    except OperatorError as exc:
        raise UserError(str(exc)) from None
    from jigsaw.signpost.models import LinkModel

    if LinkModel.objects.exists():  # scored in Python with the stored model: Splink (pandas) not needed
        without_pandas()
    from jigsaw.signpost.search import SearchQuery, SearchRefused
    from jigsaw.signpost.search import search as run_search

    query = SearchQuery(given_name=given, family_name=family, birth_date=dob, postcode=postcode,
                        nhs_number=nhs)
    from jigsaw.audit.log import cli_user_agent, record_search
    from jigsaw.signpost.search import validate

    try:
        result = run_search(query, searched_by=acting.username, reason=reason or "", limit=limit)
    except SearchRefused as exc:
        raise UserError(f"search refused: {exc}") from None
    # every search is logged before anything is shown (the query's values only as a digest)
    record_search(acting.username, acting.role, acting.agency, result.reason.code, validate(query),
                  [m.person_id for m in result.results],
                  shielded={m.person_id for m in result.results if m.shielded}, user_agent=cli_user_agent())
    if as_json:
        echo_json(result.as_dict())
    else:
        _print(result)


def _print(result) -> None:
    """One block per person: who they are, how sure, why, then the table of who is involved."""
    from rich.console import Console

    # A pipe or a file gets wide lines (nothing cut or folded); a terminal gets its own width.
    console = Console(highlight=False, width=None if sys.stdout.isatty() else 200)
    console.print(f"Reason: {result.reason.label} [{result.reason.code}]", markup=False)
    if not result.results:
        console.print(result.message)
        return
    for rank, match in enumerate(result.results, 1):
        d = match.details
        console.print()
        console.print(f"{rank}. {d.get('given_name', '')} {d.get('family_name', '')}  "
                      f"born {d.get('birth_date') or 'unknown'}  person {match.person_id}",
                      markup=False, style="bold")
        if match.shielded:
            console.print(f"   {match.message}", markup=False, style="bold red")
            continue
        console.print(f"   confidence: {match.confidence} ({match.match_probability:.3f})  "
                      f"area: {d.get('postcode_district') or 'unknown'}", markup=False)
        console.print("   why: " + "; ".join(match.why + match.why_not), markup=False)
        if match.signposts:
            from rich.padding import Padding

            console.print(Padding(_signpost_table(match.signposts), (0, 0, 0, 3), expand=False))
        else:
            console.print("   No practitioner or service recorded.")


def _signpost_table(signposts):
    from rich.table import Table

    table = Table(pad_edge=False, box=None, padding=(0, 2), header_style="bold")
    for column in ("", "Practitioner", "Role", "Agency / team", "Contact"):
        table.add_column(column, overflow="fold")
    for column in ("From", "To"):
        table.add_column(column, no_wrap=True, min_width=10)
    for s in signposts:
        where = f"{s.agency}, {s.team}" if s.team else s.agency
        table.add_row("current" if s.current else "past", s.practitioner or "-", s.role or "-", where,
                      s.contact or "-", _date(s.started_on), _date(s.ended_on) or "-")
    return table


def _date(day) -> str:
    return day.isoformat() if day else ""


@click.command()
@click.argument("person_id", type=int)
@click.option("--contact", help="Whom a searcher must contact instead (e.g. the MASH and its number).")
@click.option("--reason", help="Why this child is shielded (kept with the shield).")
@click.option("--remove", is_flag=True, help="Lift the shield.")
@click.option("--as", "as_user", metavar="USER", envvar="JIGSAW_USER",
              help="The Jigsaw account you act as: a case role, vetted (default: JIGSAW_USER).")
def shield(person_id: int, contact: str | None, reason: str | None, remove: bool,
           as_user: str | None) -> None:
    """Shield a child: found only on exact details, and then only the hub's contact is shown."""
    if remove and (contact or reason):
        raise UserError("--remove takes no --contact or --reason")
    setup_django()
    by = checked_account(as_user, "child")
    from django.db import transaction

    from jigsaw.audit.log import record_cli
    from jigsaw.signpost.shielding import ShieldError, unshield
    from jigsaw.signpost.shielding import shield as do_shield

    try:
        if remove:
            with transaction.atomic():
                unshield(person_id, by=by)
                record_cli(by, "override", person_id=person_id, detail={"operation": "unshield"})
            click.echo(f"Person {person_id} is no longer shielded.")
        else:
            with transaction.atomic():
                do_shield(person_id, contact or "", reason or "", by=by)
                record_cli(by, "admin", person_id=person_id, detail={"operation": "shield"})
            click.echo(f"Person {person_id} is shielded: searches on exact details will be told to "
                       "contact the hub you gave, and nothing else.")
    except ShieldError as exc:
        raise UserError(str(exc)) from None
