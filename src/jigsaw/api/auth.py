"""Who is calling: a bearer token from the token endpoint, for an active client, within its rate.

Tokens are checked by django-oauth-toolkit (its oauthlib core: the token exists, has not expired
and carries the scope the operation needs). The client behind it must also still be active
here, so revoking a client stops it at once even if a token were somehow left behind.

Rate limits use the ``limits`` library (a moving window per client id) with the limit and
storage from settings (``JIGSAW_API_RATE_LIMIT``, ``JIGSAW_API_RATE_LIMIT_STORAGE``).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from limits import parse_many, storage, strategies
from oauth2_provider.oauth2_backends import get_oauthlib_core

from jigsaw.api.models import ApiClient


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
    client: ApiClient
    scopes: frozenset[str]


def authorise(request: HttpRequest, scope: str, using: str) -> Authorised:
    """The active client behind the request's bearer token, holding ``scope``; else raises."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if not header:
        raise Unauthorised("a bearer token is required: get one from the token endpoint", "invalid_request")
    if not header.startswith("Bearer ") or not header[7:].strip():
        raise Unauthorised("the Authorization header must be 'Bearer <token>'", "invalid_request")
    valid, oauth = get_oauthlib_core().verify_request(request, scopes=[])
    if not valid or oauth is None or oauth.access_token is None:
        raise Unauthorised("the bearer token is not valid (unknown, expired or revoked)")
    token = oauth.access_token
    client = (ApiClient.objects.using(using).select_related("agency", "application")
              .filter(application_id=token.application_id, revoked_at__isnull=True).first())
    if client is None:
        raise Unauthorised("the client behind this token is not active")
    scopes = frozenset(token.scope.split()) & frozenset(client.scopes)
    if scope not in scopes:
        raise Forbidden(f"this client's token does not carry the {scope} scope")
    return Authorised(client, scopes)


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
