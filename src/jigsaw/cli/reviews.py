"""``jigsaw reviews``: serious incidents, their statutory clocks, and the review's record.

Thin over :mod:`jigsaw.reviews`: each subcommand validates, calls one service, and prints a line
(or JSON). Every read of a review is written to the access log as a read of the child's record,
with the lawful basis of case reviews (Children Act 2004 s16C-s16F). The commands on the review's
documents (its redaction, known people, evidence pack) are in :mod:`jigsaw.cli.review_documents`.
"""

from __future__ import annotations

import click

from . import review_documents
from .common import echo_json, setup_django
from .review_common import as_option, line, log_read, parse_day, review_account, run_service, summary


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
    aware, incident = parse_day(aware_on, "--aware-on"), parse_day(incident_on, "--incident-on")
    setup_django()
    who = review_account(as_user)
    from jigsaw.reviews.services import open_review

    review = run_service(
        open_review, person_id, aware, harm, who, incident_on=incident, abuse=abuse, looked_after=looked_after
    )
    log_read(who, review, step="open")
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
    day = parse_day(on, "--on")
    setup_django()
    who = review_account(as_user)
    from jigsaw.reviews.services import notify

    review = run_service(notify, review_id, day, who)
    log_read(who, review, step="notify")
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
    setup_django()
    who = review_account(as_user)
    from jigsaw.reviews.clocks import overdue_reviews, raise_overdue
    from jigsaw.reviews.models import CaseReview

    raise_overdue()
    found = overdue_reviews() if overdue else list(CaseReview.objects.order_by("pk"))
    for review in found:
        log_read(who, review, listed=True)
    rows = [summary(r) for r in found]
    if as_json:
        echo_json(rows)
        return
    for row in rows:
        click.echo(line(row))
    if not rows:
        click.echo("No overdue reviews." if overdue else "No case reviews.")


@reviews.command("show")
@click.argument("review_id", type=int)
@as_option
@click.option("--json", "as_json", is_flag=True)
def show_command(review_id: int, as_user: str | None, as_json: bool) -> None:
    """One review: stage, clocks, notices and every step taken."""
    setup_django()
    who = review_account(as_user)
    from jigsaw.reviews.workflow import get_review

    review = run_service(get_review, review_id, "default")
    log_read(who, review)
    data = summary(review, detail=True)
    if as_json:
        echo_json(data)
        return
    click.echo(line(data))
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
    day = parse_day(on, "--on")
    start, end = parse_day(period_from, "--from"), parse_day(period_to, "--to")
    setup_django()
    who = review_account(as_user)
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
    run_service(calls[step])
    from jigsaw.reviews.workflow import get_review

    review = get_review(review_id, "default")
    log_read(who, review, step=step)
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
    setup_django()
    who = review_account(as_user)
    from jigsaw.reviews.themes import THEMES

    if list_only:
        for t in THEMES:
            click.echo(f"{t.code}\t{t.family}\t{t.label}\t{t.source}")
        return
    if code_review is not None:
        from jigsaw.reviews.services import code_themes
        from jigsaw.reviews.workflow import get_review

        coded = run_service(code_themes, code_review, list(codes), who)
        log_read(who, run_service(get_review, code_review, "default"), step="themes")
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


@reviews.command("local")
@click.argument("review_id", type=int)
@click.option("--terms-of-reference", help="The local review's terms of reference.")
@click.option("--reviewer", help="The independent reviewer.")
@as_option
def local_command(
    review_id: int, terms_of_reference: str | None, reviewer: str | None, as_user: str | None
) -> None:
    """Set the local review's terms of reference and reviewer."""
    setup_django()
    who = review_account(as_user)
    from jigsaw.reviews.services import set_local_review

    review = run_service(set_local_review, review_id, who, terms_of_reference=terms_of_reference,
                         reviewer=reviewer)
    log_read(who, review, step="local_review")
    click.echo(f"Review {review_id}: terms of reference and reviewer recorded.")


for _command in review_documents.COMMANDS:
    reviews.add_command(_command)
