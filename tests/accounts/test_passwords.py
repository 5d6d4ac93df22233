"""Passwords: a user changes their own; an administrator sets a temporary one the user must replace.

Both end the user's other sessions, both are in the access log (never the password itself), and
a wrong current password counts towards the lockout like a wrong password at sign-in.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jigsaw.accounts import passwords
from jigsaw.accounts.models import Profile
from jigsaw.accounts.roles import Role
from jigsaw.audit.models import AccessEntry, Action
from tests.accounts.admin_support import admin_entries, second_approves
from tests.accounts.support import PASSWORD, verified_client
from tests.conftest import BOTH

pytestmark = pytest.mark.django_db(databases=BOTH)

NEW_PASSWORD = "a-longer-passphrase-of-mine"
TEMPORARY = re.compile(r"^[a-hj-km-np-z2-9]{4}(-[a-hj-km-np-z2-9]{4}){3}$")


def _change(client: Client, current: str = PASSWORD, new: str = NEW_PASSWORD, again: str | None = None,
            next_url: str = ""):
    return client.post(reverse("accounts:password"), {
        "old_password": current, "new_password1": new, "new_password2": new if again is None else again,
        "next": next_url})


def _entries(using: str, action: str) -> list[AccessEntry]:
    return list(AccessEntry.objects.using(using).filter(action=action).order_by("sequence"))


def _password_works(user, password: str) -> bool:
    return get_user_model().objects.db_manager(user._state.db).get(pk=user.pk).check_password(password)


def _signed_out(client: Client) -> bool:
    response = client.get(reverse("home"))
    return response.status_code == 302 and response["Location"].startswith(reverse("accounts:sign-in"))


def test_temporary_passwords_are_grouped_unambiguous_and_random():
    made = {passwords.temporary_password() for _ in range(200)}
    assert len(made) == 200
    assert all(TEMPORARY.match(p) for p in made), made
    assert not set("".join(made)) & set("01ilo")


def test_every_role_can_change_their_own_password(make_user, web_db):
    for role in Role.values:
        user = make_user(role)
        client = verified_client(user)
        page = client.get(reverse("accounts:password"))
        assert page.status_code == 200 and b"Change your password" in page.content
        assert b'autocomplete="current-password"' in page.content
        response = _change(client)
        assert response.status_code == 302 and response["Location"] == reverse("accounts:password")
        assert _password_works(user, NEW_PASSWORD) and not _password_works(user, PASSWORD)
        done = client.get(reverse("accounts:password"))  # this session stays signed in
        assert done.status_code == 200 and "Your password has been changed" in done.content.decode()
    changed = _entries(web_db, Action.PASSWORD_CHANGE)
    assert [(e.actor, e.role) for e in changed] == [(u, r) for u, r in get_user_model().objects.db_manager(
        web_db).order_by("pk").values_list("username", "profile__role")]
    assert all(NEW_PASSWORD not in str(e.detail) and PASSWORD not in str(e.detail) for e in changed)


def test_changing_ends_the_users_other_sessions_and_returns_to_the_page_asked_for(make_user):
    user = make_user(Role.SOCIAL_WORKER)
    here, elsewhere = verified_client(user), verified_client(user)
    response = _change(here, next_url=reverse("signpost:search"))
    assert response["Location"] == reverse("signpost:search")
    assert here.get(reverse("signpost:search")).status_code == 200
    assert _signed_out(elsewhere)
    user.refresh_from_db()
    off_site = _change(verified_client(user), current=NEW_PASSWORD, new=NEW_PASSWORD + "-2",
                       next_url="https://elsewhere.example/")
    assert off_site["Location"] == reverse("accounts:password")


@pytest.mark.parametrize(("new", "again", "message"), [
    ("short-one", None, "too short"),
    ("password12345", None, "too common"),
    ("839201748392017", None, "entirely numeric"),
    (NEW_PASSWORD, NEW_PASSWORD + "x", "do not match"),
    ("", None, "Enter a new password"),
    (PASSWORD, None, "must be different from your current one"),
])
def test_a_weak_or_mistyped_new_password_is_refused_and_nothing_changes(make_user, web_db, new, again,
                                                                         message):
    user = make_user(Role.HUB_OFFICER)
    client = verified_client(user)
    response = _change(client, new=new, again=again)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page and "govuk-error-summary" in page
    assert new not in page or not new  # a password is never echoed back
    assert _password_works(user, PASSWORD)
    assert _entries(web_db, Action.PASSWORD_CHANGE) == []


def test_a_wrong_current_password_is_an_error_and_counts_towards_the_lockout(make_user, web_db, settings):
    settings.AXES_FAILURE_LIMIT = 3
    user = make_user(Role.PRACTITIONER)
    client = verified_client(user)
    for _ in range(2):
        response = _change(client, current="not my password")
        assert response.status_code == 400
        assert "Your current password is not correct" in response.content.decode()
    assert [e.detail["step"] for e in _entries(web_db, Action.SIGN_IN_FAILED)] == ["current_password"] * 2
    locked = _change(client, current="not my password")
    assert "Your account is locked" in locked.content.decode()
    assert _entries(web_db, Action.SIGN_IN_FAILED)[-1].detail["step"] == "locked_out"
    assert _signed_out(client)
    assert _password_works(user, PASSWORD)
    assert _entries(web_db, Action.PASSWORD_CHANGE) == []


def test_an_administrator_sets_a_temporary_password_shown_once(make_user, as_admin, admin, web_db):
    user = make_user(Role.SAFEGUARDING_LEAD, username="forgetful")
    their_session = verified_client(user)
    assert as_admin.post(reverse("accounts:temporary-password", args=[user.pk])).status_code == 200
    response = second_approves(make_user, web_db)
    assert response.status_code == 200
    page = response.content.decode()
    temporary = re.search(r"<code>([^<]+)</code>", page).group(1)
    assert TEMPORARY.match(temporary)
    assert _password_works(user, temporary) and not _password_works(user, PASSWORD)
    assert _signed_out(their_session)
    entry = admin_entries(web_db)[-1]
    assert (entry.detail["operation"], entry.detail["user"], entry.detail["requested_by"]) == (
        "set_temporary_password", "forgetful", admin.username)
    assert temporary not in str(entry.detail)
    again = as_admin.get(reverse("accounts:user", args=[user.pk])).content.decode()
    assert temporary not in again  # never shown a second time


def test_with_a_temporary_password_every_page_leads_to_choosing_ones_own(make_user, web_db):
    user = make_user(Role.SOCIAL_WORKER)
    temporary = passwords.set_temporary_password(user.pk, using=web_db)
    client = verified_client(get_user_model().objects.db_manager(web_db).get(pk=user.pk))
    for name in ("home", "signpost:search", "alerts:alerts"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        expected = f"{reverse('accounts:password')}?next={reverse(name).replace('/', '%2F')}"
        assert response["Location"] == expected
    page = client.get(reverse("accounts:password")).content.decode()
    assert "An administrator gave you a temporary password" in page
    assert client.post(reverse("signpost:search"), {"reason": "s47"}).status_code == 302  # nothing done
    assert _change(client, current=temporary, next_url=reverse("signpost:search"))["Location"] == reverse(
        "signpost:search")
    assert client.get(reverse("signpost:search")).status_code == 200
    assert "temporary password" not in client.get(reverse("accounts:password")).content.decode()


def test_an_administrator_cannot_set_their_own_temporary_password(as_admin, admin, web_db):
    page = as_admin.get(reverse("accounts:user", args=[admin.pk])).content.decode()
    assert "Set a temporary password" not in page and reverse("accounts:password") in page
    response = as_admin.post(reverse("accounts:temporary-password", args=[admin.pk]))
    assert response.status_code == 403
    assert _password_works(admin, PASSWORD)
    refused = _entries(web_db, Action.REFUSED)
    assert [(e.detail["view"], e.detail["method"]) for e in refused] == [
        ("accounts:temporary-password", "POST")]
    assert "own password" in refused[0].detail["why"]


def test_a_temporary_password_for_someone_who_does_not_exist_is_404(as_admin):
    assert as_admin.post(reverse("accounts:temporary-password", args=[2**31 - 1])).status_code == 404


@pytest.mark.parametrize(("hours_ago", "signs_in"), [(71.9, True), (72.1, False)])
def test_an_unused_temporary_password_stops_working_after_the_setting(make_user, web_db, hours_ago, signs_in):
    user = make_user(Role.SOCIAL_WORKER, username="away")
    temporary = passwords.set_temporary_password(user.pk, using=web_db)
    Profile.objects.using(web_db).filter(user=user).update(
        temporary_password_set_at=timezone.now() - dt.timedelta(hours=hours_ago))
    response = Client().post(reverse("accounts:sign-in"), {"username": "away", "password": temporary})
    failed = _entries(web_db, Action.SIGN_IN_FAILED)
    if signs_in:
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:code"))
        assert failed == []
    else:
        assert response.status_code == 400
        assert "Your temporary password has expired" in response.content.decode()
        assert [e.detail["step"] for e in failed] == ["temporary_password_expired"]


def test_how_long_a_temporary_password_lasts_is_a_setting(make_user, web_db, settings):
    settings.JIGSAW_TEMPORARY_PASSWORD_HOURS = 1
    user = make_user(Role.ANALYST, username="brief")
    temporary = passwords.set_temporary_password(user.pk, using=web_db)
    profile = Profile.objects.using(web_db).get(user=user)
    assert not passwords.temporary_password_expired(profile)
    assert passwords.temporary_password_expired(profile, timezone.now() + dt.timedelta(minutes=61))
    assert not passwords.temporary_password_expired(None)
    passwords.password_chosen(user.pk, using=web_db)
    profile.refresh_from_db()
    assert not profile.must_change_password
    assert not passwords.temporary_password_expired(profile, timezone.now() + dt.timedelta(days=365))
    assert TEMPORARY.match(temporary)
