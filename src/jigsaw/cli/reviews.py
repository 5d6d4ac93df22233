"""``jigsaw reviews``: serious incidents, their statutory clocks, and the review's record.

Thin over :mod:`jigsaw.reviews`: each subcommand validates, calls one service, and prints a line
(or JSON). Every read of a review is written to the access log as a read of the child's record,
with the lawful basis of case reviews (Children Act 2004 s16C-s16F).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from .common import UserError, acting_user, echo_json, setup_django

REASON = "case_review"
REASON_TEXT = (
    "Children Act 2004 ss16C-16F: serious incident notification and child safeguarding practice review"
)


def _day(text: str | None, option: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UserError(f"{option}: {text!r} is not a date (YYYY-MM-DD)") from None


def _run(call, *args, **kwargs):
    from jigsaw.reviews.workflow import ReviewError

    try:
        return call(*args, **kwargs)
    except ReviewError as exc:
        raise UserError(str(exc)) from None


def _log(actor: str, review, action: str = "view_child", **detail) -> None:
    from jigsaw.audit.log import record_cli

    record_cli(
        actor,
        action,
        person_id=review.person_id,
        reason=REASON,
        reason_text=REASON_TEXT,
        detail={"case_review": review.pk, **detail},
    )


def summary(review, detail: bool = False) -> dict:
    from jigsaw.reviews.summary import review_data

    return review_data(review, detail=detail)


def _line(data: dict) -> str:
    from jigsaw.reviews.summary import one_line

    return one_line(data)


#: who is acting, on every command that reads or changes a review
as_option = click.option("--as", "as_user", help="Who is acting (default: the OS user).")


@click.group()
def reviews() -> None:
    """Case reviews: serious incident -> notification -> rapid review -> local review -> publication."""


@reviews.command("open")
@click.argument("person_id", type=int)
@click.option("--aware-on", required=True, help="The date the council became aware (YYYY-MM-DD).")
@click.option("--harm", type=click.Choice(["death", "serious_harm"]), required=True)
@click.option("--incident-on", help="The incident date (default: the date of awareness).")
@click.option(
    "--abuse",
    type=click.Choice(["known", "suspected"]),
    default="suspected",
    show_default=True,
    help="Abuse or neglect known or suspected.",
)
@click.option(
    "--looked-after/--not-looked-after",
    default=None,
    help="Whether the child was looked after (default: from the records).",
)
@as_option
@click.option("--json", "as_json", is_flag=True)
def open_command(
    person_id: int,
    aware_on: str,
    harm: str,
    incident_on: str | None,
    abuse: str,
    looked_after: bool | None,
    as_user: str | None,
    as_json: bool,
) -> None:
    """Record a serious incident for PERSON_ID; the notification is due 5 working days later."""
    aware, incident = _day(aware_on, "--aware-on"), _day(incident_on, "--incident-on")
    who = acting_user(as_user)
    setup_django()
    from jigsaw.reviews.services import open_review

    review = _run(
        open_review, person_id, aware, harm, who, incident_on=incident, abuse=abuse, looked_after=looked_after
    )
    _log(who, review, step="open")
    data = summary(review)
    if as_json:
        echo_json(data)
    else:
        click.echo(
            f"Opened case review {review.pk} ({review.reference}); notify the national panel by "
            f"{data['notification_due']}."
        )


@reviews.command("notify")
@click.argument("review_id", type=int)
@click.option("--on", "on", required=True, help="The date the panel was notified (YYYY-MM-DD).")
@as_option
@click.option("--json", "as_json", is_flag=True)
def notify_command(review_id: int, on: str, as_user: str | None, as_json: bool) -> None:
    """Record the notification to the national panel; the rapid review is due 15 working days later."""
    day = _day(on, "--on")
    who = acting_user(as_user)
    setup_django()
    from jigsaw.reviews.services import notify

    review = _run(notify, review_id, day, who)
    _log(who, review, step="notify")
    data = summary(review)
    if as_json:
        echo_json(data)
    else:
        click.echo(
            f"Review {review.pk} notified on {day.isoformat()}; rapid review due {data['rapid_review_due']}."
        )


@reviews.command("list")
@click.option("--overdue", is_flag=True, help="Only open reviews with an overdue clock.")
@as_option
@click.option("--json", "as_json", is_flag=True)
def list_command(overdue: bool, as_user: str | None, as_json: bool) -> None:
    """Reviews with their stage and clocks; overdue clocks are raised as R16 alerts first."""
    who = acting_user(as_user)
    setup_django()
    from jigsaw.reviews.clocks import overdue_reviews, raise_overdue
    from jigsaw.reviews.models import CaseReview

    raise_overdue()
    found = overdue_reviews() if overdue else list(CaseReview.objects.order_by("pk"))
    for review in found:
        _log(who, review, listed=True)
    rows = [summary(r) for r in found]
    if as_json:
        echo_json(rows)
        return
    for row in rows:
        click.echo(_line(row))
    if not rows:
        click.echo("No overdue reviews." if overdue else "No case reviews.")


@reviews.command("show")
@click.argument("review_id", type=int)
@as_option
@click.option("--json", "as_json", is_flag=True)
def show_command(review_id: int, as_user: str | None, as_json: bool) -> None:
    """One review: stage, clocks, notices and every step taken."""
    who = acting_user(as_user)
    setup_django()
    from jigsaw.reviews.workflow import get_review

    review = _run(get_review, review_id, "default")
    _log(who, review)
    data = summary(review, detail=True)
    if as_json:
        echo_json(data)
        return
    click.echo(_line(data))
    for n in data["notifications"]:
        click.echo(f"  notice to {n['recipient']}: due {n['due_on']}, sent {n['sent_on'] or '-'}")
    for t in data["transitions"]:
        click.echo(f"  {t['on']} {t['step']} by {t['by']}" + (f": {t['reason']}" if t["reason"] else ""))


@reviews.command("step")
@click.argument("review_id", type=int)
@click.argument(
    "step",
    type=click.Choice(
        [
            "rapid-review",
            "local-review",
            "no-review",
            "final-report",
            "sign-off",
            "send",
            "publish",
            "withhold",
        ]
    ),
)
@click.option("--on", "on", required=True, help="The date of the step (YYYY-MM-DD).")
@click.option("--reason", default="", help="Why (decisions, withholding).")
@click.option("--panel-view", default="", help="The national panel's view of the decision.")
@click.option("--from", "period_from", help="Rapid review: the evidence pack's period start.")
@click.option("--to", "period_to", help="Rapid review: the evidence pack's period end.")
@click.option("--url", default="", help="Publish: where the report is published.")
@as_option
def step_command(
    review_id: int,
    step: str,
    on: str,
    reason: str,
    panel_view: str,
    period_from: str | None,
    period_to: str | None,
    url: str,
    as_user: str | None,
) -> None:
    """Take the review's next step (the rapid review also freezes the evidence pack)."""
    day = _day(on, "--on")
    start, end = _day(period_from, "--from"), _day(period_to, "--to")
    who = acting_user(as_user)
    setup_django()
    from jigsaw.reviews import evidence, services, signoff

    calls = {
        "rapid-review": lambda: evidence.rapid_review(review_id, day, who, period_from=start, period_to=end),
        "local-review": lambda: services.decide(
            review_id, "local_review", reason, who, on=day, panel_view=panel_view
        ),
        "no-review": lambda: services.decide(
            review_id, "no_review", reason, who, on=day, panel_view=panel_view
        ),
        "final-report": lambda: services.final_report(review_id, day, who),
        "sign-off": lambda: signoff.sign_off(review_id, who, day),
        "send": lambda: services.send(review_id, day, who),
        "publish": lambda: services.publish(review_id, day, who, url=url),
        "withhold": lambda: services.withhold(review_id, reason, who, on=day),
    }
    _run(calls[step])
    from jigsaw.reviews.workflow import get_review

    review = get_review(review_id, "default")
    _log(who, review, step=step)
    click.echo(f"Review {review_id}: {review.get_stage_display().lower()}.")


@reviews.command("themes")
@click.option("--year", type=int, help="Only reviews the council became aware of in this year.")
@click.option("--code", "code_review", type=int, help="Code this review with the --theme values given.")
@click.option("--theme", "codes", multiple=True, help="A theme code (with --code); repeatable.")
@click.option("--list", "list_only", is_flag=True, help="List the controlled themes and their sources.")
@as_option
@click.option("--json", "as_json", is_flag=True)
def themes_command(
    year: int | None,
    code_review: int | None,
    codes: tuple[str, ...],
    list_only: bool,
    as_user: str | None,
    as_json: bool,
) -> None:
    """Learning themes across reviews: counts and percentages, by year, small numbers suppressed."""
    who = acting_user(as_user)
    setup_django()
    from jigsaw.reviews.themes import THEMES

    if list_only:
        for t in THEMES:
            click.echo(f"{t.code}\t{t.family}\t{t.label}\t{t.source}")
        return
    if code_review is not None:
        from jigsaw.reviews.services import code_themes
        from jigsaw.reviews.workflow import get_review

        coded = _run(code_themes, code_review, list(codes), who)
        _log(who, _run(get_review, code_review, "default"), step="themes")
        click.echo(f"Review {code_review} coded with {len(coded)} theme(s).")
        return
    from jigsaw.reviews.themes import theme_table

    table = theme_table(year=year)
    if as_json:
        echo_json(table)
        return
    years = list(table["years"])
    click.echo(
        "theme\tall ("
        + str(table["reviews"])
        + ")\t"
        + "\t".join(f"{y} ({table['years'][y]})" for y in years)
    )

    def cell(c: dict) -> str:
        if c["suppressed"]:
            return f"<{table['suppress_below']}"
        return f"{c['count']} ({c['percent']}%)" if c["count"] else "0"

    for row in table["rows"]:
        click.echo("\t".join([row["code"], cell(row["all"]), *(cell(row["years"][y]) for y in years)]))


@reviews.command("redaction")
@click.argument("review_id", type=int)
@click.argument("report", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@as_option
def redaction_command(review_id: int, report: Path, as_user: str | None) -> None:
    """Attach a redaction report (DESIGN.md format) of the final report, for item-by-item approval."""
    who = acting_user(as_user)
    setup_django()
    from jigsaw.reviews.signoff import upload

    stored = _run(upload, review_id, report.read_bytes(), report.name, who)
    click.echo(f"Review {review_id}: {stored.items.count()} replacement(s) to decide on the review's page.")


@reviews.command("known")
@click.argument("review_id", type=int)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option(
    "--add",
    "extra",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="A KNOWN.csv of further people, places and organisations to include.",
)
@as_option
def known_command(review_id: int, out: Path, extra: Path | None, as_user: str | None) -> None:
    """Write the review's KNOWN.csv (for `jigsaw redact --known`) from its evidence pack."""
    who = acting_user(as_user)
    if not out.parent.exists():
        raise UserError(f"folder {out.parent} does not exist")
    setup_django()
    from jigsaw.reviews.known import known_rows, read_known, to_csv
    from jigsaw.reviews.workflow import get_review

    added = _run(read_known, extra) if extra else []
    review = _run(get_review, review_id, "default")
    rows = _run(known_rows, review) + added
    _log(who, review, action="export", what="known_csv")
    out.write_text(to_csv(rows), encoding="utf-8")
    click.echo(f"Wrote {len(rows)} known item(s) to {out}", err=True)


@reviews.command("pack")
@click.argument("review_id", type=int)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--anonymise", is_flag=True, help="Roles instead of names (Child A, Mother, ...).")
@as_option
def pack_command(review_id: int, out: Path, anonymise: bool, as_user: str | None) -> None:
    """Write the review's frozen evidence pack (chronology, signposts, contributions) as JSON."""
    import json

    who = acting_user(as_user)
    if not out.parent.exists():
        raise UserError(f"folder {out.parent} does not exist")
    setup_django()
    from jigsaw.reviews.evidence import pack
    from jigsaw.reviews.workflow import get_review

    review = _run(get_review, review_id, "default")
    data = _run(pack, review, anonymise)
    _log(who, review, action="export", what="evidence_pack", anonymised=anonymise)
    out.write_text(json.dumps(data, indent=2, default=str), encoding="utf-8")
    click.echo(f"Wrote the evidence pack of review {review_id} to {out}", err=True)


@reviews.command("actions")
@click.option("--overdue", is_flag=True, help="Only actions past their due date and not done.")
@click.option("--json", "as_json", is_flag=True)
def actions_command(overdue: bool, as_json: bool) -> None:
    """Action plans across every review (the board's view): progress, and what is overdue."""
    setup_django()
    from jigsaw.reviews.actions import board, overdue_actions

    if overdue:
        rows = [
            {
                "action_id": a.pk,
                "review": a.recommendation.review.reference,
                "recommendation": a.recommendation.number,
                "description": a.description,
                "agency": a.agency,
                "owner": a.owner,
                "due_on": a.due_on.isoformat(),
                "status": a.status,
            }
            for a in overdue_actions()
        ]
        if as_json:
            echo_json(rows)
        for r in [] if as_json else rows:
            click.echo(f"{r['review']}\t{r['due_on']}\t{r['agency']}\t{r['owner']}\t{r['description']}")
        if not rows and not as_json:
            click.echo("No action is overdue.")
        return
    data = board()
    if as_json:
        echo_json(data)
        return
    for r in data["reviews"]:
        click.echo(f"{r['reference']}\t{r['stage']}\t{r['done']}/{r['actions']} done\t{r['overdue']} overdue")
    t = data["totals"]
    click.echo(f"All reviews: {t['done']}/{t['actions']} actions done, {t['overdue']} overdue.")


@reviews.command("apply")
@click.argument("review_id", type=int)
@click.argument("original", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@as_option
def apply_command(review_id: int, original: Path, out: Path, as_user: str | None) -> None:
    """Apply the decided redaction (approved or changed items) to the original plain-text report."""
    who = acting_user(as_user)
    if not out.parent.exists():
        raise UserError(f"folder {out.parent} does not exist")
    try:
        text = original.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise UserError(f"{original.name} is not UTF-8 plain text") from None
    setup_django()
    from jigsaw.reviews.signoff import apply_decisions, current_report
    from jigsaw.reviews.workflow import get_review

    review = _run(get_review, review_id, "default")
    report = current_report(review)
    if report is None:
        raise UserError(f"review {review_id} has no redaction report")
    redacted = _run(apply_decisions, text, list(report.items.all()))
    _log(who, review, action="export", what="redacted_report")
    out.write_text(redacted, encoding="utf-8")
    click.echo(f"Wrote the redacted report of review {review_id} to {out}", err=True)


@reviews.command("local")
@click.argument("review_id", type=int)
@click.option("--terms-of-reference", help="The local review's terms of reference.")
@click.option("--reviewer", help="The independent reviewer.")
@as_option
def local_command(
    review_id: int, terms_of_reference: str | None, reviewer: str | None, as_user: str | None
) -> None:
    """Set the local review's terms of reference and reviewer."""
    who = acting_user(as_user)
    setup_django()
    from jigsaw.reviews.services import set_local_review

    review = _run(set_local_review, review_id, who, terms_of_reference=terms_of_reference, reviewer=reviewer)
    _log(who, review, step="local_review")
    click.echo(f"Review {review_id}: terms of reference and reviewer recorded.")


@reviews.command("decide-item")
@click.argument("review_id", type=int)
@click.argument("index", type=int)
@click.argument("decision", type=click.Choice(["approved", "changed"]))
@click.option("--replacement", default="", help="With 'changed': the replacement to use instead.")
@as_option
def decide_item_command(
    review_id: int, index: int, decision: str, replacement: str, as_user: str | None
) -> None:
    """Approve or change one replacement of the review's redaction report."""
    who = acting_user(as_user)
    setup_django()
    from jigsaw.reviews.signoff import decide_item
    from jigsaw.reviews.workflow import get_review

    item = _run(decide_item, review_id, index, decision, who, replacement)
    _log(who, get_review(review_id, "default"), step="redaction_decision")
    click.echo(f"Review {review_id}: item {index} {decision} ({item.final}).")


@reviews.command("redact")
@click.argument("review_id", type=int)
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--no-model", is_flag=True, help="Records and patterns only; no statistical model.")
@as_option
def redact_command(review_id: int, file: Path, out: Path, no_model: bool, as_user: str | None) -> None:
    """Redact the final report FILE (text or .docx) with the review's known people; attach its report."""
    who = acting_user(as_user)
    if not out.parent.exists():
        raise UserError(f"folder {out.parent} does not exist")
    if out.resolve() == file.resolve():
        raise UserError("--out must not be the input file")
    setup_django()
    from jigsaw.reviews.redact import redact_final_report
    from jigsaw.reviews.workflow import get_review

    review = _run(get_review, review_id, "default")
    _log(who, review, action="export", what="known_for_redaction")
    report = _run(redact_final_report, review_id, file, out, who, use_model=not no_model)
    click.echo(f"Wrote {out}; review {review_id}: {report.items.count()} replacement(s) to decide.", err=True)
