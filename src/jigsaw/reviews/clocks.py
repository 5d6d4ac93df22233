"""The review's clocks, which of them are overdue, and the alerts an overdue clock raises.

An overdue statutory clock (notification to the panel, rapid review, a looked-after child's
death notices; see :mod:`.workflow`) is raised in the hub's alert queue as rule ``R16`` (the
research note's "serious incident clock", ``anchors-chronology-reviews.md`` section 2.1, R16),
one alert per review and clock, through the alert store like any rule's finding. When the clock
is met the alert is closed as actioned, with the date it was met.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from jigsaw.alerts import lifecycle
from jigsaw.alerts.models import Alert
from jigsaw.alerts.store import store
from jigsaw.feeds import LONDON
from jigsaw.rules import Finding

from .models import CaseReview, Notification

RULE_ID = "R16"
RULE_VERSION = 1
CITATION = (
    "Children Act 2004 s16C; Working Together to Safeguard Children 2023 ch. 5: notify the Child "
    "Safeguarding Practice Review Panel within 5 working days of becoming aware; rapid review within "
    "15 working days of the notification; a looked-after child's death also to Ofsted and the "
    "Secretary of State (research/anchors-chronology-reviews.md 2.1 R16, 3.1)"
)
SYSTEM = "jigsaw reviews"
LABELS = {
    "notification": "Notify the national panel",
    "rapid_review": "Rapid review",
    Notification.OFSTED: "Notify Ofsted (looked-after child's death)",
    Notification.SECRETARY_OF_STATE: "Notify the Secretary of State (looked-after child's death)",
}


@dataclass(frozen=True)
class Clock:
    name: str
    label: str
    due: dt.date
    done_on: dt.date | None

    def overdue(self, today: dt.date) -> bool:
        return self.done_on is None and today > self.due

    def as_dict(self, today: dt.date) -> dict:
        return {
            "clock": self.name,
            "label": self.label,
            "due": self.due.isoformat(),
            "done_on": self.done_on.isoformat() if self.done_on else None,
            "overdue": self.overdue(today),
        }


def clocks_of(review: CaseReview, using: str = "default") -> list[Clock]:
    """The review's statutory clocks that have started (the rapid review's once notified)."""
    out = [Clock("notification", LABELS["notification"], review.notification_due, review.notified_on)]
    if review.rapid_review_due:
        out.append(
            Clock("rapid_review", LABELS["rapid_review"], review.rapid_review_due, review.rapid_review_on)
        )
    for notice in (
        Notification.objects.using(using).filter(review=review).exclude(recipient=Notification.PANEL)
    ):
        out.append(Clock(notice.recipient, LABELS[notice.recipient], notice.due_on, notice.sent_on))
    return out


def pattern_key(review: CaseReview, clock: str) -> str:
    return f"review:{review.pk}:{clock}"


def raise_overdue(today: dt.date | None = None, using: str = "default") -> int:
    """Raise an R16 alert for every overdue clock of an open review; returns how many are new."""
    from .workflow import CLOSED

    today = today or timezone.localdate()
    findings = []
    for review in CaseReview.objects.using(using).exclude(stage__in=CLOSED):
        for clock in clocks_of(review, using):
            if clock.overdue(today):
                findings.append(
                    Finding(
                        rule_id=RULE_ID,
                        rule_version=RULE_VERSION,
                        title=f"Case review clock overdue: {clock.label}",
                        severity="high",
                        mode="required",
                        route="hub",
                        person_ids=(review.person_id,),
                        event_keys=(),
                        first_at=clock.due,
                        last_at=clock.due,
                        explanation=(
                            f"Case review {review.reference}: '{clock.label}' was due on "
                            f"{clock.due.isoformat()} and is not recorded as done."
                        ),
                        citation=CITATION,
                        uncertain=False,
                        pattern_key=pattern_key(review, clock.name),
                    )
                )
    if not findings:
        return 0
    with transaction.atomic(using=using):
        result = store(findings, using)
        for f in findings:  # the deadline is the clock's: the end of its due day, UK time
            due = dt.datetime.combine(f.first_at, dt.time(23, 59), tzinfo=LONDON)
            Alert.objects.using(using).filter(rule_id=RULE_ID, pattern_key=f.pattern_key, due_at=None).update(
                due_at=due
            )
    return result.raised


def settle(review: CaseReview, clock: str, reason: str, using: str = "default") -> int:
    """Close the open alert of a clock that has now been met; returns how many were closed."""
    open_alerts = (
        Alert.objects.using(using)
        .filter(rule_id=RULE_ID, pattern_key=pattern_key(review, clock))
        .exclude(status=Alert.CLOSED)
        .values_list("pk", flat=True)
    )
    closed = 0
    for pk in list(open_alerts):
        lifecycle.close(pk, Alert.ACTIONED, reason, SYSTEM, using)
        closed += 1
    return closed


def overdue_reviews(today: dt.date | None = None, using: str = "default") -> list[CaseReview]:
    """Open reviews with at least one overdue clock."""
    from .workflow import CLOSED

    today = today or timezone.localdate()
    return [
        r
        for r in CaseReview.objects.using(using).exclude(stage__in=CLOSED).order_by("pk")
        if any(c.overdue(today) for c in clocks_of(r, using))
    ]
