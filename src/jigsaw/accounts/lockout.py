"""What the lockout table (django-axes) keeps of a username: a keyed digest, never the text.

People type their password into the username box. django-axes stores the username of every
failed attempt in its own table, so that text would sit there in the clear. It is stored as an
HMAC-SHA256 of the case-folded username under ``JIGSAW_AUDIT_KEY`` instead
(``AXES_USERNAME_CALLABLE``): the lockout still counts per username -- the same text gives the
same digest -- and nobody reading the table learns what was typed.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from django.conf import settings


def lockout_key(username: str) -> str:
    """The digest the lockout table holds for ``username``."""
    key = settings.JIGSAW_AUDIT_KEY.encode("utf-8")
    text = " ".join(username.split()).casefold().encode("utf-8")
    return "u:" + hmac.new(key, text, hashlib.sha256).hexdigest()


def username_for_axes(request: Any, credentials: dict[str, Any] | None) -> str:
    """``AXES_USERNAME_CALLABLE``: the submitted username as :func:`lockout_key` digests it."""
    username = (credentials or {}).get("username")
    if username is None and request is not None:
        username = request.POST.get("username", "")
    return lockout_key(username or "")
