"""The case-work pages end to end: real feed files, the batch linker and the alert store underneath.

Each test runs on SQLite and PostgreSQL (the test client's requests are routed to the alias), and
checks what a user sees *and* what the access log recorded about it.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from jigsaw.accounts.roles import Role
from jigsaw.alerts.models import Alert
from jigsaw.audit.models import AccessEntry
from jigsaw.signpost.models import LinkDecision, PersonRecord, ReviewItem
from tests.accounts.support import verified_client
from tests.conftest import BOTH
from tests.signpost import person_of
from tests.web.support import make_alert, page_of, search_form

pytestmark = pytest.mark.django_db(databases=BOTH)


def test_search_finds_a_misspelt_child_with_a_swapped_birth_date(loaded, make_user):
    client = verified_client(make_user(Role.SOCIAL_WORKER, username="sw"))
    assert "Why are you looking?" in page_of(client.get(reverse("signpost:search")))
    response = client.post(reverse("signpost:search"), search_form(
        given_name="Olivai", family_name="Bennett", **{"dob-day": "3", "dob-month": "8", "dob-year": "2017"}))
    assert response.status_code == 200
    page = page_of(response)
    olivia = person_of("csc", "C1", loaded)
    assert reverse("chronology:child", args=[olivia]) in page
    assert "Priya Shah" in page and "Riverside Surgery 0161 555 0199" in page and "M14" in page
    assert "govuk-tag" in page and ("High" in page or "Possible" in page) and "Date of birth" in page
    assert "8 March 2017" in page and "2017-03-08" not in page  # in words, as every other page
    assert "Earache" not in page and "M14 5RT" not in page  # a signpost, never the case
    entries = AccessEntry.objects.using(loaded).filter(action="search", actor="sw")
    assert entries.count() >= 2 and {e.reason_code for e in entries} == {"s47"}
    assert olivia in {e.person_id for e in entries}
    assert {(e.role, e.remote_addr) for e in entries} == {("social_worker", "127.0.0.1")}


def test_search_needs_a_reason_and_shows_refusals(loaded, make_user):
    client = verified_client(make_user(Role.PRACTITIONER))
    response = client.post(reverse("signpost:search"), search_form(
        reason="", given_name="Olivia", family_name="Bennett",
        **{"dob-day": "8", "dob-month": "3", "dob-year": "2017"}))
    page = page_of(response)
    assert response.status_code == 400 and "govuk-error-summary" in page
    assert 'href="#reason"' in page and "Select the lawful reason" in page
    response = client.post(reverse("signpost:search"), search_form(
        family_name="Bennett", **{"dob-day": "8", "dob-month": "3", "dob-year": "2017"}))
    page = page_of(response)
    assert response.status_code == 400 and 'href="#given_name"' in page
    assert "one name matches too many" in page
    response = client.post(reverse("signpost:search"), search_form(
        given_name="Olivia", family_name="Bennett",
        **{"dob-day": "31", "dob-month": "2", "dob-year": "2017"}))
    assert response.status_code == 400 and 'href="#dob-day"' in response.content.decode()
    assert not AccessEntry.objects.using(loaded).filter(action="search").exists()


def test_child_page_shows_the_chronology_in_order_and_filters_it(loaded, make_user):
    client = verified_client(make_user(Role.HUB_OFFICER, username="hub"))
    olivia = person_of("csc", "C1", loaded)
    url = reverse("chronology:child", args=[olivia])
    asking = page_of(client.get(url))  # no search first: the page asks why
    assert "Why are you opening this record?" in asking
    assert not AccessEntry.objects.using(loaded).filter(action="view_child").exists()
    page = page_of(client.get(url, {"reason": "s17"}))
    assert "Olivia Bennett" in page and "Priya Shah" in page
    days = ("1 January 2018", "5 May 2019", "1 February 2023", "2 February 2024", "1 June 2024")
    order = [page.index(d) for d in days]
    assert order == sorted(order, reverse=True)  # newest first
    oldest = page_of(client.get(url, {"reason": "s17", "order": "oldest"}))
    assert [oldest.index(d) for d in days] == sorted(oldest.index(d) for d in days)
    assert "Why are you opening" in page_of(client.get(url, {"type": "home_visit"}))  # never reused
    filtered = page_of(client.get(url, {"type": "home_visit", "reason": "s17"}))
    assert "2 February 2024" in filtered and "1 February 2023" not in filtered
    assert "Showing 1 of 5 events" in filtered
    household = page_of(client.get(url, {"view": "household", "reason": "s17"}))
    assert "household" in household
    views = AccessEntry.objects.using(loaded).filter(action="view_child", person_id=olivia)
    assert views.count() == 4 and {v.reason_code for v in views} == {"s17"}  # oldest-first view too
    assert views.last().detail["filters"]["event_types"] == [] and views.last().detail["household"]


def test_lapsed_vetting_or_a_role_without_case_access_is_refused(loaded, make_user):
    olivia = person_of("csc", "C1", loaded)
    url = reverse("chronology:child", args=[olivia])
    lapsed = verified_client(make_user(Role.SOCIAL_WORKER, vetted_on=dt.date(2015, 1, 1)))
    assert lapsed.get(url, {"reason": "s47"}).status_code == 403
    assert verified_client(make_user(Role.ANALYST)).get(url, {"reason": "s47"}).status_code == 403
    assert not AccessEntry.objects.using(loaded).filter(action="view_child").exists()


def test_a_shielded_child_is_refused_with_the_hub_named(loaded, make_user):
    from jigsaw.signpost.shielding import shield

    olivia = person_of("csc", "C1", loaded)
    shield(olivia, "the Northtown MASH on 0161 555 0000", "risk from a parent", "lead", loaded)
    client = verified_client(make_user(Role.SOCIAL_WORKER))
    response = client.get(reverse("chronology:child", args=[olivia]), {"reason": "s47"})
    assert response.status_code == 403 and "Northtown MASH" in response.content.decode()
    assert "Priya Shah" not in response.content.decode()


def test_break_glass_needs_a_reason_is_audited_and_shown_to_the_hub(loaded, make_user):
    from jigsaw.signpost.models import ShieldedSearch
    from jigsaw.signpost.shielding import shield

    olivia = person_of("csc", "C1", loaded)
    shield(olivia, "the Northtown MASH on 0161 555 0000", "risk from a parent", "lead", loaded)
    url = reverse("chronology:child-override", args=[olivia])
    practitioner = verified_client(make_user(Role.PRACTITIONER))
    refused = practitioner.post(url, {"reason": "s47", "account": "a child is at risk tonight, police here"})
    assert refused.status_code == 403 and "break glass" not in refused.content.decode().lower()
    worker = verified_client(make_user(Role.SOCIAL_WORKER, username="sw-bg"))
    page = worker.get(reverse("chronology:child", args=[olivia]), {"reason": "s47"})
    assert page.status_code == 403 and "Open the record under override" in page.content.decode()
    short = worker.post(url, {"reason": "s47", "account": "urgent"})
    assert short.status_code == 400 and "at least" in short.content.decode()
    assert not AccessEntry.objects.using(loaded).filter(action="override").exists()
    done = worker.post(url, {"reason": "s47", "account": "child missing overnight, police need the GP"})
    assert done.status_code == 302
    assert done["Location"] == reverse("chronology:child", args=[olivia]) + "?reason=s47"
    opened = worker.get(done["Location"])
    assert opened.status_code == 200 and "under override" in opened.content.decode()
    entry = AccessEntry.objects.using(loaded).get(action="override")
    assert (entry.actor, entry.person_id, entry.reason_code) == ("sw-bg", olivia, "s47")
    hub_alert = Alert.objects.using(loaded).get(rule_id="OVERRIDE")
    assert hub_alert.route == "hub" and hub_alert.routed_to.startswith("safeguarding hub")
    assert "sw-bg" in hub_alert.explanation and "child missing overnight" in hub_alert.explanation
    assert ShieldedSearch.objects.using(loaded).filter(person_id=olivia, searched_by="sw-bg").exists()


def test_alert_acknowledge_and_dismiss_with_a_reason(loaded, make_user):
    olivia = person_of("csc", "C1", loaded)
    worker = make_user(Role.SOCIAL_WORKER, username="priya", agency="Northtown Children's Services")
    worker.first_name, worker.last_name = "Priya", "Shah"  # her account: the involvement names her
    worker.save(using=loaded)
    alert = make_alert(loaded, olivia)
    assert alert.assignee_id == worker.pk
    client = verified_client(worker)
    other = verified_client(make_user(Role.SOCIAL_WORKER, username="someone-else"))
    assert "ED attendance" in page_of(client.get(reverse("alerts:alerts")))
    assert "ED attendance" not in page_of(other.get(reverse("alerts:alerts")))
    assert other.get(reverse("alerts:alert", args=[alert.pk])).status_code == 404
    url = reverse("alerts:alert", args=[alert.pk])
    assert "CP-IS" in page_of(client.get(url))
    views = AccessEntry.objects.using(loaded).filter(action="view_alert")  # queue and page name the child
    assert [(e.actor, e.person_id, e.detail["alert"], "queue" in e.detail) for e in views] == [
        ("priya", olivia, alert.pk, True), ("priya", olivia, alert.pk, False)]
    assert client.post(url, {"step": "acknowledge"}).status_code == 302
    alert.refresh_from_db(using=loaded)
    assert alert.status == Alert.ACKNOWLEDGED
    refused = client.post(url, {"step": "dismissed", "reason": "  "})
    assert refused.status_code == 400 and 'href="#reason-close"' in page_of(refused)
    assert client.post(url, {"step": "dismissed", "reason": "sprain, explained"}).status_code == 302
    alert.refresh_from_db(using=loaded)
    assert alert.status == Alert.ACKNOWLEDGED  # high severity: her close waits for a second person
    assert client.post(url, {"step": "confirm-close"}).status_code == 400  # not by herself
    hub = verified_client(make_user(Role.HUB_OFFICER))
    assert "Close waiting for a second person" in page_of(hub.get(reverse("alerts:alerts")))
    assert hub.post(url, {"step": "confirm-close"}).status_code == 302
    alert.refresh_from_db(using=loaded)
    assert (alert.status, alert.outcome) == (Alert.CLOSED, Alert.DISMISSED)
    logged = AccessEntry.objects.using(loaded).filter(action="alert_action", actor="priya")
    assert [(e.detail["step"], e.person_id, e.reason_text) for e in logged] == [
        ("acknowledge", olivia, ""), ("dismissed", olivia, "sprain, explained")]
    assert "ED attendance" not in page_of(hub.get(reverse("alerts:alerts")))  # closed: off the queue
    closed = page_of(hub.get(reverse("alerts:alerts"), {"status": "closed"}))  # ... and still findable
    assert "ED attendance" in closed
    history = page_of(hub.get(url))
    assert "Asked a second person to confirm closing" in history and "confirmed by" in history


def test_a_review_decision_is_recorded_and_logged(loaded, make_user):
    a, b = PersonRecord.objects.using(loaded).filter(
        source_system__code="gp", record_key__in=("G1", "G3")).order_by("pk").values_list("pk", flat=True)
    item = ReviewItem.objects.using(loaded).create(record_a_id=a, record_b_id=b, kind="uncertain",
                                                   match_probability=0.7)
    client = verified_client(make_user(Role.SAFEGUARDING_LEAD, username="lead"))
    page = page_of(client.get(reverse("signpost:link-review")))
    assert "2017" in page and "LS6 2AB" in page and "Same child" in page
    refused = client.post(reverse("signpost:link-review"),
                          {"item": item.pk, "decision": "different", "reason": ""})
    assert refused.status_code == 400 and "give a reason" in refused.content.decode().lower()
    done = client.post(reverse("signpost:link-review"), {"item": item.pk, "decision": "different",
                                                  "reason": "different birth dates and homes"})
    assert done.status_code == 302
    decision = LinkDecision.objects.using(loaded).get()
    assert (decision.decision, decision.decided_by) == ("different", "lead")
    entry = AccessEntry.objects.using(loaded).get(action="review_decision")
    assert entry.detail["records"] == [a, b] and entry.reason_text == "different birth dates and homes"


def test_the_audit_page_shows_who_looked_and_exports_csv(loaded, make_user):
    olivia = person_of("csc", "C1", loaded)
    verified_client(make_user(Role.SOCIAL_WORKER, username="sw")).get(
        reverse("chronology:child", args=[olivia]), {"reason": "s47"})
    auditor = verified_client(make_user(Role.AUDITOR, username="auditor"))
    page = page_of(auditor.get(reverse("audit:audit"), {"person_id": olivia}))
    assert "View a child" in page and "sw" in page and "s47" in page
    assert "View a child" in page_of(auditor.get(reverse("audit:audit"), {"username": "sw"}))
    assert auditor.get(reverse("audit:audit"), {"person_id": "x"}).status_code == 400
    csv_text = auditor.get(reverse("audit:audit-csv"), {"person_id": olivia}).content.decode()
    assert csv_text.startswith("sequence,at,actor") and "view_child" in csv_text
    assert AccessEntry.objects.using(loaded).filter(action="export", actor="auditor").exists()
