"""Who may use which part of Jigsaw: one table from role to areas, and the checks views call.

The table is the single place access is decided, so a review can read it in one glance and a
test can compare every URL against it. Areas:

- ``search``: find a child in the signposting index (who else is involved, no case detail)
- ``child``: open a child's record (chronology, signposts); also needs current vetting
- ``alerts``: see, confirm and dismiss alerts
- ``review``: case reviews and action plans
- ``audit``: read the access log
- ``admin``: administer users and agencies
- ``aggregates``: partnership figures, never an identifiable child

The roles follow the issue: an analyst and a board member see aggregates only, an auditor the audit
log only, an
administrator no case data by default, and only the case roles may open a child's record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils import timezone


class Role(models.TextChoices):
    PRACTITIONER = "practitioner", "Practitioner"
    HUB_OFFICER = "hub_officer", "Hub officer"
    SOCIAL_WORKER = "social_worker", "Allocated social worker"
    SAFEGUARDING_LEAD = "safeguarding_lead", "Safeguarding lead"
    ANALYST = "analyst", "Analyst"
    BOARD_MEMBER = "board_member", "Board member"
    AUDITOR = "auditor", "Auditor"
    ADMINISTRATOR = "administrator", "Administrator"


AREAS = ("search", "child", "alerts", "review", "audit", "admin", "aggregates")

ROLE_AREAS: dict[str, frozenset[str]] = {
    # a practitioner sees a child in the context of their own agency's involvement
    Role.PRACTITIONER: frozenset({"search", "child"}),
    # the multi-agency hub triages contacts and the alerts they raise
    Role.HUB_OFFICER: frozenset({"search", "child", "alerts"}),
    Role.SOCIAL_WORKER: frozenset({"search", "child", "alerts", "review"}),
    Role.SAFEGUARDING_LEAD: frozenset({"search", "child", "alerts", "review", "aggregates"}),
    Role.ANALYST: frozenset({"aggregates"}),
    # the safeguarding partnership's board reads the partnership picture: aggregates, never a child
    Role.BOARD_MEMBER: frozenset({"aggregates"}),
    Role.AUDITOR: frozenset({"audit"}),
    Role.ADMINISTRATOR: frozenset({"admin"}),
}

# Roles limited to their own agency's context on a child's record (jigsaw.signpost.scope): they
# may open only a child their agency holds or is involved with, and see their agency's events.
AGENCY_SCOPED_ROLES = frozenset({Role.PRACTITIONER})

# Roles that work with identifiable children: the vetting rules apply to them.
CASE_ROLES = frozenset(role for role, areas in ROLE_AREAS.items() if "child" in areas)

# Areas that show identifiable children (a search result, an alert, a pair of records to link):
# each needs current vetting and training, decided here once for every page and command.
VETTED_AREAS = frozenset({"search", "child", "alerts", "review"})


def role_of(user: Any) -> str | None:
    """The user's role, or None for an anonymous user or one without a profile."""
    if not getattr(user, "is_authenticated", False):
        return None
    profile = getattr(user, "profile", None)
    return profile.role if profile is not None else None


def is_verified(user: Any) -> bool:
    """Signed in with a password *and* a one-time code (django-otp's flag on the request user)."""
    check = getattr(user, "is_verified", None)
    return bool(getattr(user, "is_authenticated", False) and callable(check) and check())


def may(user: Any, area: str) -> bool:
    """Whether a verified user's role allows the area, and, for an area that shows identifiable
    children (:data:`VETTED_AREAS`), their vetting and training are current. Unknown areas are
    refused, never allowed."""
    return refusal(user, area) is None


def refusal(user: Any, area: str) -> str | None:
    """Why the user may not use ``area`` (the role, else the vetting), or None when they may."""
    if area not in AREAS:
        raise ValueError(f"unknown area {area!r}")
    role = role_of(user)
    if not (is_verified(user) and role is not None and area in ROLE_AREAS.get(role, frozenset())):
        return f"your role does not give access to {area}"
    if area in VETTED_AREAS:
        problem = vetting_problem(user)
        if problem:
            return f"you cannot use {area}: {problem}"
    return None


def vetting_lapses_on(checked_on: dt.date) -> dt.date:
    """The day a background check stops counting: ``JIGSAW_VETTING_YEARS`` after the check."""
    years = settings.JIGSAW_VETTING_YEARS
    try:
        return checked_on.replace(year=checked_on.year + years)
    except ValueError:  # 29 February -> 1 March in a non-leap year
        return checked_on.replace(year=checked_on.year + years, month=3, day=1)


def vetting_problem(user: Any, today: dt.date | None = None) -> str | None:
    """Why the user's vetting does not allow case access, or None when it does."""
    profile = getattr(user, "profile", None)
    if profile is None:
        return "no account profile"
    today = today or timezone.localdate()
    if profile.vetting_checked_on is None:
        return "no enhanced background check recorded"
    if profile.vetting_checked_on > today:
        return "background check date is in the future"
    if today >= vetting_lapses_on(profile.vetting_checked_on):
        return "enhanced background check has lapsed"
    if profile.training_completed_on is None or profile.training_completed_on > today:
        return "safeguarding training not completed"
    return None


def can_open_child_record(user: Any, today: dt.date | None = None) -> bool:
    """The check a child's record calls before showing anything.

    Signed in with a one-time code, in a role with case access, vetted within
    ``JIGSAW_VETTING_YEARS`` and trained. Agency scoping (a practitioner sees their own agency's
    context) is the record page's job on top of this.
    """
    role = role_of(user)
    return (is_verified(user) and "child" in ROLE_AREAS.get(role or "", frozenset())
            and vetting_problem(user, today) is None)


def require_area(area: str) -> Callable:
    """View decorator: 403 unless the signed-in user's role allows ``area``."""
    if area not in AREAS:
        raise ValueError(f"unknown area {area!r}")

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            problem = refusal(request.user, area)
            if problem:
                raise PermissionDenied(problem)
            return view(request, *args, **kwargs)

        wrapped.jigsaw_area = area  # type: ignore[attr-defined]
        return wrapped

    return decorator


def require_child_access(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """View decorator for a child's record: role, vetting and training, else 403 with the reason."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not (is_verified(request.user) and "child" in ROLE_AREAS.get(role_of(request.user) or "", ())):
            raise PermissionDenied("your role does not give access to children's records")
        problem = vetting_problem(request.user)
        if problem:
            raise PermissionDenied(f"you cannot open a child's record: {problem}")
        return view(request, *args, **kwargs)

    wrapped.jigsaw_area = "child"  # type: ignore[attr-defined]
    return wrapped


def areas_for(user: Any) -> frozenset[str]:
    """The areas a verified user may use (for navigation); empty when not verified."""
    role = role_of(user)
    if not is_verified(user) or role is None:
        return frozenset()
    return frozenset(area for area in ROLE_AREAS.get(role, frozenset()) if may(user, area))
