from tests.accounts.support import make_user, web_db  # noqa: F401 - fixtures
from tests.chronology.conftest import family, feeds  # noqa: F401 - fixtures
