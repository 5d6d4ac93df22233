"""Sessions in the database, as Django keeps them, pushed on at most once a minute.

``SESSION_SAVE_EVERY_REQUEST`` moves the idle expiry on with every page (settings: sessions end
after 15 idle minutes). Writing the row on every page costs each page a committed write; so an
unchanged session whose stored expiry is already within :data:`PUSH_EVERY_SECONDS` of where a
save would put it is not written again. The idle limit is then between 14 and 15 minutes, never
longer. A changed session (sign-in steps, a broken-glass override) is always saved.

Django's database store wraps its UPDATE in a transaction of its own (BEGIN, UPDATE, COMMIT:
three round trips); one UPDATE is atomic by itself, so here it is sent alone. Creating a session
(sign-in, a new key) is Django's own code, unchanged: a clash of keys there must roll back cleanly.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseStore
from django.db import DatabaseError, router

#: An unchanged session's stored expiry is moved on only when it has fallen this far behind.
PUSH_EVERY_SECONDS = 60


class SessionStore(DatabaseStore):
    """Django's database session store; an existing session is updated in one statement, and an
    unchanged one only when its expiry is due to move on."""

    _stored_expiry: datetime | None = None

    def _get_session_from_db(self) -> Any:
        row = super()._get_session_from_db()
        self._stored_expiry = row.expire_date if row is not None else None
        return row

    def _expiry_is_current(self) -> bool:
        """Whether the stored expiry is within a push of where saving now would set it."""
        if self._stored_expiry is None:
            return False
        return self.get_expiry_date() - self._stored_expiry < timedelta(seconds=PUSH_EVERY_SECONDS)

    def save(self, must_create: bool = False) -> None:
        if must_create or self.session_key is None:
            return super().save(must_create=must_create)
        if not self.modified and self._expiry_is_current():
            return None
        obj = self.create_model_instance(self._get_session())
        using = router.db_for_write(self.model, instance=obj)
        try:
            obj.save(force_update=True, using=using)
        except DatabaseError as gone:  # no row to update: the session ended meanwhile
            raise UpdateError from gone
        self._stored_expiry = obj.expire_date
        return None
