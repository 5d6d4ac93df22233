"""The workflow end to end, its clocks and alerts, and every bad input refused with nothing changed."""

from datetime import date

import pytest

from jigsaw.alerts.models import Alert
from jigsaw.reviews import clocks, evidence, services, signoff
from jigsaw.reviews.holds import is_on_legal_hold
from jigsaw.reviews.models import CaseReview, Notification, Stage, Transition
from jigsaw.reviews.workflow import ReviewError
from tests.conftest import BOTH

pytestmark = pytest.mark.django_db(databases=BOTH)
TODAY = date(2026, 11, 30)


def _open(family, **kwargs):
    kwargs.setdefault("today", TODAY)
    return services.open_review(
        family["amy"], date(2025, 12, 22), "serious_harm", "manager", using=family["using"], **kwargs
    )


def test_the_clocks_cross_christmas_and_new_year(family):
    review = _open(family, incident_on=date(2025, 12, 20))
    assert review.notification_due == date(2025, 12, 31)  # 25, 26 Dec are bank holidays
    assert review.stage == Stage.INCIDENT
    review = services.notify(review.pk, date(2025, 12, 31), "manager", today=TODAY, using=family["using"])
    assert review.rapid_review_due == date(2026, 1, 22)  # 1 Jan is a bank holiday
    assert [t.step for t in Transition.objects.using(family["using"]).filter(review=review)] == [
        "open",
        "notify",
    ]


def test_the_whole_way_to_publication_recorded_step_by_step(family):
    using = family["using"]
    review = _open(family)
    assert is_on_legal_hold(family["amy"], using)
    services.notify(review.pk, date(2025, 12, 29), "manager", today=TODAY, using=using)
    evidence.rapid_review(review.pk, date(2026, 1, 15), "manager", today=TODAY, using=using)
    assert is_on_legal_hold(family["jane"], using)  # the household is in the pack
    services.decide(
        review.pk,
        "local_review",
        "learning about information sharing",
        "chair",
        on=date(2026, 1, 20),
        panel_view="agrees",
        today=TODAY,
        using=using,
    )
    with pytest.raises(ReviewError, match="terms of reference"):
        services.final_report(review.pk, date(2026, 6, 1), "manager", today=TODAY, using=using)
    services.set_local_review(
        review.pk, "manager", terms_of_reference="Scope: 2023-2025", reviewer="Dr Reviewer", using=using
    )
    services.final_report(review.pk, date(2026, 6, 1), "manager", today=TODAY, using=using)
    signoff.upload(
        review.pk,
        [{"start": 0, "end": 3, "category": "person", "replacement": "Child A", "reason": "known person"}],
        "report.json",
        "manager",
        using=using,
    )
    with pytest.raises(ReviewError, match="1 undecided"):
        signoff.sign_off(review.pk, "chair", date(2026, 6, 10), today=TODAY, using=using)
    with pytest.raises(ReviewError, match="not been signed off"):
        services.publish(review.pk, date(2026, 6, 20), "manager", today=TODAY, using=using)
    signoff.decide_item(review.pk, 1, "approved", "reviewer", using=using)
    signoff.sign_off(review.pk, "chair", date(2026, 6, 10), today=TODAY, using=using)
    services.send(review.pk, date(2026, 6, 11), "manager", today=TODAY, using=using)
    review = services.publish(
        review.pk, date(2026, 6, 25), "manager", url="https://example.org/r", today=TODAY, using=using
    )
    assert review.stage == Stage.PUBLISHED and review.online_until == date(2027, 6, 25)
    assert not is_on_legal_hold(family["amy"], using)  # closed: the hold is released
    steps = list(Transition.objects.using(using).filter(review=review).values_list("step", "by"))
    assert steps[-1] == ("publish", "manager") and len(steps) == 9


def test_no_review_and_not_published_need_reasons(family):
    using = family["using"]
    review = _open(family)
    services.notify(review.pk, date(2025, 12, 29), "m", today=TODAY, using=using)
    evidence.rapid_review(review.pk, date(2026, 1, 15), "m", today=TODAY, using=using)
    with pytest.raises(ReviewError, match="reasons"):
        services.decide(review.pk, "no_review", " ", "chair", on=date(2026, 1, 20), today=TODAY, using=using)
    review = services.decide(
        review.pk,
        "no_review",
        "learning already known",
        "chair",
        on=date(2026, 1, 20),
        panel_view="agrees",
        today=TODAY,
        using=using,
    )
    assert review.stage == Stage.NO_REVIEW and review.panel_view == "agrees"


def test_a_looked_after_childs_death_also_notifies_ofsted_and_the_secretary_of_state(family):
    using = family["using"]
    review = services.open_review(
        family["amy"], date(2025, 12, 22), "death", "m", looked_after=True, today=TODAY, using=using
    )
    notices = dict(Notification.objects.using(using).filter(review=review).values_list("recipient", "due_on"))
    assert notices == {
        "panel": date(2025, 12, 31),
        "ofsted": date(2025, 12, 31),
        "secretary_of_state": date(2025, 12, 31),
    }
    services.record_notice(review.pk, "ofsted", date(2025, 12, 30), "m", today=TODAY, using=using)
    assert Notification.objects.using(using).get(review=review, recipient="ofsted").sent_on == date(
        2025, 12, 30
    )


def test_overdue_clocks_raise_hub_alerts_once_and_close_when_met(family):
    using = family["using"]
    review = _open(family)
    assert clocks.raise_overdue(date(2025, 12, 31), using) == 0  # due that day: not yet overdue
    assert clocks.raise_overdue(date(2026, 1, 2), using) == 1
    assert clocks.raise_overdue(date(2026, 1, 5), using) == 0  # the same alert, not a second
    alert = Alert.objects.using(using).get(rule_id="R16")
    assert alert.routed_to == "safeguarding hub queue" and alert.due_at.date() == date(2025, 12, 31)
    assert [r.pk for r in clocks.overdue_reviews(date(2026, 1, 2), using)] == [review.pk]
    services.notify(review.pk, date(2026, 1, 2), "m", today=TODAY, using=using)
    alert.refresh_from_db(using=using)
    assert alert.status == Alert.CLOSED and alert.outcome == Alert.ACTIONED


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda f: services.open_review(
                999999, date(2025, 12, 22), "death", "m", today=TODAY, using=f["using"]
            ),
            "no person 999999",
        ),
        (
            lambda f: services.open_review(
                f["jane"], date(2025, 12, 22), "death", "m", today=TODAY, using=f["using"]
            ),
            "case reviews are for children",
        ),
        (
            lambda f: services.open_review(
                f["amy"], date(2026, 12, 1), "death", "m", today=TODAY, using=f["using"]
            ),
            "in the future",
        ),
        (
            lambda f: services.open_review(
                f["amy"], date(2025, 12, 1), "bruise", "m", today=TODAY, using=f["using"]
            ),
            "harm must be",
        ),
    ],
)
def test_bad_openings_are_refused_and_nothing_is_written(family, call, message):
    with pytest.raises(ReviewError, match=message):
        call(family)
    assert not CaseReview.objects.using(family["using"]).exists()
    assert not Transition.objects.using(family["using"]).exists()


@pytest.mark.parametrize(
    ("on", "message"),
    [
        (date(2025, 12, 21), "before the date the council became aware"),
        (date(2026, 12, 1), "in the future"),
    ],
)
def test_a_bad_notification_date_is_refused_and_nothing_changes(family, on, message):
    using = family["using"]
    review = _open(family)
    with pytest.raises(ReviewError, match=message):
        services.notify(review.pk, on, "m", today=TODAY, using=using)
    review.refresh_from_db(using=using)
    assert review.stage == Stage.INCIDENT and review.notified_on is None and review.rapid_review_due is None
    assert Transition.objects.using(using).filter(review=review).count() == 1


def test_publishing_before_sign_off_is_refused_and_nothing_changes(family):
    using = family["using"]
    review = _open(family)
    with pytest.raises(ReviewError, match="not been signed off"):
        services.publish(review.pk, date(2026, 1, 5), "m", today=TODAY, using=using)
    review.refresh_from_db(using=using)
    assert review.stage == Stage.INCIDENT and review.published_on is None
