"""Keys for the shared cache (``settings.CACHES``: a table in the database).

A key names the database it was computed from, so two partnerships' databases behind one cache
never read each other's figures, and the state it was computed at (``marks``: the newest import
batch, alert, link run, the day ...), so new data is a new key and an old entry is never read.
"""

from __future__ import annotations

import hashlib

from django.conf import settings


def state_key(prefix: str, using: str, *marks: object) -> str:
    """``prefix`` and a digest of the database and ``marks``."""
    state = repr([using, settings.DATABASES[using].get("NAME"), *marks])
    return prefix + hashlib.sha256(state.encode()).hexdigest()
