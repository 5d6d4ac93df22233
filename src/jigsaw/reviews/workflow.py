"""The case review workflow as a small explicit state machine, every step recorded.

Stages and clocks (``research/anchors-chronology-reviews.md`` section 3.1; Children Act 2004
s16C as amended by the Children and Social Work Act 2017; Working Together to Safeguard Children
2023, chapter 5):

* a serious incident (a child dies or is seriously harmed, abuse or neglect known or suspected)
  is notified to the Child Safeguarding Practice Review Panel within **5 working days** of the
  council becoming aware;
* the rapid review is due **15 working days** after the notification;
* the partners decide on a local child safeguarding practice review or none, with reasons, and
  record the Panel's view;
* the local review's final report is redacted and signed off, sent to the Panel and the
  Secretary of State, then published (kept online for **at least a year**) or, for exceptional
  reasons (e.g. risk to a surviving sibling), not published, with the reason recorded.

The table :data:`STEPS` is the whole machine: a step may run only from its listed stages. A hand
written table rather than a library: nine steps, each with its own checks and dates, read better
as one dictionary than as decorated methods, and every step writes a :class:`Transition` row.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from .models import CaseReview, LegalHold, Stage, Transition

#: step -> (the stages it may run from, the stage it leads to)
STEPS: dict[str, tuple[frozenset[str], str]] = {
    "notify": (frozenset({Stage.INCIDENT}), Stage.NOTIFIED),
    "rapid_review": (frozenset({Stage.NOTIFIED}), Stage.RAPID_REVIEW),
    "decide_local_review": (frozenset({Stage.RAPID_REVIEW}), Stage.LOCAL_REVIEW),
    "decide_no_review": (frozenset({Stage.RAPID_REVIEW}), Stage.NO_REVIEW),
    "final_report": (frozenset({Stage.LOCAL_REVIEW}), Stage.FINAL_REPORT),
    "sign_off": (frozenset({Stage.FINAL_REPORT}), Stage.SIGNED_OFF),
    "send": (frozenset({Stage.SIGNED_OFF}), Stage.SENT),
    "publish": (frozenset({Stage.SENT}), Stage.PUBLISHED),
    "withhold": (frozenset({Stage.SENT}), Stage.NOT_PUBLISHED),
}
#: stages after which the review is closed and its legal holds are released
CLOSED = frozenset({Stage.NO_REVIEW, Stage.PUBLISHED, Stage.NOT_PUBLISHED})
ORDER = [s.value for s in Stage]


class ReviewError(ValueError):
    """A step that cannot be taken; the message says why (one line)."""


def get_review(review_id: int, using: str, lock: bool = False) -> CaseReview:
    rows = CaseReview.objects.using(using)
    if lock:
        rows = rows.select_for_update()
    review = rows.filter(pk=review_id).first()
    if review is None:
        raise ReviewError(f"there is no case review {review_id}; list them with `jigsaw reviews list`")
    return review


def check_day(
    day: dt.date,
    what: str,
    today: dt.date | None = None,
    not_before: dt.date | None = None,
    before_what: str = "",
) -> None:
    """Refuse a date in the future, or one before the date it must follow."""
    today = today or timezone.localdate()
    if day > today:
        raise ReviewError(f"{what} {day.isoformat()} is in the future")
    if not_before is not None and day < not_before:
        raise ReviewError(f"{what} {day.isoformat()} is before {before_what} ({not_before.isoformat()})")


def advance(
    review: CaseReview,
    step: str,
    on: dt.date,
    by: str,
    reason: str = "",
    using: str = "default",
    fields: dict | None = None,
) -> CaseReview:
    """Take ``step`` if the review's stage allows it: set ``fields``, record who, when and why."""
    allowed, target = STEPS[step]
    if not by or not by.strip():
        raise ReviewError("say who is taking the step")
    if review.stage not in allowed:
        raise ReviewError(refusal(review, step))
    with transaction.atomic(using=using):
        before = review.stage
        for name, value in (fields or {}).items():
            setattr(review, name, value)
        review.stage = target
        review.save(using=using)
        Transition.objects.using(using).create(
            review=review,
            step=step,
            from_stage=before,
            to_stage=target,
            on=on,
            by=by.strip(),
            reason=reason.strip(),
        )
        if target in CLOSED:
            LegalHold.objects.using(using).filter(review=review, released_at=None).update(
                released_at=timezone.now()
            )
    return review


def refusal(review: CaseReview, step: str) -> str:
    """Why ``step`` cannot run now, in the user's terms."""
    stage = Stage(review.stage).label.lower()
    if step == "publish" and ORDER.index(review.stage) < ORDER.index(Stage.SIGNED_OFF):
        return f"cannot publish review {review.pk}: its redaction has not been signed off (stage: {stage})"
    if step == "publish" and review.stage == Stage.SIGNED_OFF:
        return (
            f"cannot publish review {review.pk}: send the final report to the panel and the "
            "Secretary of State first"
        )
    wanted = " or ".join(Stage(s).label.lower() for s in sorted(STEPS[step][0]))
    return (
        f"cannot {step.replace('_', ' ')} review {review.pk}: it is at '{stage}', the step needs '{wanted}'"
    )


def is_open(review: CaseReview) -> bool:
    return review.stage not in CLOSED
