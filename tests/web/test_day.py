"""A practitioner's working day (issue 13): home is my work, a queue a hub can triage, a child at a glance."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from jigsaw.accounts.roles import Role
from jigsaw.alerts.models import Alert, CloseRequest
from jigsaw.alerts.store import store
from jigsaw.audit.models import AccessEntry
from jigsaw.rules import Finding
from jigsaw.signpost.shielding import shield
from tests.accounts.support import verified_client
from tests.conftest import BOTH
from tests.signpost import person_of
from tests.web.support import make_alert, page_of

pytestmark = pytest.mark.django_db(databases=BOTH)
NORTHTOWN = "Northtown Children's Services"
DUE: dict[str, dt.datetime] = {}


def _set_due(using: str) -> None:
    """The rules in these tests are made up and have no deadline: give each the one its finding asked."""
    for rule, due in DUE.items():
        Alert.objects.using(using).filter(rule_id=rule).update(due_at=due)


def _priya(make_user, using):
    worker = make_user(Role.SOCIAL_WORKER, username="priya", agency=NORTHTOWN)
    worker.first_name, worker.last_name = "Priya", "Shah"
    worker.save(using=using)
    return worker


def _finding(person: int, rule: str, severity: str, key: str, due_days: int) -> Finding:
    when = dt.datetime(2024, 6, 1, tzinfo=dt.UTC)
    DUE[rule] = dt.datetime.now(dt.UTC) + dt.timedelta(days=due_days)
    return Finding(rule_id=rule, rule_version=1, title=f"{severity} {rule}", severity=severity,
                   mode="required", route="hub", person_ids=(person,), event_keys=(key,),
                   first_at=when, last_at=when,
                   explanation="why", citation="guidance", uncertain=False,
                   pattern_key=f"{rule}|{person}|{key}")


def test_the_social_workers_home_is_her_alerts_and_her_children(loaded, make_user):
    olivia = person_of("csc", "C1", loaded)
    worker = _priya(make_user, loaded)
    make_alert(loaded, olivia)
    client = verified_client(worker)
    page = page_of(client.get(reverse("home")))
    assert "My open alerts" in page and "ED attendance while on a plan" in page
    assert "Olivia Bennett" in page and "Social worker" in page  # her open involvement
    assert "person records" not in page  # no import dashboard
    client.get(reverse("chronology:child", args=[olivia]), {"reason": "s47"})
    page = page_of(client.get(reverse("home")))
    assert 'id="recent-list"' in page and f"/children/{olivia}/" in page
    logged = AccessEntry.objects.using(loaded).filter(actor="priya", person_id=olivia, detail__home=True)
    assert logged.exists()


def test_recently_opened_is_this_users_own_newest_first(loaded, make_user):
    olivia, amelia, jack = (person_of("csc", c, loaded) for c in ("C1", "C2", "C3"))
    client = verified_client(_priya(make_user, loaded))
    for child in (olivia, jack):
        client.get(reverse("chronology:child", args=[child]), {"reason": "s47"})
    other = verified_client(make_user(Role.SOCIAL_WORKER, username="sam", agency=NORTHTOWN))
    other.get(reverse("chronology:child", args=[amelia]), {"reason": "s47"})
    recent = page_of(client.get(reverse("home"))).split('id="recent-list"', 1)[1]
    assert recent.index(f"/children/{jack}/") < recent.index(f"/children/{olivia}/")
    assert f"/children/{amelia}/" not in recent  # another user opened her


def test_a_protected_child_is_never_named_on_home(loaded, make_user):
    jack = person_of("csc", "C3", loaded)
    shield(jack, "the hub on 0161 555 0000", "risk", "lead", loaded)
    worker = make_user(Role.SOCIAL_WORKER, username="sam", agency=NORTHTOWN)
    worker.first_name, worker.last_name = "Sam", "Patel"  # Jack's social worker by the involvement
    worker.save(using=loaded)
    page = page_of(verified_client(worker).get(reverse("home")))
    assert "Jack" not in page and "Turner" not in page and "a protected record" in page.casefold()


def test_the_hub_queue_is_most_urgent_first_with_overdue_marked_and_words_not_keys(loaded, make_user):
    olivia = person_of("csc", "C1", loaded)
    store([_finding(olivia, "R01", "medium", "gp:E1", -30), _finding(olivia, "R02", "high", "gp:E2", 5),
           _finding(olivia, "R03", "high", "gp:E3", -2)], loaded)
    _set_due(loaded)
    hub = verified_client(make_user(Role.HUB_OFFICER, username="hub"))
    page = page_of(hub.get(reverse("alerts:alerts")))
    assert page.index("high R03") < page.index("high R02") < page.index("medium R01")
    assert page.count("jigsaw-overdue") == 2 and "Olivia Bennett" in page and "Person " not in page
    only_medium = page_of(hub.get(reverse("alerts:alerts"), {"severity": "medium"}))
    assert "medium R01" in only_medium and "high R0" not in only_medium
    forged = hub.get(reverse("alerts:alerts"), {"severity": "'; drop", "page": "x", "assignee": "99999"})
    assert forged.status_code == 200
    alert = Alert.objects.using(loaded).get(rule_id="R02")
    detail = page_of(hub.get(reverse("alerts:alert", args=[alert.pk])))
    assert "Bruise on arm" in detail and "Riverside Surgery" in detail and "1 June 2024" in detail
    assert "gp:E2" not in detail


def test_home_lists_the_hubs_alerts_most_urgent_first_as_the_queue_does(loaded, make_user):
    olivia = person_of("csc", "C1", loaded)
    store([_finding(olivia, "R01", "medium", "gp:E1", -30), _finding(olivia, "R02", "high", "gp:E2", 5),
           _finding(olivia, "R03", "high", "gp:E3", -2), _finding(olivia, "R05", "low", "gp:E5", -60)],
          loaded)
    _set_due(loaded)
    hub = verified_client(make_user(Role.HUB_OFFICER, username="hub"))
    home = page_of(hub.get(reverse("home")))
    assert home.index("high R03") < home.index("high R02") < home.index("medium R01") < home.index("low R05")
    assert "4 open alerts" in home and "3 overdue" in home


def test_home_shows_the_five_most_urgent_with_counts_of_all_and_no_deadline_last(loaded, make_user):
    olivia = person_of("csc", "C1", loaded)
    store([_finding(olivia, rule, severity, f"gp:E{i}", due) for i, (rule, severity, due) in enumerate(
        [("R11", "high", 3), ("R12", "high", -1), ("R13", "high", 1), ("R14", "medium", -9),
         ("R15", "medium", 2), ("R16", "low", -4)])], loaded)
    _set_due(loaded)
    Alert.objects.using(loaded).filter(rule_id="R11").update(due_at=None)  # high, but no deadline
    Alert.objects.using(loaded).filter(rule_id="R15").update(assignee=make_user(Role.SOCIAL_WORKER))
    hub = verified_client(make_user(Role.HUB_OFFICER, username="hub"))
    home = page_of(hub.get(reverse("home")))
    shown = sorted(("R12", "R13", "R11", "R14", "R16"), key=home.index)
    assert shown == ["R12", "R13", "R11", "R14", "R16"] and "R15" not in home  # another's alert
    assert "5 open alerts" in home and "3 overdue" in home  # R12, R14 and R16 are past their deadline


def test_the_queue_pages(loaded, make_user):
    olivia = person_of("csc", "C1", loaded)
    store([_finding(olivia, f"R{n:02}", "low", f"gp:X{n}", n) for n in range(30)], loaded)
    _set_due(loaded)
    hub = verified_client(make_user(Role.HUB_OFFICER, username="hub"))
    first = page_of(hub.get(reverse("alerts:alerts")))
    assert "Page 1 of 2" in first and "low R00<" in first and "low R29<" not in first
    second = page_of(hub.get(reverse("alerts:alerts"), {"page": "2"}))
    assert "low R29<" in second


def test_assign_to_a_named_account_and_a_second_person_closes_a_high_alert(loaded, make_user):
    olivia = person_of("csc", "C1", loaded)
    store([_finding(olivia, "R02", "high", "gp:E2", 5)], loaded)
    alert = Alert.objects.using(loaded).get()
    first, second = (verified_client(make_user(Role.HUB_OFFICER, username=u)) for u in ("hub1", "hub2"))
    worker = _priya(make_user, loaded)
    url = reverse("alerts:alert", args=[alert.pk])
    assert first.post(url, {"step": "assign", "assignee": str(worker.pk)}).status_code == 302
    alert.refresh_from_db(using=loaded)
    assert alert.assignee_id == worker.pk
    assert "high R02" in page_of(verified_client(worker).get(reverse("home")))  # now on her home
    assert first.post(url, {"step": "assign", "assignee": "not-an-id"}).status_code == 400
    assert first.post(url, {"step": "actioned", "reason": "strategy discussion held"}).status_code == 302
    alert.refresh_from_db(using=loaded)
    assert alert.status == Alert.OPEN and CloseRequest.objects.using(loaded).get().status == "pending"
    refused = first.post(url, {"step": "confirm-close"})
    assert refused.status_code == 400 and "second person" in refused.content.decode()
    assert second.post(url, {"step": "confirm-close"}).status_code == 302
    alert.refresh_from_db(using=loaded)
    assert (alert.status, alert.outcome) == (Alert.CLOSED, Alert.ACTIONED)
    history = page_of(second.get(url))
    assert "hub1" in history and "hub2" in history and "Assigned" in history


def test_a_shielded_child_in_the_queue_is_a_protected_record(loaded, make_user):
    jack = person_of("csc", "C3", loaded)
    store([_finding(jack, "R02", "high", "csc:V9", 5)], loaded)
    shield(jack, "the hub on 0161 555 0000", "risk", "lead", loaded)
    hub = verified_client(make_user(Role.HUB_OFFICER, username="hub"))
    page = page_of(hub.get(reverse("alerts:alerts")))
    assert "Jack" not in page and "a protected record" in page


def test_the_child_page_says_age_status_household_and_lead_professional(loaded, make_user):
    olivia = person_of("csc", "C1", loaded)
    client = verified_client(make_user(Role.SOCIAL_WORKER, username="sw"))
    page = page_of(client.get(reverse("chronology:child", args=[olivia]), {"reason": "s47"}))
    years = (timezone.localdate() - dt.date(2017, 3, 8)).days // 365
    assert f"{years} years" in page or f"{years - 1} years" in page
    assert "Priya Shah" in page and 'id="child-lead"' in page
    assert "Female" in page and "943 476 5919" in page and "M14 5RT" in page
    assert page.index("Bruise on arm") < page.index("Weight check")  # newest first
    oldest = page_of(client.get(reverse("chronology:child", args=[olivia]),
                                {"reason": "s47", "order": "oldest"}))
    assert oldest.index("Weight check") < oldest.index("Bruise on arm")
    assert "GP appointment" in page  # the filter's event types in words
    assert 'value="gp_appointment">GP appointment' in page
