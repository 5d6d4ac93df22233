"""Who is calling: a bearer token from the token endpoint, for an active client, within its rate.

Tokens are issued by django-oauth-toolkit and checked here the way it checks them — the token's
row found by the SHA-256 of the token (its ``token_checksum``), not expired, carrying the scope
the operation needs — in one SQL statement that also reads the client behind it, which must
still be active, so revoking a client stops it at once even if a token were somehow left
behind. Nothing is cached between requests: a revoked or expired token fails on its next use.
(The toolkit's own check built an oauthlib request and ran two ORM queries: about 3.5 ms of a
query's 26 ms of Python; this is a fraction of one, docs/api.md.)

Rate limits use the ``limits`` library (a moving window per client id) with the limit and
storage from settings (``JIGSAW_API_RATE_LIMIT``, ``JIGSAW_API_RATE_LIMIT_STORAGE``).
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

from django.conf import settings
from django.db import connections
from django.http import HttpRequest
from django.utils import timezone
from limits import parse_many, storage, strategies
from oauth2_provider.models import get_access_token_model, get_application_model

from jigsaw.api.models import ApiClient
from jigsaw.records.models import Agency


class Unauthorised(Exception):
    """No valid token: 401 (``error`` is RFC 6750's code for the WWW-Authenticate header)."""

    def __init__(self, message: str, error: str = "invalid_token") -> None:
        super().__init__(message)
        self.error = error


class Forbidden(Exception):
    """A valid token without the scope the operation needs: 403."""


class Throttled(Exception):
    """Over the client's rate: 429, with the seconds until it may try again."""

    def __init__(self, retry_after: int) -> None:
        super().__init__("too many requests from this client: slow down and retry later")
        self.retry_after = retry_after


@dataclass(frozen=True)
class Authorised:
    """The client a valid token belongs to, as the view and the access log need it."""

    name: str
    client_id: str  # the OAuth2 client id
    agency: str  # the agency answerable for the client's queries
    scopes: frozenset[str]


@cache
def _token_sql() -> str:
    token, app = get_access_token_model()._meta.db_table, get_application_model()._meta.db_table
    return (f"SELECT t.expires, t.scope, c.name, c.scopes, a.client_id, g.name FROM {token} t "  # noqa: S608
            f"JOIN {ApiClient._meta.db_table} c ON c.application_id = t.application_id "
            f"JOIN {app} a ON a.id = t.application_id "
            f"JOIN {Agency._meta.db_table} g ON g.id = c.agency_id "
            "WHERE t.token_checksum = %s AND c.revoked_at IS NULL")


def authorise(request: HttpRequest, scope: str, using: str) -> Authorised:
    """The active client behind the request's bearer token, holding ``scope``; else raises."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if not header:
        raise Unauthorised("a bearer token is required: get one from the token endpoint", "invalid_request")
    if not header.startswith("Bearer ") or not header[7:].strip():
        raise Unauthorised("the Authorization header must be 'Bearer <token>'", "invalid_request")
    checksum = hashlib.sha256(header[7:].strip().encode("utf-8")).hexdigest()
    with connections[using].cursor() as cur:
        cur.execute(_token_sql(), [checksum])
        row = cur.fetchone()
    if row is None:  # unknown, revoked (its tokens are deleted), or its client is not active
        raise Unauthorised("the bearer token is not valid (unknown, expired or revoked)")
    expires, token_scope, name, client_scopes, client_id, agency = row
    if isinstance(expires, str):  # SQLite hands back text
        expires = datetime.fromisoformat(expires)
    if timezone.is_naive(expires):
        expires = expires.replace(tzinfo=UTC)  # stored in UTC (USE_TZ)
    if expires <= timezone.now():
        raise Unauthorised("the bearer token is not valid (unknown, expired or revoked)")
    if isinstance(client_scopes, str):
        client_scopes = json.loads(client_scopes)
    scopes = frozenset(token_scope.split()) & frozenset(client_scopes)
    if scope not in scopes:
        raise Forbidden(f"this client's token does not carry the {scope} scope")
    return Authorised(name, client_id, agency, scopes)


_limiter: tuple[str, strategies.RateLimiter] | None = None
_lock = threading.Lock()


def _rate_limiter() -> strategies.RateLimiter:
    """One limiter per process, rebuilt when the storage setting changes (tests override it)."""
    global _limiter
    uri = settings.JIGSAW_API_RATE_LIMIT_STORAGE
    with _lock:
        if _limiter is None or _limiter[0] != uri:
            _limiter = (uri, strategies.MovingWindowRateLimiter(storage.storage_from_string(uri)))
        return _limiter[1]


def throttle(client_id: str) -> None:
    """Count one request for the client; :class:`Throttled` once over any configured limit."""
    limiter = _rate_limiter()
    for limit in parse_many(settings.JIGSAW_API_RATE_LIMIT):
        if not limiter.hit(limit, "api", client_id):
            reset = limiter.get_window_stats(limit, "api", client_id).reset_time
            raise Throttled(max(1, int(reset - time.time()) + 1))
