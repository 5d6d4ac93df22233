"""What the ``jigsaw reviews`` commands share: the lawful basis they log, dates, refusals, acting."""

from __future__ import annotations

import datetime as dt

import click

from .common import UserError, checked_account

REASON = "case_review"
REASON_TEXT = (
    "Children Act 2004 ss16C-16F: serious incident notification and child safeguarding practice review"
)


def parse_day(text: str | None, option: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UserError(f"{option}: {text!r} is not a date (YYYY-MM-DD)") from None


def run_service(call, *args, **kwargs):
    from jigsaw.reviews.workflow import ReviewError

    try:
        return call(*args, **kwargs)
    except ReviewError as exc:
        raise UserError(str(exc)) from None


def log_read(actor: str, review, action: str = "view_child", **detail) -> None:
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


def line(data: dict) -> str:
    from jigsaw.reviews.summary import one_line

    return one_line(data)


#: who is acting, on every command that reads or changes a review: a named Jigsaw account
as_option = click.option(
    "--as", "as_user", metavar="USER", envvar="JIGSAW_USER",
    help="The Jigsaw account you act as: a role with case reviews, vetted and trained "
    "(default: JIGSAW_USER).",
)


def review_account(as_user: str | None) -> str:
    """The checked account the command acts as: a review holds the child's chronology and
    household, so the command is held to the pages' rules (area ``review``)."""
    return checked_account(as_user, "review")


def refuse_shielded(review) -> None:
    """A protected child's review is not read at a terminal: the glass is broken on the child's
    page, in a session with a time limit, and the command line has none (:mod:`jigsaw.signpost.gate`)."""
    from jigsaw.signpost import gate

    if review.person_id in gate.protected([review.person_id], "default"):
        raise UserError(
            f"case review {review.pk} is about a shielded child: open it in the web application, "
            "after breaking glass on the child's page"
        )


