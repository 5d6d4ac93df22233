"""Finding 8: case access and account recovery need a second administrator, seen by the user and the log."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from jigsaw.accounts.models import AdminRequest
from jigsaw.accounts.roles import Role
from jigsaw.audit.models import AccessEntry, Action
from tests.accounts.admin_support import user_form
from tests.accounts.support import verified_client
from tests.conftest import BOTH

pytestmark = pytest.mark.django_db(databases=BOTH)


def _pending(using):
    return list(AdminRequest.objects.using(using).filter(status=AdminRequest.PENDING))


def test_an_administrator_cannot_give_case_access_alone(make_user, web_db):
    first, second = make_user(Role.ADMINISTRATOR), make_user(Role.ADMINISTRATOR)
    analyst = make_user(Role.ANALYST)
    one, two = verified_client(first), verified_client(second)
    response = one.post(
        reverse("accounts:user", args=[analyst.pk]), user_form(analyst, role=Role.SOCIAL_WORKER)
    )
    assert response.status_code == 302
    analyst.profile.refresh_from_db(using=web_db)
    assert analyst.profile.role == Role.ANALYST  # held until a second administrator approves
    [asked] = _pending(web_db)
    refused = one.post(reverse("accounts:requests"), {"request": asked.pk, "decision": "approve"})
    assert refused.status_code == 400 and "second administrator" in refused.content.decode()
    assert (
        two.post(reverse("accounts:requests"), {"request": asked.pk, "decision": "approve"}).status_code
        == 302
    )
    analyst.profile.refresh_from_db(using=web_db)
    assert analyst.profile.role == Role.SOCIAL_WORKER
    seen = verified_client(analyst).get(reverse("accounts:password")).content.decode()
    assert "Give case access" in seen and first.username in seen and second.username in seen
    operations = [
        e.detail["operation"] for e in AccessEntry.objects.using(web_db).filter(action=Action.ADMIN)
    ]
    assert operations == ["request_grant_case_access", "grant_case_access"]


def test_a_new_case_account_is_inactive_until_approved(make_user, web_db, settings):
    first, second = make_user(Role.ADMINISTRATOR), make_user(Role.ADMINISTRATOR)
    today = "2024-01-02"
    response = verified_client(first).post(
        reverse("accounts:new-user"),
        {
            "username": "newsw",
            "password": "a-long-enough-password",
            "role": Role.SOCIAL_WORKER,
            "agency": "",
            "first_name": "",
            "last_name": "",
            **{f"vetted_on_{i}": v for i, v in enumerate(today.split("-")[::-1])},
            **{f"trained_on_{i}": v for i, v in enumerate(today.split("-")[::-1])},
        },
    )
    assert response.status_code == 200, response.content.decode()[:2000]
    user = get_user_model().objects.db_manager(web_db).get(username="newsw")
    assert not user.is_active
    [asked] = _pending(web_db)
    verified_client(second).post(reverse("accounts:requests"), {"request": asked.pk, "decision": "approve"})
    user.refresh_from_db(using=web_db)
    assert user.is_active


def test_account_recovery_needs_a_second_administrator(make_user, web_db):
    first, second = make_user(Role.ADMINISTRATOR), make_user(Role.ADMINISTRATOR)
    worker = make_user(Role.SOCIAL_WORKER)
    one, two = verified_client(first), verified_client(second)
    for name in ("accounts:temporary-password", "accounts:reset-authenticator"):
        response = one.post(reverse(name, args=[worker.pk]))
        assert (
            response.status_code == 200 and "Waiting for a second administrator" in response.content.decode()
        )
    worker.refresh_from_db(using=web_db)
    assert worker.check_password("correct-horse-battery")  # nothing changed yet
    for asked in _pending(web_db):
        assert (
            one.post(reverse("accounts:requests"), {"request": asked.pk, "decision": "approve"}).status_code
            == 400
        )
        shown = two.post(reverse("accounts:requests"), {"request": asked.pk, "decision": "approve"})
        assert shown.status_code == 200  # the secret is shown once, to the approving administrator
    worker.refresh_from_db(using=web_db)
    assert not worker.check_password("correct-horse-battery")
