from tests.accounts.support import make_user, role_clients, web_db  # noqa: F401 - fixtures
from tests.api.support import api_client, token  # noqa: F401 - fixtures
from tests.web.support import loaded  # noqa: F401 - fixture


def pytest_collection_modifyitems(items):
    """The fuzz run on PostgreSQL takes minutes on a busy host (each example is a real query):
    slow there, while the SQLite run keeps the fuzzing in every quick run."""
    import pytest

    for item in items:
        if item.nodeid.startswith("tests/api/test_fuzz.py") and "postgres]" in item.nodeid:
            item.add_marker(pytest.mark.slow)
