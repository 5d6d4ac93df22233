"""Who is acting on the command line: a named Jigsaw account, never the operating-system user.

A chronology or a search read at a terminal is a read of a child like any other, so the
command acts as an account (``--as USER``, else ``JIGSAW_USER``) and is held to the same rules
as the pages: an active account whose role gives the area (:data:`jigsaw.accounts.roles.ROLE_AREAS`)
and, for an area that shows children, a current background check and training. The one thing
the command line cannot ask is the one-time code; whoever runs it already holds the database,
so the access log records the account with the role it had, and the ``cli`` user agent.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model

from .roles import ROLE_AREAS, VETTED_AREAS, vetting_problem


class OperatorError(ValueError):
    """No account, or one that may not do this (the message says which and why)."""


@dataclass(frozen=True)
class Operator:
    username: str
    role: str
    agency: str


def operator(as_user: str | None, area: str, using: str = "default") -> Operator:
    """The account the command acts as, checked for ``area``; raises :class:`OperatorError`."""
    name = (as_user or "").strip()  # the command's --as, or its JIGSAW_USER default
    if not name:
        raise OperatorError("name the Jigsaw account you act as: --as USER (or set JIGSAW_USER)")
    user = (
        get_user_model()
        .objects.using(using)
        .select_related("profile", "profile__agency")
        .filter(username=name)
        .first()
    )
    profile = getattr(user, "profile", None) if user is not None else None
    if user is None or not user.is_active or profile is None:
        raise OperatorError(f"there is no active Jigsaw account {name!r}")
    if area not in ROLE_AREAS.get(profile.role, frozenset()):
        raise OperatorError(f"the account {name!r} ({profile.role}) may not use {area}")
    if area in VETTED_AREAS:
        problem = vetting_problem(user)
        if problem:
            raise OperatorError(f"the account {name!r} may not use {area}: {problem}")
    return Operator(user.get_username(), profile.role, profile.agency.name if profile.agency_id else "")
