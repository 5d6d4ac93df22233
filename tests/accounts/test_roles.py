"""The role table and the vetting rule the child's record page calls."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from jigsaw.accounts.roles import (
    AREAS,
    ROLE_AREAS,
    Role,
    can_open_child_record,
    may,
    require_child_access,
    vetting_lapses_on,
    vetting_problem,
)
from tests.conftest import BOTH

TODAY = dt.date(2025, 6, 1)


def test_every_role_has_a_row_and_only_known_areas():
    assert set(ROLE_AREAS) == set(Role.values)
    assert all(areas <= set(AREAS) for areas in ROLE_AREAS.values())


def test_the_issue_refusals():
    assert ROLE_AREAS[Role.ANALYST] == {"aggregates"}  # never an identifiable child
    assert ROLE_AREAS[Role.AUDITOR] == {"audit"}
    assert "child" not in ROLE_AREAS[Role.ADMINISTRATOR] and "search" not in ROLE_AREAS[Role.ADMINISTRATOR]
    for role in (Role.PRACTITIONER, Role.HUB_OFFICER, Role.SOCIAL_WORKER, Role.SAFEGUARDING_LEAD):
        assert {"search", "child"} <= ROLE_AREAS[role]


def test_unknown_area_is_an_error_not_a_yes():
    with pytest.raises(ValueError, match="unknown area"):
        may(AnonymousUser(), "everything")


def test_vetting_lapses_after_three_years_by_default(settings):
    assert settings.JIGSAW_VETTING_YEARS == 3
    assert vetting_lapses_on(dt.date(2022, 6, 1)) == dt.date(2025, 6, 1)
    assert vetting_lapses_on(dt.date(2024, 2, 29)) == dt.date(2027, 3, 1)
    settings.JIGSAW_VETTING_YEARS = 1
    assert vetting_lapses_on(dt.date(2022, 6, 1)) == dt.date(2023, 6, 1)


@pytest.mark.django_db(databases=BOTH)
class TestChildRecordAccess:
    def test_vetted_trained_case_role_may_open(self, make_user):
        from tests.accounts.support import verified_client

        user = make_user(Role.SOCIAL_WORKER, vetted_on=dt.date(2023, 1, 1), trained_on=dt.date(2023, 1, 2))
        request = RequestFactory().get("/")
        request.user = user
        user.is_verified = lambda: True
        assert can_open_child_record(user, today=TODAY)
        assert verified_client(user)  # the fixture path works for this user too

    def test_lapsed_check_is_refused(self, make_user):
        user = make_user(Role.SOCIAL_WORKER, vetted_on=dt.date(2022, 6, 1), trained_on=dt.date(2023, 1, 2))
        user.is_verified = lambda: True
        assert vetting_problem(user, today=TODAY) == "enhanced background check has lapsed"
        assert not can_open_child_record(user, today=TODAY)
        assert can_open_child_record(user, today=TODAY - dt.timedelta(days=1))  # the day before

    def test_no_check_or_no_training_is_refused(self, make_user):
        unvetted = make_user(Role.PRACTITIONER, vetted_on=None)
        untrained = make_user(Role.PRACTITIONER, trained_on=None)
        for user in (unvetted, untrained):
            user.is_verified = lambda: True
            assert not can_open_child_record(user)
        assert vetting_problem(unvetted) == "no enhanced background check recorded"
        assert vetting_problem(untrained) == "safeguarding training not completed"

    def test_roles_without_case_access_are_refused_however_vetted(self, make_user):
        for role in (Role.ANALYST, Role.AUDITOR, Role.ADMINISTRATOR):
            user = make_user(role)
            user.is_verified = lambda: True
            assert not can_open_child_record(user)

    def test_a_password_only_session_is_refused(self, make_user):
        user = make_user(Role.SOCIAL_WORKER)
        user.is_verified = lambda: False
        assert not can_open_child_record(user)

    def test_the_decorator_gives_403_with_the_reason(self, make_user):
        from django.core.exceptions import PermissionDenied
        from django.http import HttpResponse

        view = require_child_access(lambda request: HttpResponse("record"))
        request = RequestFactory().get("/")
        request.user = make_user(Role.SOCIAL_WORKER, vetted_on=dt.date(2000, 1, 1))
        request.user.is_verified = lambda: True
        with pytest.raises(PermissionDenied, match="lapsed"):
            view(request)
        request.user = make_user(Role.SOCIAL_WORKER)
        request.user.is_verified = lambda: True
        assert view(request).content == b"record"
