"""``jigsaw chronology PERSON_ID``: a child's (or household's) merged multi-agency chronology.

It acts as a named Jigsaw account (``--as`` or ``JIGSAW_USER``, :mod:`jigsaw.accounts.operator`)
with a lawful ``--reason``, both written to the access log; a protected child is refused (break
glass is the web page's, where the hub is told) and a protected household member is shown as
"a protected household member" (:mod:`jigsaw.signpost.gate`)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .common import UserError, setup_django

if TYPE_CHECKING:
    from jigsaw.signpost.scope import Scope


def _day(text: str | None, option: str) -> date | None:
    if not text:
        return None
    from jigsaw.feeds import FieldError, parse_date

    try:
        return parse_date(text)
    except FieldError as exc:
        raise UserError(f"{option}: {exc}") from None


@click.command()
@click.argument("person_id", type=int)
@click.option("--household", is_flag=True, help="Add the events of the people around the child.")
@click.option("--anonymise", is_flag=True, help="Replace names with roles (Child A, Mother, ...).")
@click.option("--format", "fmt", type=click.Choice(["csv", "json", "html"]), required=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write here (default: stdout).")
@click.option("--agency", multiple=True, help="Only this agency (name or type) or source system; repeatable.")
@click.option("--type", "event_types", multiple=True, help="Only this event type; repeatable.")
@click.option("--significance", multiple=True, type=click.Choice(["high", "medium", "low"]),
              help="Only this significance (recorded, else suggested); repeatable.")
@click.option("--from", "date_from", help="From this date (YYYY-MM-DD), inclusive.")
@click.option("--to", "date_to", help="Up to this date (YYYY-MM-DD), inclusive.")
@click.option("--kind", "kinds", multiple=True, type=click.Choice(["fact", "judgement"]),
              help="Only facts or only judgements.")
@click.option("--reason", help="Lawful reason code (s47, s17, ...): required, recorded with the read.")
@click.option("--as", "as_user", metavar="USER", envvar="JIGSAW_USER",
              help="The Jigsaw account you act as (else JIGSAW_USER).")
def chronology(person_id: int, household: bool, anonymise: bool, fmt: str, out: Path | None,
               agency: tuple[str, ...], event_types: tuple[str, ...], significance: tuple[str, ...],
               date_from: str | None, date_to: str | None, kinds: tuple[str, ...], reason: str | None,
               as_user: str | None) -> None:
    """The merged chronology of PERSON_ID (a resolved person id), in date order."""
    from jigsaw.feeds import is_known

    unknown = [t for t in event_types if not is_known(t)]
    if unknown:
        raise UserError(f"unknown event type {unknown[0]!r} (see the event vocabulary)")
    start, end = _day(date_from, "--from"), _day(date_to, "--to")
    if start and end and start > end:
        raise UserError("--from is after --to")
    if out is not None and not out.parent.exists():
        raise UserError(f"folder {out.parent} does not exist")
    setup_django()
    from jigsaw.accounts.operator import OperatorError, operator
    from jigsaw.chronology.build import Filters, PersonNotFound
    from jigsaw.chronology.export import render
    from jigsaw.chronology.household import child_chronology, household_chronology, scoped
    from jigsaw.signpost import gate
    from jigsaw.signpost.scope import may_open

    try:
        acting = operator(as_user, "child")
    except OperatorError as exc:
        raise UserError(str(exc)) from None
    from jigsaw.signpost.search import reason_named, reasons

    why = reason_named(reason)
    if why is None:
        codes = "|".join(r.code for r in reasons())
        raise UserError(f"give the lawful reason for this read: --reason {codes}")

    filters = Filters(agencies=frozenset(agency), event_types=frozenset(event_types),
                      significance=frozenset(significance), kinds=frozenset(kinds),
                      date_from=start, date_to=end)
    build = household_chronology if household else child_chronology
    from jigsaw.audit.log import record_cli

    common = {"role": acting.role, "agency": acting.agency, "reason": why.code}
    try:
        result = build(person_id, filters=filters)
    except PersonNotFound as exc:
        raise UserError(f"{exc}; find people with `jigsaw search`") from None
    scope = _scope(acting.username)
    openable = may_open(scope, [s.person_id for s in result.subjects], "default")
    if person_id not in openable:
        record_cli(acting.username, "refused", person_id=person_id, detail={"view": "cli:chronology",
                   "why": "outside the agency's scope"}, **common)
        raise UserError(NOT_YOURS)
    result = scoped(result, scope, frozenset(openable))
    hidden = gate.protected([s.person_id for s in result.subjects], "default")
    if person_id in hidden:
        record_cli(acting.username, "refused", person_id=person_id, detail={"view": "cli:chronology",
                   "why": "protected record"}, **common)
        raise UserError(f"person {person_id}'s record is protected: contact "
                        f"{gate.hub_contact(person_id, 'default')}")
    result = gate.guard_chronology(result, hidden)
    if anonymise:
        from jigsaw.chronology.household import anonymise_chronology

        result = anonymise_chronology(result)
    for subject in result.subjects:  # each person shown is a read of that person's record
        if subject.person_id in hidden:
            continue
        action = "view_chronology" if out is None else "export"
        record_cli(acting.username, action, person_id=subject.person_id,
                   detail={"chronology_of": person_id, "format": fmt, "household": household,
                           "anonymised": anonymise, "entries": len(result.entries)}, **common)
    text = render(result, fmt)
    if out is None:
        click.echo(text, nl=False)
        return
    out.write_text(text, encoding="utf-8")
    click.echo(f"Wrote {len(result.entries):,} entries ({fmt}) to {out}", err=True)


NOT_YOURS = ("your agency holds no record of this child and is not involved with them: "
             "`jigsaw search` shows which agencies to contact")


def _scope(username: str) -> Scope:
    """The account's scope, as the child's page takes it (a scoped role sees its agency's only)."""
    from django.contrib.auth import get_user_model

    from jigsaw.signpost.scope import scope_of

    user = get_user_model().objects.select_related("profile", "profile__agency").get(username=username)
    return scope_of(user, "default")


@click.command()
@click.argument("event_key")
@click.argument("level", type=click.Choice(["high", "medium", "low"]))
@click.option("--reason", default="", help="Why (shown with the chronology): required.")
@click.option("--as", "as_user", metavar="USER", envvar="JIGSAW_USER",
              help="The Jigsaw account rating it, shown as who set it (else JIGSAW_USER).")
def significance(event_key: str, level: str, reason: str, as_user: str | None) -> None:
    """Rate an event's significance (SOURCE:EVENT_ID), overriding the recorded or suggested one.

    A change to a child's chronology, so it is made as a checked account, as a read is: one whose
    role may open a child's record, not for a protected child, and written to the access log.
    """
    setup_django()
    from django.db import transaction

    from jigsaw.accounts.operator import OperatorError, operator
    from jigsaw.audit.log import record_cli
    from jigsaw.chronology.significance import SignificanceError, person_of_event, set_significance
    from jigsaw.signpost import gate
    from jigsaw.signpost.scope import may_open

    try:
        acting = operator(as_user, "child")
    except OperatorError as exc:
        raise UserError(str(exc)) from None
    common = {"role": acting.role, "agency": acting.agency}
    try:
        person_id = person_of_event(event_key)
        if person_id is not None and not may_open(_scope(acting.username), [person_id], "default"):
            record_cli(acting.username, "refused", person_id=person_id,
                       detail={"view": "cli:significance", "why": "outside the agency's scope"}, **common)
            raise UserError(NOT_YOURS)
        if person_id is not None and gate.protected([person_id], "default"):
            record_cli(acting.username, "refused", person_id=person_id,
                       detail={"view": "cli:significance", "why": "protected record"}, **common)
            raise UserError(f"person {person_id}'s record is protected: contact "
                            f"{gate.hub_contact(person_id, 'default')}")
        with transaction.atomic():
            set_significance(event_key, level, acting.username, reason)
            record_cli(acting.username, "record_practice", person_id=person_id, reason_text=reason[:300],
                       detail={"what": "significance", "event": event_key[:200], "level": level}, **common)
    except SignificanceError as exc:
        raise UserError(str(exc)) from None
    click.echo(f"{event_key} rated {level} by {acting.username}.")
