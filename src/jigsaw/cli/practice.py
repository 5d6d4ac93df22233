"""``jigsaw practice``: escalate disagreements whose stage ran out of time, and the practice figures."""

from __future__ import annotations

from datetime import UTC, datetime

import click

from .common import UserError, echo_json, setup_django


@click.group()
def practice() -> None:
    """Practice records: sharing decisions, disagreements, meetings, the child's voice (docs/practice.md)."""


@practice.command("run")
@click.option("--at", "at", help="Act as at this moment (ISO date or time, UTC; default now).")
@click.option("--json", "as_json", is_flag=True)
def run_command(at: str | None, as_json: bool) -> None:
    """Escalate every open disagreement whose stage ran out of time, raising its alert (run daily)."""
    setup_django()
    from jigsaw.practice.escalation import sweep

    now = _moment(at)
    moved = sweep("default", now)
    if as_json:
        echo_json({"escalated": len(moved), "disagreement_ids": moved})
    else:
        click.echo(f"{len(moved):,} disagreement{'s' if len(moved) != 1 else ''} escalated by their timers")


@practice.command("figures")
@click.option("--since", help="From this date (ISO), inclusive.")
@click.option("--until", help="To this date (ISO), inclusive.")
@click.option("--json", "as_json", is_flag=True)
def figures_command(since: str | None, until: str | None, as_json: bool) -> None:
    """Sharing decisions per agency, disagreements, meeting attendance and record-quality counts."""
    setup_django()
    from dataclasses import asdict

    from jigsaw.practice.attendance import attendance_rows
    from jigsaw.practice.quality import counts
    from jigsaw.practice.reports import disagreement_figures
    from jigsaw.practice.sharing import per_agency

    start, end = _day(since, "--since"), _day(until, "--until")
    data = {
        "sharing": [asdict(r) for r in per_agency(start, end, "default")],
        "disagreements": disagreement_figures(start, end, "default"),
        "attendance": attendance_rows(start, end, "default"),
        "record_quality": counts("default"),
    }
    if as_json:
        echo_json(data)
        return
    for row in data["sharing"]:
        click.echo(f"sharing with {row['agency']}: {row['shared']} shared, {row['not_shared']} not shared")
    d = data["disagreements"]
    click.echo(
        f"disagreements: {d['raised']} raised, {d['open']} open, {d['resolved']} resolved, "
        f"{d['escalated_by_timer']} escalations by timer; median days to resolution "
        f"{d['days_to_resolution']['median']}"
    )
    for row in data["attendance"]:
        click.echo(
            f"{row['kind_label']}, {row['agency']}: {row['attended']} of {row['invited']} invited attended"
        )
    click.echo(
        "record quality: "
        + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in data["record_quality"].items())
    )


def _moment(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise UserError(
            f"--at {text!r} is not an ISO date or time, like 2024-03-27 or 2024-03-27T09:00"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _day(text: str | None, option: str):
    if not text:
        return None
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        raise UserError(f"{option} {text!r} is not an ISO date, like 2024-03-27") from None
