"""Sessions in the database, as Django keeps them, pushed on in one statement on each request.

``SESSION_SAVE_EVERY_REQUEST`` moves the idle expiry on with every page (settings: sessions end
after 15 idle minutes). Django's database store wraps that UPDATE in a transaction of its own
(BEGIN, UPDATE, COMMIT: three round trips a page); one UPDATE is atomic by itself, so here it
is sent alone. Creating a session (sign-in, a new key) is Django's own code, unchanged: a clash
of keys there must roll back cleanly.
"""

from __future__ import annotations

from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseStore
from django.db import DatabaseError, router


class SessionStore(DatabaseStore):
    """Django's database session store; an existing session is updated in one statement."""

    def save(self, must_create: bool = False) -> None:
        if must_create or self.session_key is None:
            return super().save(must_create=must_create)
        obj = self.create_model_instance(self._get_session())
        using = router.db_for_write(self.model, instance=obj)
        try:
            obj.save(force_update=True, using=using)
        except DatabaseError as gone:  # no row to update: the session ended meanwhile
            raise UpdateError from gone
        return None
