"""Sign-ins, sign-outs and changes to accounts, written to the access log.

``jigsaw.accounts.events`` announces them without knowing about the log; they are connected
here when the audit app is ready. An auditor can then answer "when was this account used, and
from where" beside "what did it look at". A failed attempt names the account only if one by that name
exists: people sometimes type their password into the username box, and the log must not keep it.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import router
from django.http import HttpRequest

from jigsaw.accounts import events

from .actor import Actor
from .log import record
from .models import AccessEntry, Action

UNKNOWN_ACCOUNT = "(no such account)"


def _write(request: HttpRequest, action: str, username: str, user: Any, detail: dict[str, Any]) -> None:
    using = router.db_for_write(AccessEntry)
    if user is None:  # a failed password: the account typed, if there is one
        user = get_user_model()._default_manager.db_manager(using).filter(username=username).first()
        username = username if user is not None else UNKNOWN_ACCOUNT
    profile = getattr(user, "profile", None) if user is not None else None
    agency = profile.agency.name if profile is not None and profile.agency_id else ""
    meta = request.META
    record(username, profile.role if profile else "", agency, action, detail=detail, using=using,
           remote_addr=meta.get("REMOTE_ADDR", ""), user_agent=meta.get("HTTP_USER_AGENT", ""))


def _signed_in(sender: Any, *, request: HttpRequest, username: str, user: Any = None,
               enrolled: bool = False, **_: Any) -> None:
    _write(request, Action.SIGN_IN, username, user, {"enrolled_authenticator": True} if enrolled else {})


def _sign_in_failed(sender: Any, *, request: HttpRequest, username: str, user: Any = None,
                    reason: str = "", **_: Any) -> None:
    _write(request, Action.SIGN_IN_FAILED, username, user, {"step": reason})


def _signed_out(sender: Any, *, request: HttpRequest, username: str, user: Any = None, **_: Any) -> None:
    _write(request, Action.SIGN_OUT, username, user, {})


def _password_changed(sender: Any, *, request: HttpRequest, using: str, **_: Any) -> bool:
    Actor.of(request).log(Action.PASSWORD_CHANGE, using=using)
    return True


def _administered(sender: Any, *, request: HttpRequest, using: str, detail: dict[str, Any], **_: Any) -> bool:
    Actor.of(request).log(Action.ADMIN, using=using, detail=detail)
    return True


def connect() -> None:
    """Called once from ``AuditConfig.ready``; ``dispatch_uid`` keeps a second call harmless."""
    events.signed_in.connect(_signed_in, dispatch_uid="jigsaw.audit.signed_in")
    events.sign_in_failed.connect(_sign_in_failed, dispatch_uid="jigsaw.audit.sign_in_failed")
    events.signed_out.connect(_signed_out, dispatch_uid="jigsaw.audit.signed_out")
    events.password_changed.connect(_password_changed, dispatch_uid="jigsaw.audit.password_changed")
    events.administered.connect(_administered, dispatch_uid="jigsaw.audit.administered")
