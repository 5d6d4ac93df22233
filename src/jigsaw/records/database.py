"""Which database a request reads and writes: the router's choice, asked in one place.

The engines take ``using`` explicitly; the pages ask the database router for it, so a
deployment reads the default database and the tests can route a whole request to SQLite or
PostgreSQL alike.
"""

from __future__ import annotations

from django.db import router

from .models import PersonRecord


def db() -> str:
    """The database alias the pages read and write."""
    return router.db_for_write(PersonRecord)
