import pytest
from django.test import Client

from jigsaw.accounts.roles import Role
from tests.accounts.support import make_user, role_clients, verified_client, web_db  # noqa: F401 - fixtures


@pytest.fixture
def admin(make_user):  # noqa: F811 - the imported fixture, by name
    return make_user(Role.ADMINISTRATOR, username="the-admin")


@pytest.fixture
def as_admin(admin) -> Client:
    return verified_client(admin)
