"""Nothing without a verified sign-in: the one gate in front of every URL.

Deny by default: a view added later is protected without anyone remembering to decorate it.
The only ways through without a password *and* a one-time code are the sign-in pages themselves,
static files (GOV.UK Frontend's CSS, scripts, fonts) and the health check, which says nothing.
The gate runs before URL resolution, so an unknown address also sends an anonymous visitor to
sign in rather than revealing, by a 404, which addresses exist. A user signed in with a temporary
password from an administrator reaches only "Change your password" until they have chosen their own.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from .roles import is_verified

logger = logging.getLogger("jigsaw.security")

OPEN_URL_NAMES = ("accounts:sign-in", "accounts:code", "accounts:sign-out", "health")


def _must_change_password(user: Any) -> bool:
    profile = getattr(user, "profile", None)
    return bool(profile is not None and profile.must_change_password)


class RequireVerifiedSignIn:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._open_paths: frozenset[str] | None = None

    def open_paths(self) -> frozenset[str]:
        if self._open_paths is None:  # reverse() needs the URLconf, which is ready only now
            self._open_paths = frozenset(reverse(name) for name in OPEN_URL_NAMES)
        return self._open_paths

    def password_path(self) -> str:
        return reverse("accounts:password")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        static = "/" + settings.STATIC_URL.lstrip("/")
        if path in self.open_paths() or path.startswith(static):
            return self.get_response(request)
        if path.startswith(tuple(getattr(settings, "JIGSAW_TOKEN_AUTH_PREFIXES", ()))):
            return self.get_response(request)  # machine API: each view checks a bearer token
        if is_verified(request.user):
            if path != self.password_path() and _must_change_password(request.user):
                # a temporary password from an administrator: the user's own comes first
                query = urlencode({"next": request.get_full_path()})
                return HttpResponseRedirect(f"{self.password_path()}?{query}")
            return self.get_response(request)
        if settings.SESSION_COOKIE_NAME in request.COOKIES and not request.session.session_key:
            # a session cookie naming no live session: expired, signed out elsewhere, or forged
            logger.warning("unrecognised session cookie on a %s request: sent to sign in", request.method)
        # Half signed in (password only) goes to the code step; anyone else to the password step.
        step = "accounts:code" if request.user.is_authenticated else "accounts:sign-in"
        target = reverse(step)
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(target)
