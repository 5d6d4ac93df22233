"""The session store: an unchanged session is written at most once a minute, a changed one always,
and the idle limit is never longer than SESSION_COOKIE_AGE (on SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from jigsaw.accounts.roles import Role
from jigsaw.accounts.sessions import PUSH_EVERY_SECONDS
from tests.accounts.support import verified_client
from tests.conftest import BOTH

pytestmark = pytest.mark.django_db(databases=BOTH)


def _session_writes(client, alias: str) -> tuple[int, object]:
    """How many times a page wrote the session row, and the page."""
    with CaptureQueriesContext(connections[alias]) as seen:
        response = client.get(reverse("home"))
    writes = [q["sql"] for q in seen.captured_queries
              if q["sql"].startswith("UPDATE") and "django_session" in q["sql"]]
    return len(writes), response


def _expiry(client) -> object:
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_an_unchanged_session_is_not_written_on_every_page(make_user, web_db):
    client = verified_client(make_user(Role.PRACTITIONER))  # the row was written at sign-in
    for _ in range(2):
        writes, page = _session_writes(client, web_db)
        assert page.status_code == 200 and writes == 0


def test_the_expiry_moves_on_once_it_has_fallen_a_minute_behind(make_user, web_db):
    client = verified_client(make_user(Role.PRACTITIONER))
    behind = timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE - PUSH_EVERY_SECONDS - 5)
    Session.objects.filter(session_key=client.session.session_key).update(expire_date=behind)
    writes, page = _session_writes(client, web_db)
    assert page.status_code == 200 and writes == 1
    pushed = _expiry(client)
    assert pushed > behind + timedelta(seconds=PUSH_EVERY_SECONDS)
    assert pushed <= timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE)  # never longer


def test_a_changed_session_is_always_saved(make_user, web_db):
    client = verified_client(make_user(Role.PRACTITIONER))
    session = client.session
    session["marker"] = "kept"
    session.save()
    assert Session.objects.get(session_key=session.session_key).get_decoded()["marker"] == "kept"


def test_an_idle_session_still_ends(make_user, web_db):
    client = verified_client(make_user(Role.PRACTITIONER))
    assert client.get(reverse("home")).status_code == 200
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1))
    assert client.get(reverse("home")).status_code == 302
