"""Hostile and broken requests: refused, recorded, and no data shown or changed (both databases).

Tampered session cookies, posts without a CSRF token, forged ids in addresses and forms, bodies
too large to parse, overlong and script-bearing form values. The open-redirect ``next=`` case is
in tests/accounts/test_sign_in.py.
"""

from __future__ import annotations

import logging

import pytest
from django.conf import settings
from django.urls import reverse

from jigsaw.accounts.roles import Role
from jigsaw.alerts.models import Alert
from jigsaw.audit.models import AccessEntry
from jigsaw.signpost.models import LinkDecision
from tests.accounts.support import verified_client
from tests.conftest import BOTH
from tests.signpost import person_of
from tests.web.support import make_alert, page_of, search_form

pytestmark = pytest.mark.django_db(databases=BOTH)

OLIVIA_DOB = {"dob-day": "8", "dob-month": "3", "dob-year": "2017"}


def _csrf_enforcing(client):
    client.handler.enforce_csrf_checks = True
    return client


def test_a_tampered_session_cookie_is_sent_to_sign_in_and_logged(loaded, make_user, caplog):
    olivia = person_of("csc", "C1", loaded)
    client = verified_client(make_user(Role.SOCIAL_WORKER))
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.cookies[settings.SESSION_COOKIE_NAME] = key[:-1] + ("a" if key[-1] != "a" else "b")
    with caplog.at_level(logging.WARNING, logger="jigsaw.security"):
        response = client.get(reverse("chronology:child", args=[olivia]), {"reason": "s47"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:sign-in"))
    assert "Olivia" not in response.content.decode()
    assert "unrecognised session cookie" in caplog.text and key not in caplog.text
    assert not AccessEntry.objects.using(loaded).filter(action="view_child").exists()


def test_a_post_without_its_csrf_token_changes_nothing_and_is_recorded(loaded, make_user):
    alert = make_alert(loaded, person_of("csc", "C1", loaded))
    client = _csrf_enforcing(verified_client(make_user(Role.HUB_OFFICER, username="hub")))
    response = client.post(reverse("alerts:alert", args=[alert.pk]), {"step": "acknowledge"})
    assert response.status_code == 403 and "did not come from Jigsaw" in response.content.decode()
    alert.refresh_from_db(using=loaded)
    assert alert.status == Alert.OPEN
    assert not AccessEntry.objects.using(loaded).filter(action="alert_action").exists()
    refused = AccessEntry.objects.using(loaded).get(action="refused")
    assert refused.actor == "hub" and refused.detail["why"].startswith("csrf")
    assert refused.detail["view"] == "alerts:alert" and refused.detail["method"] == "POST"
    search = client.post(reverse("signpost:search"), search_form(given_name="Olivia", family_name="Bennett",
                                                              **OLIVIA_DOB))
    assert search.status_code == 403 and "Bennett" not in search.content.decode()
    assert not AccessEntry.objects.using(loaded).filter(action="search").exists()


def test_a_forged_review_item_is_an_error_and_writes_nothing(loaded, make_user):
    client = verified_client(make_user(Role.SOCIAL_WORKER))
    response = client.post(reverse("signpost:link-review"), {"item": "987654", "decision": "same",
                                                      "reason": "looks the same"})
    assert response.status_code == 400 and "no open review item" in response.content.decode()
    assert not LinkDecision.objects.using(loaded).exists()
    assert not AccessEntry.objects.using(loaded).filter(action="review_decision").exists()


def test_another_users_alert_is_not_found_and_not_shown(loaded, make_user):
    alert = make_alert(loaded, person_of("csc", "C1", loaded))  # routed to Priya Shah by name
    client = verified_client(make_user(Role.SOCIAL_WORKER, username="someone-else"))
    response = client.get(reverse("alerts:alert", args=[alert.pk]))
    assert response.status_code == 404 and "ED attendance" not in response.content.decode()
    assert not AccessEntry.objects.using(loaded).filter(action="view_alert").exists()


def test_a_body_too_large_to_parse_is_refused(loaded, make_user):
    client = verified_client(make_user(Role.SOCIAL_WORKER))
    response = client.post(reverse("signpost:search"), search_form(
        given_name="A" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1), family_name="Bennett", **OLIVIA_DOB))
    assert response.status_code == 400
    assert not AccessEntry.objects.using(loaded).filter(action="search").exists()


def test_an_overlong_field_is_a_form_error_not_a_cut(loaded, make_user):
    client = verified_client(make_user(Role.SOCIAL_WORKER))
    response = client.post(reverse("signpost:search"), search_form(
        given_name="Olivia" * 1000, family_name="Bennett", **OLIVIA_DOB))
    page = page_of(response)
    assert response.status_code == 400 and 'href="#given_name"' in page
    assert "Given name must be 100 characters or fewer" in page
    assert not AccessEntry.objects.using(loaded).filter(action="search").exists()


def test_script_bearing_input_is_shown_as_text(loaded, make_user):
    olivia = person_of("csc", "C1", loaded)
    client = verified_client(make_user(Role.SOCIAL_WORKER))
    script = "<script>alert(1)</script>"
    response = client.post(reverse("signpost:search"), search_form(given_name=script, family_name="Bennett",
                                                                **OLIVIA_DOB))
    page = page_of(response)  # also: no inline script at all
    assert script not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    child = client.get(reverse("chronology:child", args=[olivia]), {"reason": script, "agency": script})
    assert child.status_code == 400 and script not in child.content.decode()


def test_a_nul_in_a_typed_reason_is_refused_not_a_server_error(loaded, make_user):
    """The escalation reason goes to the alert and the access log; neither can store a NUL."""
    alert = make_alert(loaded, person_of("csc", "C1", loaded))
    client = verified_client(make_user(Role.HUB_OFFICER, username="hub"))
    response = client.post(reverse("alerts:alert", args=[alert.pk]),
                           {"step": "escalate", "reason": "needs a manager\x00 now"})
    assert response.status_code == 400
    alert.refresh_from_db(using=loaded)
    assert alert.status == Alert.OPEN
    assert not AccessEntry.objects.using(loaded).filter(action="alert_action").exists()


@pytest.mark.parametrize(("path", "kind"), [
    ("/audit/?actor=hub%00", "page"), ("/fhir/r4/metadata?x=%00", "fhir"), ("/children/%00/", "page")])
def test_a_nul_in_an_address_is_refused(loaded, make_user, path, kind):
    client = verified_client(make_user(Role.AUDITOR))
    response = client.get(path)
    assert response.status_code == 400
    if kind == "fhir":
        assert response.json()["resourceType"] == "OperationOutcome"
    else:
        assert "NUL character" in page_of(response)


def test_a_nul_at_the_token_endpoint_is_an_oauth_error(loaded):
    from django.test import Client

    response = Client().post("/oauth/token/", {"grant_type": "client_credentials",
                                               "client_id": "x\x00", "client_secret": "y"})
    assert response.status_code == 400 and response.json()["error"] == "invalid_request"


def test_a_nul_in_the_session_cookie_is_ignored_as_a_forged_one_is(loaded, make_user):
    """PostgreSQL cannot look up a session key holding a NUL: the cookie is dropped, not a 500."""
    from django.test import Client

    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = "abc\x00defghijk"
    for path in ("/", "/health/", "/sign-in/"):
        assert client.get(path).status_code in (200, 302), path


def test_a_nul_in_basic_credentials_at_the_token_endpoint_is_an_oauth_error(loaded):
    import base64

    from django.test import Client

    for secret in (b"ab\x00c:x", b"ab%00c:x"):
        response = Client().post("/oauth/token/", {"grant_type": "client_credentials"},
                                 HTTP_AUTHORIZATION="Basic " + base64.b64encode(secret).decode())
        assert response.status_code == 400 and response.json()["error"] == "invalid_request", secret


@pytest.mark.parametrize("path", ["/audit/?child=99999999999999999999",
                                  "/children/1/?reason=s47&from-year=" + "9" * 20])
def test_a_number_no_database_holds_is_refused(loaded, make_user, path):
    client = verified_client(make_user(Role.AUDITOR))
    response = client.get(path)
    assert response.status_code == 400 and "longer than any Jigsaw stores" in page_of(response)


def test_an_overlong_assignee_is_refused_and_nothing_changes(loaded, make_user):
    alert = make_alert(loaded, person_of("csc", "C1", loaded))
    client = verified_client(make_user(Role.HUB_OFFICER, username="hub"))
    response = client.post(reverse("alerts:alert", args=[alert.pk]),
                           {"step": "assign", "assignee": "9" * 5000})
    assert response.status_code == 400
    alert.refresh_from_db(using=loaded)
    assert alert.assignee_id is None
