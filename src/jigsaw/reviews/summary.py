"""A review as JSON-ready data: the stage and clocks of DESIGN.md's ``jigsaw reviews`` contract."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from .clocks import clocks_of
from .models import CaseReview, Notification, Transition


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def review_data(
    review: CaseReview, using: str = "default", today: dt.date | None = None, detail: bool = False
) -> dict[str, Any]:
    """``review_id``, ``stage``, the dates and every clock; with ``detail``, notices and steps too."""
    today = today or timezone.localdate()
    found = clocks_of(review, using)
    data: dict[str, Any] = {
        "review_id": review.pk,
        "reference": review.reference,
        "person_id": review.person_id,
        "stage": review.stage,
        "stage_label": review.get_stage_display(),
        "harm": review.harm,
        "abuse_or_neglect": review.abuse_or_neglect,
        "looked_after": review.looked_after,
        "incident_on": _iso(review.incident_on),
        "aware_on": _iso(review.aware_on),
        "notification_due": _iso(review.notification_due),
        "notified_on": _iso(review.notified_on),
        "rapid_review_due": _iso(review.rapid_review_due),
        "rapid_review_on": _iso(review.rapid_review_on),
        "decision": review.decision or None,
        "published_on": _iso(review.published_on),
        "online_until": _iso(review.online_until),
        "clocks": [c.as_dict(today) for c in found],
        "overdue": any(c.overdue(today) for c in found),
    }
    if detail:
        data["notifications"] = [
            {"recipient": n.recipient, "due_on": _iso(n.due_on), "sent_on": _iso(n.sent_on), "basis": n.basis}
            for n in Notification.objects.using(using).filter(review=review)
        ]
        data["transitions"] = [
            {
                "step": t.step,
                "from": t.from_stage,
                "to": t.to_stage,
                "on": _iso(t.on),
                "by": t.by,
                "reason": t.reason,
            }
            for t in Transition.objects.using(using).filter(review=review)
        ]
    return data


def one_line(data: dict[str, Any]) -> str:
    """A review as one tab-separated line for a terminal."""
    clocks = "; ".join(
        f"{c['label']} due {c['due']}"
        + (f" (done {c['done_on']})" if c["done_on"] else " OVERDUE" if c["overdue"] else "")
        for c in data["clocks"]
    )
    head = f"{data['review_id']}\t{data['reference']}\tperson {data['person_id']}"
    return f"{head}\t{data['stage_label']}\t{clocks}"
