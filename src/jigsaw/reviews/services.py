"""Opening a case review and taking it through its statutory steps (see :mod:`.workflow`).

Every function validates its input before writing anything, and writes in one transaction, so
bad input (a notification before awareness, a future date, an unknown child, an adult) changes
nothing and raises :class:`ReviewError` with a one-line message.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from jigsaw.records.models import Event, PersonRecord
from jigsaw.signpost.models import Person
from jigsaw.signpost.names import people_names

from . import clocks
from .holds import place_holds
from .models import CaseReview, Notification, Stage, ThemeCode, Transition
from .themes import unknown_codes
from .workdays import add_working_days
from .workflow import ReviewError, advance, check_day, get_review

PANEL_BASIS = (
    "Children Act 2004 s16C(1): notify the Child Safeguarding Practice Review Panel within 5 "
    "working days of becoming aware (Working Together to Safeguard Children 2023, ch. 5)"
)
LAC_BASIS = (
    "Death of a looked-after child: the local authority also notifies {who}, whether or not abuse "
    "or neglect is suspected (Working Together to Safeguard Children 2023, ch. 5; "
    "research/anchors-chronology-reviews.md 3.1). Due date: JIGSAW_REVIEW_LAC_NOTICE_WORKING_DAYS "
    "working days after becoming aware (a setting)"
)
ADULT_AGE = 18  # Children Act 1989 s105(1): a "child" is a person under 18


def _age_on(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def check_child(person_id: int, on: dt.date, using: str) -> None:
    """Refuse an unknown person, or one who was not a child on the incident date."""
    if not Person.objects.using(using).filter(pk=person_id).exists():
        raise ReviewError(f"there is no person {person_id}; find the child with `jigsaw search`")
    _, born, _ = people_names([person_id], using).get(person_id, ("", None, ()))
    if born is not None:
        if _age_on(born, on) >= ADULT_AGE:
            raise ReviewError(
                f"person {person_id} was {_age_on(born, on)} on {on.isoformat()}: case reviews "
                "are for children under 18 (Children Act 2004 s16C)"
            )
        return
    flags = set(
        PersonRecord.objects.using(using).filter(link__person_id=person_id).values_list("is_child", flat=True)
    )
    if True not in flags:
        raise ReviewError(f"person {person_id} has no birth date and no record marks them as a child")


def was_looked_after(person_id: int, on: dt.date, using: str) -> bool:
    """Whether the records show the child looked after on ``on`` (last start after last end)."""
    rows = (
        Event.objects.using(using)
        .filter(
            person__link__person_id=person_id,
            event_type__in=["looked_after_start", "looked_after_end"],
            occurred_at__date__lte=on,
        )
        .order_by("occurred_at", "pk")
        .values_list("event_type", flat=True)
    )
    last = list(rows)[-1:] or [""]
    return last[0] == "looked_after_start"


def open_review(
    person_id: int,
    aware_on: dt.date,
    harm: str,
    by: str,
    *,
    incident_on: dt.date | None = None,
    abuse: str = CaseReview.SUSPECTED,
    looked_after: bool | None = None,
    today: dt.date | None = None,
    using: str = "default",
) -> CaseReview:
    """Record a serious incident; set the notification clock; hold the child's records."""
    if harm not in (CaseReview.DEATH, CaseReview.SERIOUS_HARM):
        raise ReviewError("harm must be 'death' or 'serious_harm'")
    if abuse not in (CaseReview.KNOWN, CaseReview.SUSPECTED):
        raise ReviewError("abuse or neglect must be 'known' or 'suspected' (Children Act 2004 s16C)")
    if not by or not by.strip():
        raise ReviewError("say who is opening the review")
    incident_on = incident_on or aware_on
    check_day(aware_on, "the date the council became aware", today)
    check_day(incident_on, "the incident date", today)
    if incident_on > aware_on:
        raise ReviewError(
            f"the incident date {incident_on.isoformat()} is after the council became aware "
            f"({aware_on.isoformat()})"
        )
    check_child(person_id, incident_on, using)
    if looked_after is None:
        looked_after = was_looked_after(person_id, incident_on, using)
    with transaction.atomic(using=using):
        review = CaseReview.objects.using(using).create(
            person_id=person_id,
            incident_on=incident_on,
            aware_on=aware_on,
            harm=harm,
            abuse_or_neglect=abuse,
            looked_after=looked_after,
            notification_due=add_working_days(aware_on, 5),
            opened_by=by.strip(),
        )
        Notification.objects.using(using).create(
            review=review, recipient=Notification.PANEL, due_on=review.notification_due, basis=PANEL_BASIS
        )
        if looked_after and harm == CaseReview.DEATH:
            days = int(getattr(settings, "JIGSAW_REVIEW_LAC_NOTICE_WORKING_DAYS", 5))
            for recipient, who in (
                (Notification.OFSTED, "Ofsted"),
                (Notification.SECRETARY_OF_STATE, "the Secretary of State"),
            ):
                Notification.objects.using(using).create(
                    review=review,
                    recipient=recipient,
                    due_on=add_working_days(aware_on, days),
                    basis=LAC_BASIS.format(who=who),
                )
        Transition.objects.using(using).create(
            review=review,
            step="open",
            to_stage=Stage.INCIDENT,
            on=aware_on,
            by=by.strip(),
            reason=f"{harm}; abuse or neglect {abuse}",
        )
        place_holds(review, [person_id], "subject of an open case review", using)
    return review


def notify(
    review_id: int, on: dt.date, by: str, *, today: dt.date | None = None, using: str = "default"
) -> CaseReview:
    """Record the notification to the national panel; the rapid review is due 15 working days later."""
    with transaction.atomic(using=using):
        review = get_review(review_id, using, lock=True)
        check_day(on, "the notification date", today, review.aware_on, "the date the council became aware")
        advance(
            review,
            "notify",
            on,
            by,
            using=using,
            fields={"notified_on": on, "rapid_review_due": add_working_days(on, 15)},
        )
        Notification.objects.using(using).filter(review=review, recipient=Notification.PANEL).update(
            sent_on=on
        )
        clocks.settle(review, "notification", f"notified on {on.isoformat()}", using)
    return review


def record_notice(
    review_id: int,
    recipient: str,
    on: dt.date,
    by: str,
    *,
    today: dt.date | None = None,
    using: str = "default",
) -> Notification:
    """Record that Ofsted or the Secretary of State was told of a looked-after child's death."""
    with transaction.atomic(using=using):
        review = get_review(review_id, using, lock=True)
        notice = Notification.objects.using(using).filter(review=review, recipient=recipient).first()
        if notice is None:
            raise ReviewError(f"review {review_id} owes no notice to {recipient}")
        check_day(on, "the notice date", today, review.aware_on, "the date the council became aware")
        notice.sent_on = on
        notice.save(using=using, update_fields=["sent_on"])
        Transition.objects.using(using).create(
            review=review,
            step=f"notice_{recipient}",
            from_stage=review.stage,
            to_stage=review.stage,
            on=on,
            by=by.strip() or "?",
        )
        clocks.settle(review, recipient, f"notice sent on {on.isoformat()}", using)
    return notice


def decide(
    review_id: int,
    decision: str,
    reasons: str,
    by: str,
    *,
    on: dt.date,
    panel_view: str = "",
    today: dt.date | None = None,
    using: str = "default",
) -> CaseReview:
    """Record the partners' decision after the rapid review, its reasons and the panel's view."""
    if decision not in (CaseReview.LOCAL_REVIEW, CaseReview.NO_REVIEW):
        raise ReviewError("decide 'local_review' or 'no_review'")
    if not reasons.strip():
        raise ReviewError("give the reasons for the decision")
    with transaction.atomic(using=using):
        review = get_review(review_id, using, lock=True)
        check_day(
            on, "the decision date", today, review.rapid_review_on or review.aware_on, "the rapid review"
        )
        return advance(
            review,
            f"decide_{decision}",
            on,
            by,
            reasons,
            using,
            {"decision": decision, "decision_reasons": reasons.strip(), "panel_view": panel_view.strip()},
        )


def set_local_review(
    review_id: int,
    by: str,
    *,
    terms_of_reference: str | None = None,
    reviewer: str | None = None,
    using: str = "default",
) -> CaseReview:
    """The local review's terms of reference and reviewer (editable while it runs)."""
    with transaction.atomic(using=using):
        review = get_review(review_id, using, lock=True)
        if review.stage != Stage.LOCAL_REVIEW:
            raise ReviewError(f"review {review_id} is not at the local review stage")
        if terms_of_reference is not None:
            review.terms_of_reference = terms_of_reference.strip()
        if reviewer is not None:
            review.reviewer = reviewer.strip()[:200]
        review.save(using=using)
        Transition.objects.using(using).create(
            review=review,
            step="local_review_details",
            from_stage=review.stage,
            to_stage=review.stage,
            on=timezone.localdate(),
            by=by.strip() or "?",
        )
    return review


def final_report(
    review_id: int, on: dt.date, by: str, *, today: dt.date | None = None, using: str = "default"
) -> CaseReview:
    with transaction.atomic(using=using):
        review = get_review(review_id, using, lock=True)
        if not review.terms_of_reference or not review.reviewer:
            raise ReviewError(f"review {review_id} needs its terms of reference and reviewer first")
        check_day(on, "the final report date", today, review.aware_on, "the date the council became aware")
        return advance(review, "final_report", on, by, using=using, fields={"final_report_on": on})


def send(
    review_id: int, on: dt.date, by: str, *, today: dt.date | None = None, using: str = "default"
) -> CaseReview:
    """The signed-off report sent to the panel and the Secretary of State before publication."""
    with transaction.atomic(using=using):
        review = get_review(review_id, using, lock=True)
        check_day(on, "the date sent", today, review.signed_off_on or review.aware_on, "the sign-off")
        return advance(review, "send", on, by, using=using, fields={"sent_on": on})


def publish(
    review_id: int,
    on: dt.date,
    by: str,
    *,
    url: str = "",
    today: dt.date | None = None,
    using: str = "default",
) -> CaseReview:
    """Published: kept online for at least a year (Working Together 2023; research note 3.1)."""
    with transaction.atomic(using=using):
        review = get_review(review_id, using, lock=True)
        check_day(on, "the publication date", today, review.sent_on or review.aware_on, "the date sent")
        online_until = (
            on.replace(year=on.year + 1) if (on.month, on.day) != (2, 29) else dt.date(on.year + 1, 3, 1)
        )
        return advance(
            review,
            "publish",
            on,
            by,
            using=using,
            fields={"published_on": on, "publication_url": url.strip()[:500], "online_until": online_until},
        )


def withhold(
    review_id: int, reason: str, by: str, *, on: dt.date, today: dt.date | None = None, using: str = "default"
) -> CaseReview:
    """Not published, for an exceptional reason (e.g. risk to a surviving sibling), recorded."""
    if not reason.strip():
        raise ReviewError("give the reason the report is not published")
    with transaction.atomic(using=using):
        review = get_review(review_id, using, lock=True)
        check_day(on, "the decision date", today, review.sent_on or review.aware_on, "the date sent")
        return advance(review, "withhold", on, by, reason, using, {"not_published_reason": reason.strip()})


def code_themes(review_id: int, codes: list[str], by: str, using: str = "default") -> list[str]:
    """Set the review's learning themes to exactly ``codes`` (from the controlled list)."""
    bad = unknown_codes(codes)
    if bad:
        raise ReviewError(f"unknown theme {bad[0]!r}; see `jigsaw reviews themes --list`")
    with transaction.atomic(using=using):
        review = get_review(review_id, using, lock=True)
        ThemeCode.objects.using(using).filter(review=review).exclude(theme__in=codes).delete()
        have = set(ThemeCode.objects.using(using).filter(review=review).values_list("theme", flat=True))
        ThemeCode.objects.using(using).bulk_create(
            [
                ThemeCode(review=review, theme=c, coded_by=by.strip() or "?")
                for c in dict.fromkeys(codes)
                if c not in have
            ]
        )
    return sorted(set(codes))
