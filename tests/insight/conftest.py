from tests.accounts.support import make_user, role_clients, web_db  # noqa: F401 - fixtures
from tests.web.support import loaded  # noqa: F401 - fixture
