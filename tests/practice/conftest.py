"""Fixtures for the practice tests: the signpost partnership, signed-in case workers, Olivia."""

from __future__ import annotations

import pytest

from jigsaw.accounts.roles import Role
from tests.accounts.support import make_user, verified_client, web_db  # noqa: F401 - fixtures
from tests.signpost import person_of
from tests.web.support import loaded  # noqa: F401 - fixture

NORTHTOWN = "Northtown Children's Services"
RIVERSIDE = "Riverside Surgery"


@pytest.fixture
def olivia(loaded) -> int:  # noqa: F811 - the fixture
    return person_of("csc", "C1", loaded)


@pytest.fixture
def worker(make_user, loaded):  # noqa: F811 - the fixtures
    """A social worker of Northtown (a case role, unscoped), signed in with a code."""
    user = make_user(Role.SOCIAL_WORKER, username="priya", agency=NORTHTOWN)
    user.first_name, user.last_name = "Priya", "Shah"
    user.save()
    return verified_client(user)
