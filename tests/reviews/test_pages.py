"""The review pages: open a review, take its steps, decide the redaction, see the board and themes."""

import json
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from jigsaw.accounts.roles import Role
from jigsaw.audit.models import AccessEntry
from jigsaw.reviews import evidence, services
from jigsaw.reviews.models import CaseReview, RedactionItem, Stage
from tests.accounts.support import verified_client
from tests.conftest import BOTH
from tests.web.support import page_of

pytestmark = pytest.mark.django_db(databases=BOTH)


@pytest.fixture
def lead(make_user, family):
    return verified_client(make_user(Role.SAFEGUARDING_LEAD, username="lead"))


def test_opening_a_review_on_the_page_shows_both_clocks_and_logs_the_read(lead, family):
    using = family["using"]
    response = lead.post(
        reverse("reviews:new"),
        {
            "person_id": family["amy"],
            "aware_on-day": "22",
            "aware_on-month": "12",
            "aware_on-year": "2025",
            "harm": "serious_harm",
            "abuse": "suspected",
        },
    )
    review = CaseReview.objects.using(using).get()
    assert response.status_code == 302
    lead.post(reverse("reviews:review", args=[review.pk]), {"do": "notify", "on": "2025-12-31"})
    page = page_of(lead.get(reverse("reviews:review", args=[review.pk])))
    assert "Wednesday 31 December 2025" in page and "Thursday 22 January 2026" in page
    entries = AccessEntry.objects.using(using).filter(person_id=family["amy"], actor="lead")
    assert entries.count() >= 3 and all(e.reason_code == "case_review" for e in entries)
    assert {e.detail.get("case_review") for e in entries} == {review.pk}


def test_a_bad_step_shows_an_error_and_changes_nothing(lead, family):
    using = family["using"]
    review = services.open_review(family["amy"], date(2025, 12, 22), "death", "m", using=using)
    response = lead.post(reverse("reviews:review", args=[review.pk]), {"do": "notify", "on": "2025-12-01"})
    assert response.status_code == 400 and "before the date the council became aware" in page_of(response)
    review.refresh_from_db(using=using)
    assert review.stage == Stage.INCIDENT


def test_an_adult_cannot_have_a_review_opened(lead, family):
    response = lead.post(
        reverse("reviews:new"), {"person_id": family["jane"], "aware_on": "2025-12-22", "harm": "death"}
    )
    assert response.status_code == 400 and "case reviews are for children" in page_of(response)
    assert not CaseReview.objects.using(family["using"]).exists()


def test_redaction_items_are_decided_on_the_page_and_sign_off_waits_for_all(lead, family):
    using = family["using"]
    review = services.open_review(family["amy"], date(2025, 12, 22), "death", "m", using=using)
    services.notify(review.pk, date(2025, 12, 29), "m", using=using)
    evidence.rapid_review(review.pk, date(2026, 1, 10), "m", using=using)
    services.decide(review.pk, "local_review", "learning", "m", on=date(2026, 1, 12), using=using)
    services.set_local_review(review.pk, "m", terms_of_reference="scope", reviewer="R", using=using)
    services.final_report(review.pk, date(2026, 6, 1), "m", using=using)
    report = [
        {"start": 0, "end": 4, "category": "person", "replacement": "Child A", "reason": "known"},
        {"start": 10, "end": 15, "category": "person", "replacement": "Mother", "reason": "known"},
    ]
    upload = SimpleUploadedFile("r.json", json.dumps(report).encode(), "application/json")
    assert lead.post(reverse("reviews:redaction", args=[review.pk]), {"report": upload}).status_code == 302
    lead.post(reverse("reviews:redaction", args=[review.pk]), {"item": "1", "decision": "approved"})
    today = timezone.localdate().isoformat()
    refused = lead.post(reverse("reviews:review", args=[review.pk]), {"do": "sign_off", "on": today})
    assert refused.status_code == 400 and "1 undecided" in page_of(refused)
    lead.post(
        reverse("reviews:redaction", args=[review.pk]),
        {"item": "2", "decision": "changed", "replacement": "Parent"},
    )
    assert (
        lead.post(reverse("reviews:review", args=[review.pk]), {"do": "sign_off", "on": today}).status_code
        == 302
    )
    assert list(RedactionItem.objects.using(using).values_list("final", flat=True)) == ["Child A", "Parent"]
    page = page_of(lead.get(reverse("reviews:review", args=[review.pk])))
    assert "Redaction signed off" in page and "Child A" in page and "Amy" not in page  # the anonymised pack
    assert "Approved" in page_of(lead.get(reverse("reviews:redaction", args=[review.pk])))
    pack = json.loads(lead.get(reverse("reviews:pack", args=[review.pk]) + "?anonymise=1").content)
    assert pack["anonymised"] and "Amy" not in json.dumps(pack)


def test_the_board_and_themes_pages(lead, family, make_user):
    using = family["using"]
    review = services.open_review(family["amy"], date(2025, 12, 22), "death", "m", using=using)
    lead.post(reverse("reviews:review", args=[review.pk]), {"do": "recommend", "text": "Share information"})
    lead.post(
        reverse("reviews:review", args=[review.pk]),
        {
            "do": "add_action",
            "recommendation": "1",
            "description": "Audit referrals",
            "agency": "Police",
            "owner": "DI Lead",
            "due_on": "2026-01-31",
        },
    )
    lead.post(
        reverse("reviews:review", args=[review.pk]),
        {"do": "themes", "theme": ["domestic_abuse", "chronologies"]},
    )
    analyst = verified_client(make_user(Role.ANALYST, username="analyst"))
    board = page_of(analyst.get(reverse("reviews:board")))
    assert "Audit referrals" in board and "1 overdue" in board
    themes = page_of(analyst.get(reverse("reviews:themes")))
    assert "Domestic abuse" in themes and "fewer than 5" in themes


def test_an_overdue_clock_is_in_the_hub_queue(make_user, family):
    using = family["using"]
    services.open_review(family["amy"], date(2025, 12, 22), "death", "m", using=using)
    hub = verified_client(make_user(Role.HUB_OFFICER, username="hub"))
    lead = verified_client(make_user(Role.SAFEGUARDING_LEAD, username="lead2"))
    assert "Overdue" in page_of(lead.get(reverse("reviews:list")))  # the list raises overdue clocks
    queue = page_of(hub.get(reverse("alerts:alerts")))
    assert "Case review clock overdue: Notify the national panel" in queue
    from jigsaw.alerts.models import Alert

    alert = Alert.objects.using(using).get(rule_id="R16")
    assert "Children Act 2004 s16C" in page_of(hub.get(reverse("alerts:alert", args=[alert.pk])))


def test_breaking_glass_on_the_childs_page_opens_the_shielded_childs_review(lead, family):
    from jigsaw.chronology.override_views import override_key
    from jigsaw.signpost.models import Person

    using = family["using"]
    review = services.open_review(family["amy"], date(2025, 12, 22), "death", "m", using=using)
    Person.objects.using(using).filter(pk=family["amy"]).update(shielded=True)
    session = lead.session
    session[override_key(family["amy"])] = True  # as the child's break-glass step leaves it
    session.save()
    assert lead.get(reverse("reviews:review", args=[review.pk])).status_code == 200


def test_a_mistyped_date_is_a_field_error(lead, family):
    response = lead.post(
        reverse("reviews:new"),
        {
            "person_id": family["amy"],
            "aware_on-day": "31",
            "aware_on-month": "2",
            "aware_on-year": "2025",
            "harm": "death",
        },
    )
    assert response.status_code == 400 and "Aware on: enter a real date" in page_of(response)
    assert not CaseReview.objects.using(family["using"]).exists()
