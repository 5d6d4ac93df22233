"""Professional disagreements: raised from the child's page, escalating themselves stage by stage
when their time runs out (alerts routed to accounts), resolved with an outcome, counted."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from jigsaw.accounts.roles import Role
from jigsaw.alerts.models import Alert
from jigsaw.audit.models import AccessEntry, Action
from jigsaw.feeds import LONDON
from jigsaw.practice.escalation import RULE_ID, due_at, stage_days, sweep
from jigsaw.practice.models import Disagreement, DisagreementStep
from jigsaw.practice.reports import disagreement_figures
from jigsaw.records.models import Agency
from tests.conftest import BOTH
from tests.practice.conftest import NORTHTOWN, RIVERSIDE

pytestmark = pytest.mark.django_db(databases=BOTH)


def _raise(client, olivia: int, using: str, **over: str):
    riverside = Agency.objects.using(using).get(name=RIVERSIDE)
    form = {
        "reason": "s47",
        "about": "The GP closed the referral without seeing Olivia",
        "agency": str(riverside.pk),
        "with_whom": "Dr Karen Holt",
        "why": "The bruise was not explained",
    }
    form.update(over)
    return client.post(reverse("practice:disagreement-new", args=[olivia]), form)


def test_stage_times_come_from_settings_and_count_working_days(settings):
    settings.JIGSAW_PRACTICE_STAGE_WORKING_DAYS = {"practitioner": 2, "manager": 5}
    assert stage_days("practitioner") == 2 and stage_days("manager") == 5
    friday = dt.datetime(2024, 3, 1, 9, tzinfo=dt.UTC)
    assert due_at("practitioner", friday).astimezone(LONDON).date() == dt.date(2024, 3, 5)  # Tue


def test_an_unresolved_stage_escalates_itself_and_alerts_the_next_account(worker, olivia, loaded, make_user):
    lead = make_user(Role.SAFEGUARDING_LEAD, username="lead", agency=NORTHTOWN)
    assert _raise(worker, olivia, loaded).status_code == 302
    item = Disagreement.objects.using(loaded).get()
    assert item.stage == "practitioner" and item.recorded_by == "priya"
    assert AccessEntry.objects.using(loaded).filter(action=Action.RECORD_PRACTICE, person_id=olivia).exists()
    assert sweep(loaded, item.stage_due_at - dt.timedelta(minutes=1)) == []  # not yet
    later = item.stage_due_at + dt.timedelta(minutes=1)
    assert sweep(loaded, later) == [item.pk]
    item.refresh_from_db()
    assert item.stage == "manager"
    alert = Alert.objects.using(loaded).get(rule_id=RULE_ID)
    priya = get_user_model().objects.using(loaded).get(username="priya")
    assert alert.assignee_id == priya.pk and alert.person_ids == [olivia]
    assert "Olivia" not in alert.explanation and "escalated itself" in alert.explanation
    assert sweep(loaded, item.stage_due_at + dt.timedelta(minutes=1)) == [item.pk]
    item.refresh_from_db()
    assert item.stage == "designated_lead"
    assert Alert.objects.using(loaded).filter(rule_id=RULE_ID).order_by("-pk").first().assignee_id == lead.pk
    sweep(loaded, item.stage_due_at + dt.timedelta(minutes=1))
    item.refresh_from_db()
    assert item.stage == "partnership"
    assert (
        Alert.objects.using(loaded).filter(rule_id=RULE_ID).order_by("-pk").first().assignee_id is None
    )  # hub
    steps = list(
        DisagreementStep.objects.using(loaded).filter(disagreement=item).values_list("step", flat=True)
    )
    assert steps == ["raised", "timed_out", "timed_out", "timed_out"]


def test_listing_escalates_an_overdue_stage_and_an_outcome_stops_it(worker, olivia, loaded):
    _raise(worker, olivia, loaded)
    item = Disagreement.objects.using(loaded).get()
    Disagreement.objects.using(loaded).filter(pk=item.pk).update(  # aged: the stage ran out a day ago
        stage_due_at=timezone.now() - dt.timedelta(days=1), recorded_at=timezone.now() - dt.timedelta(days=3)
    )
    url = reverse("practice:disagreement", args=[olivia, item.pk])
    page = worker.get(url, {"reason": "s47"}).content.decode()
    assert "Manager to manager" in page and "Escalated when its time ran out" in page
    refused = worker.post(url, {"reason": "s47", "act": "resolve", "outcome": " "})
    assert refused.status_code == 400 and "Enter the outcome" in refused.content.decode()
    assert worker.post(url, {"reason": "s47", "act": "escalate", "note": ""}).status_code == 400
    done = worker.post(url, {"reason": "s47", "act": "resolve", "outcome": "GP will see Olivia this week"})
    assert done.status_code == 302
    item.refresh_from_db()
    assert item.status == "resolved" and item.outcome.startswith("GP will")
    assert sweep(loaded, timezone.now() + dt.timedelta(days=60)) == []
    figures = disagreement_figures(None, None, loaded)
    assert figures["raised"] == 1 and figures["resolved"] == 1 and figures["escalated_by_timer"] == 1
    assert figures["resolved_by_stage"]["manager"] == 1
    assert 2.9 < figures["days_to_resolution"]["median"] < 3.1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"about": ""}, "Enter the decision you disagree with"),
        ({"why": ""}, "Enter why you disagree"),
        ({"agency": "424242"}, "that agency is not known"),
    ],
)
def test_bad_input_raises_nothing(worker, olivia, loaded, change, message):
    response = _raise(worker, olivia, loaded, **change)
    assert response.status_code == 400 and message in response.content.decode()
    assert not Disagreement.objects.using(loaded).exists()
