"""Action plans: a review's recommendations, the actions agreed for each, and the board's view.

Every action has an owning agency, a named owner, a due date, a status and, to be marked done,
evidence of completion (the issue's source documents ask for action plans to be "progressed",
not merely written). An action past its due date and not done is overdue, for the partnership
to see on the board page and in ``jigsaw reviews actions --overdue``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from .models import CaseReview, PlanAction, Recommendation
from .workflow import ReviewError, get_review


def add_recommendation(review_id: int, text: str, using: str = "default") -> Recommendation:
    if not text.strip():
        raise ReviewError("write the recommendation")
    with transaction.atomic(using=using):
        review = get_review(review_id, using, lock=True)
        last = Recommendation.objects.using(using).filter(review=review).aggregate(n=Max("number"))["n"] or 0
        return Recommendation.objects.using(using).create(review=review, number=last + 1, text=text.strip())


def add_action(
    review_id: int,
    number: int,
    description: str,
    agency: str,
    owner: str,
    due_on: dt.date,
    using: str = "default",
) -> PlanAction:
    recommendation = Recommendation.objects.using(using).filter(review_id=review_id, number=number).first()
    if recommendation is None:
        raise ReviewError(f"review {review_id} has no recommendation {number}")
    for value, what in ((description, "the action"), (agency, "the owning agency"), (owner, "the owner")):
        if not value.strip():
            raise ReviewError(f"give {what}")
    return PlanAction.objects.using(using).create(
        recommendation=recommendation,
        description=description.strip(),
        agency=agency.strip()[:200],
        owner=owner.strip()[:200],
        due_on=due_on,
    )


def update_action(
    action_id: int,
    status: str,
    by: str,
    *,
    evidence: str = "",
    on: dt.date | None = None,
    using: str = "default",
) -> PlanAction:
    """Move an action on; marking it done needs the evidence of completion."""
    if status not in dict(PlanAction.STATUSES):
        raise ReviewError(f"status must be one of {', '.join(dict(PlanAction.STATUSES))}")
    action = PlanAction.objects.using(using).filter(pk=action_id).first()
    if action is None:
        raise ReviewError(f"there is no action {action_id}")
    if status == PlanAction.DONE and not (evidence.strip() or action.evidence):
        raise ReviewError("give the evidence that the action is complete")
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ReviewError(f"the completion date {on.isoformat()} is in the future")
    action.status = status
    if evidence.strip():
        action.evidence = evidence.strip()
    action.completed_on = on if status == PlanAction.DONE else None
    action.updated_by = by.strip()[:150]
    action.save(using=using)
    return action


def is_overdue(action: PlanAction, today: dt.date) -> bool:
    return action.status != PlanAction.DONE and action.due_on < today


def overdue_actions(today: dt.date | None = None, using: str = "default") -> list[PlanAction]:
    today = today or timezone.localdate()
    return list(
        PlanAction.objects.using(using)
        .exclude(status=PlanAction.DONE)
        .filter(due_on__lt=today)
        .select_related("recommendation__review")
        .order_by("due_on", "pk")
    )


def board(today: dt.date | None = None, using: str = "default") -> dict[str, Any]:
    """Progress of every review's action plan: counts by status, overdue, percentage done."""
    today = today or timezone.localdate()
    per: dict[int, Counter[str]] = {}
    for action in PlanAction.objects.using(using).select_related("recommendation"):
        c = per.setdefault(action.recommendation.review_id, Counter())
        c["total"] += 1
        c[action.status] += 1
        c["overdue"] += is_overdue(action, today)
    rows = []
    for review in CaseReview.objects.using(using).filter(pk__in=list(per)).order_by("pk"):
        c = per[review.pk]
        rows.append(
            {
                "review_id": review.pk,
                "reference": review.reference,
                "stage": review.get_stage_display(),
                "actions": c["total"],
                "done": c[PlanAction.DONE],
                "in_progress": c[PlanAction.IN_PROGRESS],
                "not_started": c[PlanAction.OPEN],
                "overdue": c["overdue"],
                "percent_done": round(100 * c[PlanAction.DONE] / c["total"]),
            }
        )
    total = sum((per[r] for r in per), Counter())
    return {
        "today": today.isoformat(),
        "reviews": rows,
        "totals": {
            "actions": total["total"],
            "done": total[PlanAction.DONE],
            "overdue": total["overdue"],
            "percent_done": round(100 * total[PlanAction.DONE] / total["total"]) if total["total"] else None,
        },
    }
