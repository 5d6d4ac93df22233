"""Security headers, cookie flags and the idle-session setting, on real responses."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from jigsaw.accounts.roles import Role
from tests.accounts.support import PASSWORD, verified_client
from tests.conftest import BOTH

pytestmark = pytest.mark.django_db(databases=BOTH)


def test_security_headers_on_pages_and_redirects(client, make_user):
    pages = [client.get(reverse("accounts:sign-in")), client.get(reverse("home")),
             verified_client(make_user(Role.PRACTITIONER)).get(reverse("home"))]
    for response in pages:
        csp = response["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "object-src 'none'" in csp and "base-uri 'none'" in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"


def test_static_files_are_nosniff_too(client, web_db):
    response = client.get("/static/web/init.mjs")
    assert response.status_code == 200 and response["X-Content-Type-Options"] == "nosniff"


def test_cookies_are_secure_httponly_and_samesite(make_user):
    user = make_user(Role.PRACTITIONER)
    client = Client()
    client.get(reverse("accounts:sign-in"))
    csrf = client.cookies[settings.CSRF_COOKIE_NAME]
    response = client.post(reverse("accounts:sign-in"), {"username": user.username, "password": PASSWORD})
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    for cookie in (session, csrf):
        assert cookie["secure"] is True
        assert cookie["httponly"] is True
        assert cookie["samesite"] in ("Strict", "Lax")


def test_sessions_end_after_15_idle_minutes():
    assert settings.SESSION_COOKIE_AGE == 15 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True  # each request restarts the 15 minutes


def test_an_expired_session_is_signed_out(make_user):
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    client = verified_client(make_user(Role.PRACTITIONER))
    assert client.get(reverse("home")).status_code == 200
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timezone.timedelta(seconds=1))
    assert client.get(reverse("home")).status_code == 302


def test_pages_are_not_cached_where_they_carry_sign_in_state(client, web_db):
    assert "no-cache" in client.get(reverse("accounts:sign-in"))["Cache-Control"]
