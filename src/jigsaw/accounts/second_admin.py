"""Two administrators for a change that could open children's records to someone.

An administrator has no case access; giving an account case access, or taking over an account
by resetting its password or authenticator, would let one administrator give themselves (or a
friend) exactly that. So each needs a request by one administrator and the approval of another
(neither of them the account concerned), and the affected user sees it on their own page.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from . import passwords
from .models import AdminRequest, Profile
from .roles import CASE_ROLES
from .services import AccountError, reset_authenticator


def grants_case_access(old_role: str, new_role: str) -> bool:
    """Whether a change of role gives case access the account did not have."""
    return new_role in CASE_ROLES and old_role not in CASE_ROLES


def ask(operation: str, user_id: int, by_id: int, *, using: str, role: str = "") -> AdminRequest:
    """Record the request, awaiting a second administrator; one pending request per user and kind."""
    if operation not in dict(AdminRequest.OPERATIONS):
        raise AccountError("unknown kind of request")
    if user_id == by_id:
        raise AccountError("ask another administrator to make this change to your own account")
    with transaction.atomic(using=using):
        found = (
            AdminRequest.objects.using(using)
            .filter(operation=operation, user_id=user_id, status=AdminRequest.PENDING)
            .first()
        )
        if found is not None:
            return found
        return AdminRequest.objects.using(using).create(
            operation=operation, user_id=user_id, role=role, requested_by_id=by_id
        )


def decide(request_id: int, by_id: int, approve: bool, *, using: str) -> tuple[AdminRequest, Any]:
    """Approve (carry it out) or refuse a pending request; returns it and any one-time secret."""
    with transaction.atomic(using=using):
        request = AdminRequest.objects.using(using).select_for_update().filter(pk=request_id).first()
        if request is None or request.status != AdminRequest.PENDING:
            raise AccountError("there is no such pending request")
        if by_id in (request.requested_by_id, request.user_id):
            raise AccountError(
                "a second administrator, not the one who asked nor the user concerned, must decide"
            )
        request.status = AdminRequest.APPROVED if approve else AdminRequest.REFUSED
        request.decided_by_id, request.decided_at = by_id, timezone.now()
        request.save(using=using)
        secret: Any = None
        if approve:
            secret = _carry_out(request, using)
    return request, secret


def _carry_out(request: AdminRequest, using: str) -> Any:
    if request.operation == AdminRequest.GRANT:
        profile = Profile.objects.using(using).select_for_update().get(user_id=request.user_id)
        profile.role = request.role or profile.role
        profile.save(using=using, update_fields=["role"])
        user = get_user_model()._default_manager.db_manager(using).get(pk=request.user_id)
        if profile.agency_id is None or profile.agency.is_active:
            user.is_active = True
            user.save(using=using, update_fields=["is_active"])
        return None
    if request.operation == AdminRequest.RESET_AUTHENTICATOR:
        device, _removed = reset_authenticator(request.user_id, using=using)
        return device
    return passwords.set_temporary_password(request.user_id, using=using)


def pending(using: str) -> list[AdminRequest]:
    return list(
        AdminRequest.objects.using(using)
        .filter(status=AdminRequest.PENDING)
        .select_related("user", "requested_by")
        .order_by("requested_at", "pk")
    )


def about(user_id: int, using: str) -> list[AdminRequest]:
    """Every request about this user, newest first (shown to them)."""
    return list(
        AdminRequest.objects.using(using)
        .filter(user_id=user_id)
        .select_related("requested_by", "decided_by")
        .order_by("-requested_at", "-pk")
    )
