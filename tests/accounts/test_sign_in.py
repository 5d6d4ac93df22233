"""Sign-in in two steps, lockout, sign-out, the events they send and the access log's record of them."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from jigsaw.accounts import events
from jigsaw.accounts.roles import Role
from jigsaw.audit.models import AccessEntry
from tests.accounts.support import PASSWORD, code_now
from tests.conftest import BOTH

pytestmark = pytest.mark.django_db(databases=BOTH)


@pytest.fixture
def heard():
    """Everything sent on the sign-in events during the test."""
    got: list[tuple[str, dict]] = []

    def listener(name):
        def receive(sender, **kwargs):
            got.append((name, {k: v for k, v in kwargs.items() if k != "signal"}))
        return receive

    receivers = {s: listener(n) for s, n in ((events.signed_in, "signed_in"),
                                               (events.sign_in_failed, "sign_in_failed"),
                                               (events.signed_out, "signed_out"))}
    for signal, receiver in receivers.items():
        signal.connect(receiver)
    yield got
    for signal, receiver in receivers.items():
        signal.disconnect(receiver)


def _password(client: Client, username: str, password: str = PASSWORD, next_url: str = ""):
    return client.post(reverse("accounts:sign-in"),
                       {"username": username, "password": password, "next": next_url})


def test_password_then_code_signs_in_and_returns_to_the_page_asked_for(make_user, heard):
    user = make_user(Role.ADMINISTRATOR)
    client = Client()
    first = client.get(reverse("accounts:users"))
    assert first["Location"] == "/sign-in/?next=%2Fusers%2F"
    step = _password(client, user.username, next_url="/users/")
    assert step.status_code == 302 and step["Location"].startswith(reverse("accounts:code"))
    assert client.get(reverse("accounts:users"))["Location"].startswith(reverse("accounts:code"))
    done = client.post(reverse("accounts:code"), {"code": code_now(user), "next": "/users/"})
    assert done.status_code == 302 and done["Location"] == "/users/"
    assert client.get(reverse("accounts:users")).status_code == 200
    assert [name for name, _ in heard] == ["signed_in"]
    assert heard[0][1]["username"] == user.username and heard[0][1]["user"] == user


def test_next_never_leaves_the_site(make_user):
    user = make_user(Role.PRACTITIONER)
    client = Client()
    _password(client, user.username, next_url="https://evil.example/")
    done = client.post(reverse("accounts:code"), {"code": code_now(user), "next": "https://evil.example/"})
    assert done["Location"] == reverse("home")


def test_a_wrong_password_is_a_gov_uk_error_and_an_event(make_user, heard):
    user = make_user(Role.PRACTITIONER)
    response = _password(Client(), user.username, "wrong-password-123")
    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page and "Enter a correct username and password" in page
    assert heard == [("sign_in_failed", {"request": heard[0][1]["request"], "username": user.username,
                                         "reason": "password"})]


def test_a_wrong_code_is_refused(make_user, heard):
    user = make_user(Role.PRACTITIONER)
    client = Client()
    _password(client, user.username)
    wrong = f"{(int(code_now(user)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("accounts:code"), {"code": wrong})
    assert response.status_code == 400 and "govuk-error-summary" in response.content.decode()
    assert client.get(reverse("home")).status_code == 302
    assert heard[-1][0] == "sign_in_failed" and heard[-1][1]["reason"] == "code"


def test_lockout_after_the_configured_number_of_failed_passwords(make_user, settings, heard):
    settings.AXES_FAILURE_LIMIT = 5
    user = make_user(Role.PRACTITIONER)
    client = Client()
    for _ in range(4):
        assert _password(client, user.username, "wrong-password-123").status_code == 400
    locked = _password(client, user.username, "wrong-password-123")
    assert locked.status_code == 429
    assert "Your account is locked" in locked.content.decode()
    # now even the right password is refused, from any client
    again = _password(Client(), user.username)
    assert again.status_code == 429 and "govuk-error-summary" in again.content.decode()
    assert heard[-1][1]["reason"] == "locked_out"


def test_failed_codes_count_towards_the_lockout_too(make_user, settings):
    settings.AXES_FAILURE_LIMIT = 3
    user = make_user(Role.PRACTITIONER)
    client = Client()
    _password(client, user.username)
    wrong = f"{(int(code_now(user)) + 1) % 1_000_000:06d}"
    assert client.post(reverse("accounts:code"), {"code": wrong}).status_code == 400
    assert client.post(reverse("accounts:code"), {"code": wrong}).status_code == 400
    locked = client.post(reverse("accounts:code"), {"code": wrong})
    assert locked.status_code == 429
    # the half-signed-in session is gone and the right password no longer helps
    assert client.get(reverse("accounts:code"))["Location"] == reverse("accounts:sign-in")
    assert _password(Client(), user.username).status_code == 429


def test_sign_out_is_post_only_and_ends_the_session(make_user, heard):
    user = make_user(Role.ANALYST)
    client = Client()
    _password(client, user.username)
    client.post(reverse("accounts:code"), {"code": code_now(user)})
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("accounts:sign-out")).status_code == 405
    out = client.post(reverse("accounts:sign-out"))
    assert out.status_code == 200 and "You have signed out" in out.content.decode()
    assert client.get(reverse("home")).status_code == 302
    assert [name for name, _ in heard] == ["signed_in", "signed_out"]


def test_a_user_without_a_profile_cannot_sign_in(web_db):
    from django.contrib.auth import get_user_model

    get_user_model().objects.db_manager(web_db).create_user("bare", password=PASSWORD)
    assert _password(Client(), "bare").status_code == 400


def test_pages_work_without_javascript_and_load_only_static_files(make_user):
    """Server-rendered GOV.UK markup; no inline script or style anywhere (the CSP forbids it)."""
    client = Client()
    page = client.get(reverse("accounts:sign-in")).content.decode()
    for marker in ('class="govuk-template"', "govuk-template__body", "govuk-skip-link",
                   "govuk-service-navigation", 'id="main-content"', "govuk-footer",
                   "govuk-frontend.min.css", "web/init.mjs", "web/js-enabled.js"):
        assert marker in page, marker
    assert "<style" not in page and " style=" not in page
    assert "<script>" not in page and "<script " in page
    assert all("src=" in tag for tag in page.split("<script")[1:])


def test_sign_ins_failures_and_sign_outs_are_in_the_access_log(make_user, web_db):
    user = make_user(Role.SOCIAL_WORKER, username="amina")
    client = Client(REMOTE_ADDR="10.1.2.3")
    typed_into_username = "my-secret-passphrase"  # a password typed into the wrong box
    _password(client, "amina", "not the password")
    _password(client, typed_into_username, "anything")
    other = make_user(Role.HUB_OFFICER, username="ben")
    wrong_code = Client(REMOTE_ADDR="10.1.2.3")
    _password(wrong_code, "ben")
    wrong_code.post(reverse("accounts:code"), {"code": "000000" if code_now(other) != "000000" else "111111"})
    _password(client, "amina")
    client.post(reverse("accounts:code"), {"code": code_now(user)})
    client.post(reverse("accounts:sign-out"))
    entries = list(AccessEntry.objects.using(web_db).order_by("sequence"))
    assert [(e.action, e.actor, e.detail.get("step")) for e in entries] == [
        ("sign_in_failed", "amina", "password"),
        ("sign_in_failed", "(no such account)", "password"),
        ("sign_in_failed", "ben", "code"),
        ("sign_in", "amina", None),
        ("sign_out", "amina", None),
    ]
    assert all(e.remote_addr == "10.1.2.3" for e in entries)
    assert [e.role for e in entries] == [Role.SOCIAL_WORKER, "", Role.HUB_OFFICER] + [Role.SOCIAL_WORKER] * 2
    assert not any(typed_into_username in str(vars(e)) for e in entries)


def test_the_password_step_does_not_reset_the_code_failures(make_user, settings):
    """Finding 11: each fresh password step used to wipe the count, buying unlimited code guesses."""
    settings.AXES_FAILURE_LIMIT = 3
    user = make_user(Role.PRACTITIONER)
    wrong = f"{(int(code_now(user)) + 1) % 1_000_000:06d}"
    for _ in range(2):
        client = Client()
        assert _password(client, user.username).status_code == 302
        assert client.post(reverse("accounts:code"), {"code": wrong}).status_code == 400
    client = Client()
    assert _password(client, user.username).status_code == 302  # the right password: no reset
    assert client.post(reverse("accounts:code"), {"code": wrong}).status_code == 429


def test_the_session_id_changes_when_the_code_is_accepted(make_user):
    user = make_user(Role.PRACTITIONER)
    client = Client()
    _password(client, user.username)
    before = client.cookies["sessionid"].value
    assert client.post(reverse("accounts:code"), {"code": code_now(user)}).status_code == 302
    after = client.cookies["sessionid"].value
    assert after and after != before
    stale = Client()
    stale.cookies["sessionid"] = before  # the id seen before the code step opens nothing now
    assert stale.get(reverse("home")).status_code == 302


def test_a_password_typed_as_the_username_is_not_stored(make_user, web_db):
    from axes.models import AccessAttempt, AccessLog

    make_user(Role.PRACTITIONER)
    typed = "Tr0ub4dor-my-real-password"
    assert _password(Client(), typed, "whatever-else").status_code == 400
    rows = [str(v) for row in AccessAttempt.objects.using(web_db).values() for v in row.values()]
    rows += [str(v) for row in AccessLog.objects.using(web_db).values() for v in row.values()]
    assert rows and not any(typed.casefold() in v.casefold() for v in rows)
