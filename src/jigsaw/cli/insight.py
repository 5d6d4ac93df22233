"""``jigsaw insight``: comparators, the CSWW workforce return, supervision and case-file audits.

Thin over :mod:`jigsaw.insight`: each subcommand checks its input, calls one service and prints a
line. Bad input (a malformed comparator CSV or CSWW XML) is one line on stderr, exit 1, nothing
loaded.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from .common import UserError, echo_json, setup_django


@click.group()
def insight() -> None:
    """The partnership picture: benchmarks, workforce, supervision, case-file audits."""


@insight.group()
def comparators() -> None:
    """Published comparator values (England, region, statistical neighbours)."""


@comparators.command("import")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--sample", is_flag=True, help="Load the shipped sample of published DfE values instead.")
@click.option(
    "--neighbours",
    type=click.Path(path_type=Path),
    help="A statistical-neighbour list (local_authority,neighbour,source): average its neighbours' values.",
)
def comparators_import(path: Path, sample: bool, neighbours: Path | None) -> None:
    """Load a comparator CSV (indicator,area_type,area,period,value,source): all rows or none."""
    setup_django()
    from jigsaw.insight.comparators import ComparatorError, import_file, import_sample
    from jigsaw.records.database import db

    try:
        n = import_sample(db()) if sample else import_file(path, db(), neighbours)
    except ComparatorError as exc:
        raise UserError(str(exc)) from None
    click.echo(f"{n} comparator values loaded")


@insight.group("workforce")
def workforce_group() -> None:
    """The children's social work workforce return (CSWW XML) and supervision."""


@workforce_group.command("import")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True)
def workforce_import(path: Path, as_json: bool) -> None:
    """Read a CSWW return and store its aggregates (no worker is kept)."""
    setup_django()
    from jigsaw.feeds import csww
    from jigsaw.insight.workforce import import_return, summary
    from jigsaw.records.database import db

    try:
        stored = import_return(path, db())
    except csww.CSWWError as exc:
        raise UserError(str(exc)) from None
    got = summary(stored)
    if as_json:
        echo_json(got)
    else:
        click.echo(
            f"CSWW return loaded: {got['workers']} social workers, vacancy rate {got['vacancy_rate']}%, "
            f"agency rate {got['agency_rate']}%, turnover {got['turnover_rate']}%"
        )


def _day(text: str | None, option: str) -> dt.date:
    if not text:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UserError(f"{option}: not a date (YYYY-MM-DD)") from None


@workforce_group.command("supervision")
@click.option("--worker", required=True)
@click.option("--supervisor", required=True)
@click.option("--on", "held_on", help="The date (YYYY-MM-DD; default today).")
@click.option("--decisions", default="", help="The decisions recorded.")
def supervision(worker: str, supervisor: str, held_on: str | None, decisions: str) -> None:
    """Record a worker's supervision (date, supervisor, decisions)."""
    day = _day(held_on, "--on")
    setup_django()
    from jigsaw.insight.workforce import record_supervision
    from jigsaw.records.database import db

    try:
        record_supervision(worker, supervisor, day, decisions, db())
    except ValueError as exc:
        raise UserError(str(exc)) from None
    click.echo("supervision recorded")


@insight.group()
def audit() -> None:
    """Case-file audits: draw a sample, grade each file."""


@audit.command("sample")
@click.option("--name", required=True)
@click.option("--size", type=int, default=10, show_default=True)
@click.option("--theme", default="", help="An event type the children must have (blank: random).")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--json", "as_json", is_flag=True)
def audit_sample(name: str, size: int, theme: str, seed: int, as_json: bool) -> None:
    """Draw a programme's sample; prints the audit ids (and the person ids, for the auditors)."""
    setup_django()
    from jigsaw.feeds import EVENT_TYPES
    from jigsaw.insight.audits import draw
    from jigsaw.records.database import db

    if theme and theme not in EVENT_TYPES:
        raise UserError(f"--theme: {theme!r} is not an event type")
    try:
        programme = draw(name, size, db(), theme=theme, seed=seed)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    audits = list(programme.audits.values_list("id", "person_id"))
    if as_json:
        echo_json(
            {"programme_id": programme.pk, "audits": [{"audit_id": a, "person_id": p} for a, p in audits]}
        )
    else:
        click.echo(f"programme {programme.pk}: {len(audits)} files to audit")


@audit.command("record")
@click.argument("audit_id", type=int)
@click.option(
    "--grade",
    "grades",
    multiple=True,
    required=True,
    help="QUESTION_NUMBER=good|requires_improvement|inadequate, one per question.",
)
@click.option("--actions", default="")
@click.option("--auditor", required=True)
def audit_record(audit_id: int, grades: tuple[str, ...], actions: str, auditor: str) -> None:
    """Grade one file against its programme's tool (questions numbered from 1)."""
    setup_django()
    from jigsaw.insight.audits import record
    from jigsaw.insight.models import CaseAudit
    from jigsaw.records.database import db

    found = CaseAudit.objects.using(db()).select_related("programme").filter(pk=audit_id).first()
    if found is None:
        raise UserError(f"no audit {audit_id}")
    asked = found.programme.questions
    chosen: dict[str, str] = {}
    for item in grades:
        number, _, grade = item.partition("=")
        if not number.isdigit() or not 1 <= int(number) <= len(asked):
            raise UserError(f"--grade {item!r}: the question number must be 1 to {len(asked)}")
        chosen[asked[int(number) - 1]] = grade
    try:
        record(audit_id, chosen, actions, auditor, db())
    except ValueError as exc:
        raise UserError(str(exc)) from None
    click.echo("audit recorded")
