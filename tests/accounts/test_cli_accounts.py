"""`jigsaw createuser` and `jigsaw otp-code` as a user meets them, and the services behind them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice

from jigsaw.accounts.models import Profile
from jigsaw.accounts.services import (
    DEMO_PASSWORD,
    AccountError,
    create_demo_users,
    create_user,
    current_code,
)
from tests.conftest import BOTH


@pytest.fixture
def env(tmp_path: Path) -> dict:
    return {"JIGSAW_DATA_DIR": str(tmp_path / "data"),
            "JIGSAW_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}"}


def _create(jigsaw, env: dict, *args: str, password: str = "a-long-enough-password\n"):  # noqa: S107
    return jigsaw("createuser", *args, "--password-stdin", env=env, input=password)


def test_createuser_leaves_the_authenticator_to_the_user(env, jigsaw):
    done = _create(jigsaw, env, "sam", "--role", "social_worker", "--vetted-on", "2024-01-02", "--trained-on",
                   "2024-01-03")
    assert done.returncode == 0, done.stderr
    assert "set up their authenticator app themselves" in done.stdout
    assert "otpauth://" not in done.stdout and "secret:" not in done.stdout
    again = _create(jigsaw, env, "sam", "--role", "social_worker")
    assert again.returncode == 1 and "already exists" in again.stderr
    assert again.stderr.count("\n") == 1 and "Traceback" not in again.stderr


@pytest.mark.parametrize(("args", "message"), [
    (("--role", "wizard"), "Invalid value for '--role'"),
    (("--role", "analyst", "--vetted-on", "yesterday"), "--vetted-on must be a date"),
    (("--role", "analyst", "--agency", "Nowhere"), "no agency called 'Nowhere'"),
    (("--role", "analyst", "--trained-on", "2999-01-01"), "in the future"),
])
def test_createuser_refusals(env, args, message, jigsaw):
    done = _create(jigsaw, env, "pat", *args)
    assert done.returncode in (1, 2) and message in done.stderr and "Traceback" not in done.stderr


def test_createuser_refuses_a_weak_password(env, jigsaw):
    done = _create(jigsaw, env, "pat", "--role", "analyst", password="short\n")
    assert done.returncode == 1 and "too short" in done.stderr


def test_otp_code_refuses_real_users_and_unknown_users(env, jigsaw):
    assert _create(jigsaw, env, "real", "--role", "auditor").returncode == 0
    refused = jigsaw("otp-code", "real", env=env)
    assert refused.returncode == 1 and "is not a demo user" in refused.stderr and refused.stdout == ""
    assert refused.stderr.strip().count("\n") == 0
    unknown = jigsaw("otp-code", "nobody", env=env)
    assert unknown.returncode == 1 and "no user called 'nobody'" in unknown.stderr


@pytest.mark.django_db(databases=BOTH)
class TestServices:
    def test_create_user_makes_profile_and_a_device_the_user_enrols(self, db_alias):
        device = create_user("ann", "a-long-enough-password", "hub_officer", vetted_on=dt.date(2024, 1, 1),
                             using=db_alias)
        profile = Profile.objects.using(db_alias).get(user__username="ann")
        assert profile.role == "hub_officer" and not profile.is_demo
        assert device.otpauth_uri.startswith("otpauth://totp/") and device.secret in device.otpauth_uri
        # unconfirmed until the user enters a code from it at their first sign-in
        assert not TOTPDevice.objects.using(db_alias).get(user=profile.user).confirmed
        with pytest.raises(AccountError, match="not a demo user"):
            current_code("ann", using=db_alias)

    def test_demo_users_one_per_role_and_their_codes(self, db_alias):
        names = create_demo_users(using=db_alias)
        assert len(names) == 9 and "demo-safeguarding-lead" in names and "demo-administrator-2" in names
        assert "demo-board-member" in names
        user = get_user_model().objects.db_manager(db_alias).get(username="demo-analyst")
        assert user.check_password(DEMO_PASSWORD)
        code = current_code("demo-analyst", using=db_alias)
        assert len(code) == 6 and code.isdigit()
        assert create_demo_users(using=db_alias) == names  # re-running resets, never duplicates
        assert Profile.objects.using(db_alias).filter(is_demo=True).count() == 9

    def test_demo_users_never_take_over_a_real_account(self, db_alias):
        create_user("demo-analyst", "a-long-enough-password", "analyst", using=db_alias)
        with pytest.raises(AccountError, match="not a demo user"):
            create_demo_users(using=db_alias)


def test_temporary_password_from_the_command_line(env, jigsaw):
    import re
    import sqlite3

    assert _create(jigsaw, env, "lone-admin", "--role", "administrator").returncode == 0
    done = jigsaw("temporary-password", "lone-admin", "--as", "operator", env=env)
    assert done.returncode == 0, done.stderr
    password = done.stdout.strip().splitlines()[-1].strip()
    assert re.fullmatch(r"[a-hj-km-np-z2-9]{4}(-[a-hj-km-np-z2-9]{4}){3}", password), done.stdout
    assert "within 72 hours" in done.stdout
    with sqlite3.connect(env["JIGSAW_DATABASE_URL"].removeprefix("sqlite:///")) as db:
        set_at = db.execute("SELECT temporary_password_set_at FROM accounts_profile").fetchone()
        actor, detail = db.execute("SELECT actor, detail FROM audit_accessentry WHERE action = ?",
                                   ("admin",)).fetchone()
    assert set_at[0] is not None
    assert actor == "operator" and "set_temporary_password" in detail and password not in detail
    unknown = jigsaw("temporary-password", "nobody", "--as", "operator", env=env)
    assert unknown.returncode == 1 and "no user called 'nobody'" in unknown.stderr
    assert unknown.stderr.strip().count("\n") == 0 and unknown.stdout == ""
