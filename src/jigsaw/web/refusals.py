"""Refused requests are recorded, not just answered: the 403 page, CSRF failures, forged sessions.

Every refusal of a signed-in user (a role without the area, another agency's child, a lapsed
check, a post without its CSRF token) writes a ``refused`` entry to the access log: who, what
page, which child if the address named one, and why. An auditor can then see attempts as well
as accesses. Refusals of someone not signed in cannot name a user, so they go to the
application log, with the method and the kind of refusal only (no address, no cookie value).
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import render
from django.template import loader

from jigsaw.accounts.roles import is_verified
from jigsaw.audit.actor import Actor, db
from jigsaw.audit.models import Action

logger = logging.getLogger("jigsaw.security")


def record_refusal(request: HttpRequest, why: str) -> None:
    """One access-log entry for a verified user's refused request; an app-log line otherwise."""
    if not is_verified(getattr(request, "user", None)):
        logger.warning("refused an unsigned-in %s request: %s", request.method, why.split(":")[0])
        return

    match = getattr(request, "resolver_match", None)
    kwargs = match.kwargs if match else {}
    person = kwargs.get("person_id")
    Actor.of(request).log(Action.REFUSED, using=db(), person_id=person if isinstance(person, int) else None,
                          detail={"view": match.view_name if match else "", "method": request.method,
                                  "why": why[:200]})


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """``handler403``: the GOV.UK refusal page, after recording the refusal."""
    why = str(exception) if isinstance(exception, PermissionDenied) and str(exception) else "no access"
    record_refusal(request, why)
    return render(request, "403.html", {"exception": why if why != "no access" else ""}, status=403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """``CSRF_FAILURE_VIEW``: a post without a valid token is refused, recorded, and nothing done."""
    record_refusal(request, f"csrf: {reason}"[:200])
    page = loader.render_to_string("403.html", {"exception": "the form had expired or did not come "
                                                "from Jigsaw; go back, reload the page and try again"},
                                   request)
    return HttpResponseForbidden(page)
