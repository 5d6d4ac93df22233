"""Fixtures for signed-in clients of every role, on SQLite and PostgreSQL.

The Django test client always talks to the "default" database; a router sends every read and
write to the alias under test instead, so the whole request path (sessions, axes, django-otp,
profiles) runs on both databases.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from jigsaw.accounts.roles import Role
from jigsaw.accounts.services import create_user

PASSWORD = "correct-horse-battery"


class OneDatabase:
    """A router that sends everything to one alias."""

    def __init__(self, alias: str) -> None:
        self.alias = alias

    def db_for_read(self, model, **hints):
        return self.alias

    def db_for_write(self, model, **hints):
        return self.alias

    def allow_relation(self, obj1, obj2, **hints):
        return True


@pytest.fixture
def web_db(db_alias: str, settings) -> str:
    """Route the test client's requests to ``db_alias``; fast password hashing for tests."""
    settings.DATABASE_ROUTERS = [OneDatabase(db_alias)]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return db_alias


@pytest.fixture
def make_user(web_db: str) -> Callable[..., object]:
    """``make_user(role, **profile)``: a user with a confirmed TOTP device, vetted and trained
    (``enrolled=False``: a new user, who has still to enrol their authenticator)."""
    counter = iter(range(10_000))

    def make(role: str, username: str | None = None, **kwargs):
        today = timezone.localdate()
        kwargs.setdefault("vetted_on", today - dt.timedelta(days=10))
        kwargs.setdefault("trained_on", today - dt.timedelta(days=10))
        kwargs.setdefault("enrolled", True)  # as after their first sign-in (tests/accounts/test_enrolment.py)
        name = username or f"{role}-{next(counter)}"
        create_user(name, PASSWORD, role, using=web_db, **kwargs)
        return get_user_model().objects.db_manager(web_db).get(username=name)

    return make


def verified_client(user) -> Client:
    """A client signed in with password and one-time code (as django_otp.login leaves it)."""
    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user).get()
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def password_only_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def role_clients(make_user) -> dict[str, Client]:
    """A verified client for every role."""
    return {role: verified_client(make_user(role)) for role in Role.values}


def code_now(user, offset_steps: int = 0) -> str:
    """The code the user's authenticator shows now (or ``offset_steps`` x 30 s away)."""
    import time

    from django_otp.oath import TOTP

    device = TOTPDevice.objects.filter(user=user).get()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset_steps * device.step
    return f"{totp.token():0{device.digits}d}"
