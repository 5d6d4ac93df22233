"""Alerts: raised once per open pattern, routed by name, closed only with a reason."""

from __future__ import annotations

from datetime import date

import pytest

from jigsaw.alerts.lifecycle import AlertError, acknowledge, close, escalate
from jigsaw.alerts.models import Alert, AlertAction
from jigsaw.alerts.store import HUB, store
from jigsaw.records.importer import import_paths
from jigsaw.rules import Finding
from jigsaw.signpost.batch import link_all
from jigsaw.signpost.models import RecordLink
from tests.conftest import PEOPLE_HEADER, write_csv

pytestmark = pytest.mark.django_db(databases=["default", "postgres"])

INVOLVEMENTS = ["source_system", "person_source_id", "agency", "role", "started_on", "team", "practitioner",
                "contact", "ended_on"]


@pytest.fixture
def child(db_alias, tmp_path) -> tuple[str, int]:
    """One child known to social care, with an allocated social worker."""
    folder = tmp_path / "csc"
    write_csv(folder / "people.csv", PEOPLE_HEADER, [
        ["csc", "C1", "Maisie", "Okoro", "2019-05-04", "9434765919", "NV1 1AA", "F"]])
    write_csv(folder / "involvements.csv", INVOLVEMENTS, [
        ["csc", "C1", "Northvale Children's Services", "allocated social worker", "2024-01-02",
         "Child Protection Team", "Sam Patel", "01632 960001", ""]])
    import_paths([folder], using=db_alias)
    link_all(using=db_alias)
    return db_alias, RecordLink.objects.using(db_alias).get().person_id


def finding(person: int, keys=("csc:E1",), route="allocated_worker", rule="R04c") -> Finding:
    return Finding(rule_id=rule, rule_version=1, title="ED attendance while on a plan", severity="high",
                   mode="required", route=route, person_ids=(person,), event_keys=tuple(keys),
                   first_at=date(2025, 1, 2), last_at=date(2025, 1, 2), explanation="why", citation="CP-IS",
                   uncertain=False, pattern_key=f"{rule}|{person}|{keys[0]}")


def test_a_pattern_is_raised_once_and_routed_to_the_allocated_worker_by_name(child):
    using, person = child
    assert store([finding(person)], using).raised == 1
    again = store([finding(person)], using)
    assert (again.raised, again.unchanged) == (0, 1)
    alert = Alert.objects.using(using).get()
    assert alert.routed_to.startswith("Sam Patel, allocated social worker")
    assert list(alert.people.values_list("pk", flat=True)) == [person]
    assert [a.action for a in alert.actions.all()] == [AlertAction.RAISED]


def test_new_events_extend_the_open_alert_instead_of_raising_another(child):
    using, person = child
    store([finding(person)], using)
    result = store([finding(person, keys=("csc:E1", "ed1:E9"))], using)
    assert (result.raised, result.updated) == (0, 1)
    assert Alert.objects.using(using).get().event_keys == ["csc:E1", "ed1:E9"]


def test_a_closed_pattern_with_new_events_is_raised_again(child):
    using, person = child
    store([finding(person)], using)
    alert = Alert.objects.using(using).get()
    close(alert.pk, "actioned", "strategy discussion held", "lead", using)
    assert store([finding(person)], using).raised == 0
    assert store([finding(person, keys=("csc:E1", "ed1:E9"))], using).raised == 1


def test_no_named_person_goes_to_the_hub_queue(child):
    using, person = child
    store([finding(person, route="school_safeguarding_lead", rule="R05")], using)
    assert Alert.objects.using(using).get().routed_to.startswith(HUB)


def test_lifecycle_open_acknowledged_closed_with_every_step_recorded(child):
    using, person = child
    store([finding(person)], using)
    alert = Alert.objects.using(using).get()
    acknowledge(alert.pk, "sam", using)
    escalate(alert.pk, "no reply from the family", "sam", using)
    close(alert.pk, "dismissed", "attendance was for a sprain, explained and consistent", "sam", using)
    alert.refresh_from_db(using=using)
    assert (alert.status, alert.outcome) == (Alert.CLOSED, Alert.DISMISSED)
    assert alert.routed_to.startswith(HUB)
    steps = list(alert.actions.values_list("action", "by", "reason"))
    assert [s[0] for s in steps] == ["raised", "acknowledged", "escalated", "dismissed"]
    assert steps[-1][1:] == ("sam", "attendance was for a sprain, explained and consistent")


def test_refusals_change_nothing(child):
    using, person = child
    store([finding(person)], using)
    alert = Alert.objects.using(using).get()
    with pytest.raises(AlertError, match="reason"):
        close(alert.pk, "dismissed", "  ", "sam", using)
    with pytest.raises(AlertError, match="actioned' or 'dismissed"):
        close(alert.pk, "ignored", "r", "sam", using)
    with pytest.raises(AlertError, match="who"):
        acknowledge(alert.pk, " ", using)
    with pytest.raises(AlertError, match="no alert"):
        acknowledge(10**9, "sam", using)
    alert.refresh_from_db(using=using)
    assert alert.status == Alert.OPEN and alert.actions.count() == 1
    close(alert.pk, "actioned", "done", "sam", using)
    with pytest.raises(AlertError, match="already closed"):
        close(alert.pk, "actioned", "again", "sam", using)
    with pytest.raises(AlertError, match="closed"):
        escalate(alert.pk, "late", "sam", using)


def test_alerts_carry_the_deadline_their_guidance_sets(child):
    from datetime import UTC, datetime

    from jigsaw.alerts.due import due_at, next_school_day_start

    using, person = child
    store([finding(person, route="school_safeguarding_lead", rule="R05")], using)
    alert = Alert.objects.using(using).get()
    assert alert.due_at == next_school_day_start(datetime(2025, 1, 2, tzinfo=UTC))
    friday_night = datetime(2025, 1, 3, 22, 0, tzinfo=UTC)
    assert next_school_day_start(friday_night) == datetime(2025, 1, 6, 8, 30, tzinfo=UTC)  # Monday, GMT
    summer = datetime(2025, 7, 1, 19, 0, tzinfo=UTC)
    assert next_school_day_start(summer) == datetime(2025, 7, 2, 7, 30, tzinfo=UTC)  # 08:30 BST
    assert due_at("R07a", summer, summer) == datetime(2025, 7, 4, 19, 0, tzinfo=UTC)  # 72 hours
    assert due_at("R08", summer, summer) is None
