"""The administrators' user pages: list with vetting status, and a GOV.UK form to add a user."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from jigsaw.accounts.models import Profile
from jigsaw.accounts.roles import Role
from tests.accounts.support import verified_client
from tests.conftest import BOTH

pytestmark = pytest.mark.django_db(databases=BOTH)


def test_user_list_shows_lapsed_checks(make_user):
    admin = make_user(Role.ADMINISTRATOR)
    make_user(Role.SOCIAL_WORKER, username="lapsed-sw", vetted_on=dt.date(2015, 1, 1))
    page = verified_client(admin).get(reverse("accounts:users")).content.decode()
    assert "lapsed-sw" in page and "Lapsed" in page and "Allocated social worker" in page


def test_an_administrator_adds_a_user(make_user, web_db):
    client = verified_client(make_user(Role.ADMINISTRATOR))
    response = client.post(reverse("accounts:new-user"), {
        "username": "new-lead", "password": "a-long-enough-password", "role": "safeguarding_lead",
        "agency": "", "vetted_on_0": "2", "vetted_on_1": "1", "vetted_on_2": "2024",
        "trained_on_0": "", "trained_on_1": "", "trained_on_2": "",
    })
    assert response.status_code == 200, response.content.decode()[:2000]
    page = response.content.decode()
    assert "User added" in page and "sets up their authenticator app themselves" in page
    assert "otpauth://" not in page and "secret=" not in page  # the administrator never sees it
    profile = Profile.objects.using(web_db).get(user__username="new-lead")
    assert profile.vetting_checked_on == dt.date(2024, 1, 2) and profile.training_completed_on is None


def test_form_errors_are_gov_uk_errors(make_user):
    client = verified_client(make_user(Role.ADMINISTRATOR))
    response = client.post(reverse("accounts:new-user"), {
        "username": "x", "password": "short", "role": "", "vetted_on_0": "31", "vetted_on_1": "2",
        "vetted_on_2": "2024",
    })
    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page and "Select a role" in page and "Enter a real date" in page
