"""The review's evidence pack: a frozen chronology and signposts, and the agencies' contributions.

At the rapid review the child's and household's merged chronology for the chosen period
(:mod:`jigsaw.chronology`) and the signposts of everyone in it (who was involved) are stored as
JSON, named and anonymised, and never updated: a later import changes the live chronology, not
the evidence the review worked from (Chronolator's composite chronology is likewise a document,
not a live view; ``research/anchors-chronology-reviews.md`` section 1.3). Everyone in the pack
is put on legal hold with the child. Each agency's contribution is requested with a due date
(``JIGSAW_REVIEW_CONTRIBUTION_WORKING_DAYS``, a setting: the Devon rapid review flowchart asks
for agency summaries by day 10, section 3.1) and tracked until received.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction

from jigsaw.chronology.build import Filters
from jigsaw.chronology.export import as_data
from jigsaw.chronology.household import anonymise_chronology, child_chronology, household_chronology
from jigsaw.signpost.signposts import signposts_for_people

from . import clocks
from .holds import place_holds
from .models import CaseReview, Contribution, EvidenceSnapshot
from .workdays import add_working_days
from .workflow import ReviewError, advance, check_day, get_review

#: signpost fields kept in the anonymised pack: the agency and role, never a practitioner's name
ANONYMOUS_SIGNPOST = ("agency", "team", "role", "started_on", "ended_on", "current", "origin")


def rapid_review(
    review_id: int,
    on: dt.date,
    by: str,
    *,
    period_from: dt.date | None = None,
    period_to: dt.date | None = None,
    household: bool = True,
    today: dt.date | None = None,
    using: str = "default",
) -> EvidenceSnapshot:
    """Record the rapid review and freeze the evidence pack as it stands now."""
    if period_from and period_to and period_from > period_to:
        raise ReviewError("the period starts after it ends")
    with transaction.atomic(using=using):
        review = get_review(review_id, using, lock=True)
        check_day(
            on, "the rapid review date", today, review.notified_on or review.aware_on, "the notification"
        )
        advance(review, "rapid_review", on, by, using=using, fields={"rapid_review_on": on})
        snapshot = freeze(review, by, period_from, period_to, household, using)
        clocks.settle(review, "rapid_review", f"rapid review on {on.isoformat()}", using)
    return snapshot


def freeze(
    review: CaseReview,
    by: str,
    period_from: dt.date | None,
    period_to: dt.date | None,
    household: bool,
    using: str,
) -> EvidenceSnapshot:
    if EvidenceSnapshot.objects.using(using).filter(review=review).exists():
        raise ReviewError(f"review {review.pk}'s evidence pack is already frozen")
    filters = Filters(date_from=period_from, date_to=period_to)
    build = household_chronology if household else child_chronology
    chronology = build(review.person_id, using, filters)
    labels = {s.person_id: s.label for s in chronology.subjects}
    anonymous = anonymise_chronology(chronology, using)
    anonymous_labels = {s.person_id: s.label for s in anonymous.subjects}
    posts = signposts_for_people(list(labels), using)
    signposts = [
        {
            "whose": labels[pid],
            "whose_anonymised": anonymous_labels.get(pid, labels[pid]),
            "signposts": [p.as_dict() for p in posts.get(pid, [])],
        }
        for pid in labels
    ]
    snapshot = EvidenceSnapshot.objects.using(using).create(
        review=review,
        taken_by=by.strip(),
        period_from=period_from,
        period_to=period_to,
        household=household,
        chronology=as_data(chronology),
        anonymised=as_data(anonymous),
        signposts=signposts,
        entries=len(chronology.entries),
    )
    place_holds(review, list(labels), "in the evidence pack of an open case review", using)
    return snapshot


def pack(review: CaseReview, anonymised: bool, using: str = "default") -> dict[str, Any]:
    """The evidence pack as JSON-ready data (named, or anonymised for the reviewer and publication)."""
    snapshot = EvidenceSnapshot.objects.using(using).filter(review=review).first()
    if snapshot is None:
        raise ReviewError(f"review {review.pk} has no evidence pack yet: it is frozen at the rapid review")
    signposts = snapshot.signposts
    if anonymised:
        signposts = [
            {
                "whose": s["whose_anonymised"],
                "signposts": [{k: p.get(k) for k in ANONYMOUS_SIGNPOST} for p in s["signposts"]],
            }
            for s in signposts
        ]
    return {
        "review": review.reference,
        "anonymised": anonymised,
        "taken_at": snapshot.taken_at.isoformat(timespec="seconds"),
        "period": {
            "from": snapshot.period_from.isoformat() if snapshot.period_from else None,
            "to": snapshot.period_to.isoformat() if snapshot.period_to else None,
        },
        "household": snapshot.household,
        "chronology": snapshot.anonymised if anonymised else snapshot.chronology,
        "signposts": signposts,
        "contributions": [
            {
                "agency": c.agency,
                "status": c.status,
                "requested_on": c.requested_on.isoformat(),
                "due_on": c.due_on.isoformat(),
                "received_on": c.received_on.isoformat() if c.received_on else None,
            }
            for c in Contribution.objects.using(using).filter(review=review)
        ],
    }


def request_contribution(
    review_id: int,
    agency: str,
    on: dt.date,
    *,
    due_on: dt.date | None = None,
    today: dt.date | None = None,
    using: str = "default",
) -> Contribution:
    agency = " ".join(agency.split())[:200]
    if not agency:
        raise ReviewError("name the agency asked for a contribution")
    review = get_review(review_id, using)
    check_day(on, "the request date", today, review.aware_on, "the date the council became aware")
    days = int(getattr(settings, "JIGSAW_REVIEW_CONTRIBUTION_WORKING_DAYS", 10))
    due_on = due_on or add_working_days(on, days)
    if due_on < on:
        raise ReviewError("the contribution's due date is before it was asked for")
    contribution, created = Contribution.objects.using(using).get_or_create(
        review=review, agency=agency, defaults={"requested_on": on, "due_on": due_on}
    )
    if not created:
        raise ReviewError(f"{agency} has already been asked (on {contribution.requested_on.isoformat()})")
    return contribution


def receive_contribution(
    review_id: int,
    agency: str,
    on: dt.date,
    summary: str = "",
    *,
    today: dt.date | None = None,
    using: str = "default",
) -> Contribution:
    contribution = (
        Contribution.objects.using(using).filter(review_id=review_id, agency=agency.strip()).first()
    )
    if contribution is None:
        raise ReviewError(f"{agency.strip()} was not asked for a contribution to review {review_id}")
    check_day(on, "the date received", today, contribution.requested_on, "the request")
    contribution.received_on, contribution.status = on, Contribution.RECEIVED
    contribution.summary = summary.strip()
    contribution.save(using=using)
    return contribution
