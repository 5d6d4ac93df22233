"""``jigsaw alerts``: list alerts, run the rules, act on an alert, and the fairness report."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import click

from .common import UserError, account_actor, echo_json, setup_django, status

FIELDS = (
    "alert_id",
    "rule_id",
    "title",
    "severity",
    "mode",
    "person_ids",
    "event_ids",
    "status",
    "outcome",
    "raised_at",
    "routed_to",
    "explanation",
)


def _rows(status_filter: str | None, rule: str | None) -> list[dict]:
    from jigsaw.alerts.models import Alert

    alerts = Alert.objects.order_by("-raised_at", "-pk")
    if status_filter:
        alerts = alerts.filter(status=status_filter)
    if rule:
        alerts = alerts.filter(rule_id=rule)
    return [
        {
            "alert_id": a.pk,
            "rule_id": a.rule_id,
            "title": a.title,
            "severity": a.severity,
            "mode": a.mode,
            "person_ids": a.person_ids,
            "event_ids": a.event_keys,
            "status": a.status,
            "outcome": a.outcome,
            "raised_at": a.raised_at.isoformat(),
            "routed_to": a.routed_to,
            "explanation": a.explanation,
            "first_at": a.first_at.isoformat(),
            "last_at": a.last_at.isoformat(),
            "uncertain": a.uncertain,
            "citation": a.citation,
            "due_at": a.due_at.isoformat() if a.due_at else None,
        }
        for a in alerts
    ]


@click.group(invoke_without_command=True)
@click.option(
    "--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True
)
@click.option("--status", "status_filter", type=click.Choice(["open", "acknowledged", "closed"]))
@click.option("--rule", help="Only this rule id.")
@click.pass_context
def alerts(ctx: click.Context, fmt: str, status_filter: str | None, rule: str | None) -> None:
    """Alerts raised by the rules (with a subcommand: run the rules, act on an alert, report)."""
    if ctx.invoked_subcommand is not None:
        return
    setup_django()
    rows = _rows(status_filter, rule)
    if fmt == "json":
        echo_json(rows)
    elif fmt == "csv":
        from jigsaw.feeds import neutralise_formula

        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(FIELDS)
        for r in rows:
            writer.writerow(
                [
                    neutralise_formula(" ".join(map(str, r[f])) if isinstance(r[f], list) else str(r[f]))
                    for f in FIELDS
                ]
            )
        click.echo(out.getvalue(), nl=False)
    elif not rows:
        click.echo("No alerts. Run the rules with `jigsaw alerts run`.")
    else:
        for r in rows:
            click.echo(
                f"{r['alert_id']:>6}  {r['status']:<12} {r['rule_id']:<5} {r['severity']:<6} "
                f"{r['title']}  people {','.join(map(str, r['person_ids']))}  "
                f"{len(r['event_ids'])} events  -> {r['routed_to']}"
            )
        click.echo(f"{len(rows):,} alerts")


@alerts.command("run")
@click.option("--as-of", type=click.DateTime(["%Y-%m-%d"]), help="Evaluate as on this date (default today).")
@click.option("--json", "as_json", is_flag=True)
def run_command(as_of, as_json: bool) -> None:
    """Evaluate every rule over everyone (alerts are never raised twice for one open pattern), and
    raise an alert for every case review clock now overdue and escalate every professional
    disagreement whose stage ran out of time: run it daily (docs/reviews.md, docs/practice.md)."""
    setup_django()
    from jigsaw.alerts.run import run
    from jigsaw.practice.escalation import sweep
    from jigsaw.reviews.clocks import raise_overdue
    from jigsaw.rules import RuleFileError

    try:
        with status("Evaluating the rules"):
            result = run(as_of=as_of.date() if as_of else None)
    except RuleFileError as exc:
        raise UserError(str(exc)) from None
    result["review_clocks_raised"] = raise_overdue(as_of.date() if as_of else None)
    result["disagreements_escalated"] = len(sweep("default"))
    if as_json:
        echo_json(result)
        return
    click.echo(
        f"{result['events']:,} events of {result['people']:,} people: {result['findings']:,} patterns, "
        f"{result['raised']:,} new alerts, {result['updated']:,} updated, "
        f"{result['unchanged']:,} already raised; {result['review_clocks_raised']:,} case review "
        f"clocks newly overdue; {result['disagreements_escalated']:,} disagreements escalated"
    )


_AS = click.option("--as", "as_user", metavar="USER", envvar="JIGSAW_USER",
                   help="The Jigsaw account you act as: a role that works alerts, vetted "
                   "(default: JIGSAW_USER).")


def _act(alert_id: int, as_user: str | None, step, *, operation: str, **detail):
    """Take a step on an alert as a checked account that may see it, logged for each person."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from jigsaw.alerts.lifecycle import AlertError
    from jigsaw.alerts.queue import visible_to

    actor = account_actor(as_user, "alerts")
    user = get_user_model().objects.get(username=actor.username)
    alert = visible_to(user, "default").filter(pk=alert_id).first()
    if alert is None:  # another account's alert is as absent as one that does not exist
        raise UserError(f"there is no alert {alert_id} for {actor.username}; list them with "
                        "`jigsaw alerts`")
    try:
        with transaction.atomic():
            result = step(alert, user)
            for person in alert.person_ids or [None]:
                actor.log("alert_action", using="default", person_id=person,
                          detail={"alert": alert_id, "operation": operation, **detail})
    except AlertError as exc:
        raise UserError(str(exc)) from None
    return result


@alerts.command("ack")
@click.argument("alert_id", type=int)
@_AS
def ack(alert_id: int, as_user: str | None) -> None:
    """Acknowledge an alert: someone has seen it and is looking into it."""
    setup_django()
    from jigsaw.alerts.lifecycle import acknowledge

    _act(alert_id, as_user, lambda a, u: acknowledge(a.pk, u.get_username()), operation="ack")
    click.echo(f"Alert {alert_id} acknowledged.")


@alerts.command("close")
@click.argument("alert_id", type=int)
@click.option("--actioned", "outcome", flag_value="actioned", help="Something was done about it.")
@click.option("--dismiss", "outcome", flag_value="dismissed", help="Not a concern (reason required).")
@click.option("--reason", default="", help="Why (kept with who closed it).")
@_AS
def close_command(alert_id: int, outcome: str | None, reason: str, as_user: str | None) -> None:
    """Close an alert as actioned or dismissed, with a reason (high severity: a second person confirms)."""
    setup_django()
    from jigsaw.alerts.closing import ask_to_close

    if outcome is None:
        raise UserError("say how the alert closes: --actioned or --dismiss, with --reason")
    closed = _act(alert_id, as_user, lambda a, u: ask_to_close(a, outcome, reason, u, "default"),
                  operation="close", outcome=outcome)
    if closed:
        click.echo(f"Alert {alert_id} closed ({outcome}).")
    else:
        click.echo(f"Alert {alert_id} is high severity: it closes when a second person confirms "
                   f"(`jigsaw alerts confirm-close {alert_id} --as THEM`).")


@alerts.command("confirm-close")
@click.argument("alert_id", type=int)
@_AS
def confirm_close_command(alert_id: int, as_user: str | None) -> None:
    """Confirm another person's request to close a high-severity alert."""
    setup_django()
    from jigsaw.alerts.closing import confirm_close

    _act(alert_id, as_user, lambda a, u: confirm_close(a, u, "default"), operation="confirm_close")
    click.echo(f"Alert {alert_id} closed.")


@alerts.command("escalate")
@click.argument("alert_id", type=int)
@click.option("--reason", default="")
@_AS
def escalate_command(alert_id: int, reason: str, as_user: str | None) -> None:
    """Send an alert to the safeguarding hub's queue."""
    setup_django()
    from jigsaw.alerts.lifecycle import escalate

    _act(alert_id, as_user, lambda a, u: escalate(a.pk, reason, u.get_username()), operation="escalate")
    click.echo(f"Alert {alert_id} escalated to the safeguarding hub.")


@alerts.command("report")
@click.option(
    "--truth",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="A synthetic partnership's truth/ folder, to compare alerts with injected patterns.",
)
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Ages on this day (default: the day the rules last raised an alert).")
@click.option("--imd", "imd", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="CSV postcode,imd_decile for deprivation (docs/rules.md says how to build it).")
@click.option("--json", "as_json", is_flag=True)
def report_command(truth: Path | None, as_of, imd: Path | None, as_json: bool) -> None:
    """Per rule and all rules: alerted children by group, intervals, corrected p-values, outcomes."""
    setup_django()
    from jigsaw.alerts.deprivation import DeprivationLookupError, read_lookup
    from jigsaw.alerts.report import fairness_report, render

    try:
        lookup = read_lookup(imd) if imd else None
    except DeprivationLookupError as exc:
        raise UserError(str(exc)) from None
    data = fairness_report(truth=truth, as_of=as_of.date() if as_of else None, deprivation=lookup)
    if as_json:
        echo_json(data)
    else:
        click.echo(render(data))
