"""A new user enrols their own authenticator at their first sign-in (issue 13, item 6)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from jigsaw.accounts import enrolment
from jigsaw.accounts.roles import Role
from jigsaw.accounts.services import reset_authenticator
from jigsaw.audit.models import AccessEntry, Action
from tests.accounts.support import PASSWORD, code_now
from tests.conftest import BOTH

pytestmark = pytest.mark.django_db(databases=BOTH)


def _after_password(user) -> Client:
    client = Client()
    step = client.post(reverse("accounts:sign-in"), {"username": user.username, "password": PASSWORD})
    assert step.status_code == 302 and step["Location"].startswith(reverse("accounts:code"))
    return client


def test_first_sign_in_shows_the_qr_code_and_a_code_from_the_app_finishes_it(make_user, web_db):
    user = make_user(Role.SOCIAL_WORKER, enrolled=False)
    client = _after_password(user)
    page = client.get(reverse("accounts:code"))
    html = page.content.decode()
    device = TOTPDevice.objects.using(web_db).get(user=user)
    assert page.status_code == 200 and "Set up your authenticator app" in html
    assert '<svg role="img"' in html and "<title>QR code to scan" in html  # inline, no image request
    assert enrolment.secret_text(device) in html  # for typing, when the camera cannot scan
    assert "<script" not in html.split("<main")[1].split("</main>")[0]
    assert not device.confirmed

    done = client.post(reverse("accounts:code"), {"code": code_now(user)})
    assert done.status_code == 302 and done["Location"] == reverse("home")
    device.refresh_from_db(using=web_db)
    assert device.confirmed
    assert client.get(reverse("signpost:search")).status_code == 200  # verified
    entry = AccessEntry.objects.using(web_db).filter(action=Action.SIGN_IN).order_by("sequence").last()
    assert entry.actor == user.username and entry.detail == {"enrolled_authenticator": True}

    # the next sign-in asks for a code only: the set-up is never shown again
    again = _after_password(user).get(reverse("accounts:code")).content.decode()
    assert "Enter the code from your authenticator app" in again and "<svg" not in again
    assert enrolment.secret_text(device) not in again


def test_a_wrong_code_does_not_enrol_and_counts_as_a_failure(make_user, web_db):
    user = make_user(Role.PRACTITIONER, enrolled=False)
    client = _after_password(user)
    bad = "000000" if code_now(user) != "000000" else "111111"
    wrong = client.post(reverse("accounts:code"), {"code": bad})
    assert wrong.status_code == 400 and "The code is not correct" in wrong.content.decode()
    assert not TOTPDevice.objects.using(web_db).get(user=user).confirmed
    failed = AccessEntry.objects.using(web_db).filter(action=Action.SIGN_IN_FAILED).last()
    assert failed.detail == {"step": "enrolment_code"}
    assert client.get(reverse("signpost:search"))["Location"].startswith(reverse("accounts:code"))


def test_an_unenrolled_device_never_signs_in_at_the_normal_step(make_user, web_db):
    """Only the enrolment page confirms a device; a reset leaves the user to enrol again."""
    user = make_user(Role.PRACTITIONER)
    reset_authenticator(user.pk, using=web_db)
    client = _after_password(user)
    html = client.get(reverse("accounts:code")).content.decode()
    assert "Set up your authenticator app" in html
    assert client.post(reverse("accounts:code"), {"code": code_now(user)}).status_code == 302
    assert TOTPDevice.objects.using(web_db).get(user=user).confirmed


def test_demo_users_are_enrolled_so_otp_code_works(web_db):
    from jigsaw.accounts.services import create_demo_users, current_code

    create_demo_users(using=web_db)
    demo = TOTPDevice.objects.using(web_db).filter(user__username="demo-practitioner")
    assert demo.filter(confirmed=True).exists()
    assert len(current_code("demo-practitioner", using=web_db)) == 6
