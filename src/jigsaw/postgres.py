"""The cursor Jigsaw's PostgreSQL connections use: server-side binding, so psycopg can prepare a
query it has seen before and the server reuses the plan (``jigsaw.settings.postgres_options``).

PostgreSQL's wire protocol carries at most 65,535 bound parameters per statement; Django's own
client-side binding has no such limit, and a few set-wise reads (an ``IN`` over every person an
alert run found, at scale) can pass it. Such a statement is sent with its values inlined, as
Django would without server-side binding, and is not prepared.
"""

from __future__ import annotations

from typing import Any

import psycopg
from django.db.backends.postgresql.base import ServerBindingCursor

#: The protocol's limit on bound parameters in one statement (a 16-bit count).
MAX_BOUND_PARAMETERS = 65_535


class PreparingCursor(ServerBindingCursor):
    """Django's server-binding cursor, falling back to inlined values past the protocol's limit."""

    def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
        if params is not None and len(params) > MAX_BOUND_PARAMETERS:
            inlined = psycopg.ClientCursor(self.connection).mogrify(query, params)
            return super().execute(inlined, None, prepare=False)
        return super().execute(query, params, **kwargs)
