"""Closing an alert from the queue: a high-severity alert needs a second, different person.

A high-severity pattern (an injury to a non-mobile baby, domestic abuse with children present)
is the kind reviews find closed too early by one person's judgement. So the first person's close
is a *request* (:class:`jigsaw.alerts.models.CloseRequest`) with their outcome and reason; the
alert stays open and in the queue, marked "waiting for a second person", until another account
confirms it (then it closes with both names in its history) or the first withdraws it. Which
severities need two people is :data:`TWO_PERSON_SEVERITIES` (a partnership may widen it).
Lower severities close at once, as :func:`jigsaw.alerts.lifecycle.close` always has.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from jigsaw.alerts import lifecycle
from jigsaw.alerts.lifecycle import AlertError
from jigsaw.alerts.models import Alert, AlertAction, CloseRequest

#: Severities whose close needs a second account to confirm it.
TWO_PERSON_SEVERITIES = frozenset({"high"})


_PENDING = (f"SELECT * FROM {CloseRequest._meta.db_table} WHERE alert_id = %s AND status = %s "  # noqa: S608
            "ORDER BY id LIMIT 1")


def pending(alert_id: int, using: str) -> CloseRequest | None:
    """The close request waiting on this alert, if any (a raw query: every alert page asks, and
    seldom finds one; its requester is read when shown)."""
    found = CloseRequest.objects.using(using).raw(_PENDING, [alert_id, CloseRequest.PENDING])
    return next(iter(found), None)


def ask_to_close(alert: Alert, outcome: str, reason: str, user: Any, using: str) -> bool:
    """Close the alert, or for a high-severity one record the request; True when it closed now."""
    if alert.severity not in TWO_PERSON_SEVERITIES:
        lifecycle.close(alert.pk, outcome, reason, user.get_username(), using)
        return True
    if outcome not in (Alert.ACTIONED, Alert.DISMISSED):
        raise AlertError("close an alert as 'actioned' or 'dismissed'")
    if not reason or not reason.strip():
        raise AlertError("give a reason for closing the alert (it is kept with who closed it)")
    with transaction.atomic(using=using):
        locked = Alert.objects.using(using).select_for_update().get(pk=alert.pk)
        if locked.status == Alert.CLOSED:
            raise AlertError(f"alert {alert.pk} is already closed ({locked.outcome})")
        if locked.raised_by and locked.raised_by == user.get_username():
            raise AlertError("this alert records your own override: someone else must act on it")
        if pending(alert.pk, using) is not None:
            raise AlertError("a request to close this alert is already waiting for a second person")
        CloseRequest.objects.using(using).create(alert=locked, outcome=outcome, reason=reason.strip(),
                                                 requested_by=user)
        AlertAction.objects.using(using).create(
            alert=locked, action=AlertAction.CLOSE_REQUESTED, by=user.get_username(),
            reason=f"{outcome}: {reason.strip()}")
    return False


def confirm_close(alert: Alert, user: Any, using: str) -> None:
    """A second, different account confirms the waiting request: the alert closes."""
    with transaction.atomic(using=using):
        request = pending(alert.pk, using)
        if request is None:
            raise AlertError("there is no request to close this alert waiting for confirmation")
        if request.requested_by_id == user.pk:
            raise AlertError("a second person must confirm closing a high-severity alert, "
                             "not the one who asked")
        request.status, request.decided_by, request.decided_at = CloseRequest.CONFIRMED, user, timezone.now()
        request.save(using=using, update_fields=["status", "decided_by", "decided_at"])
        lifecycle.close(alert.pk, request.outcome,
                        f"{request.reason} (asked by {request.requested_by.get_username()}, "
                        f"confirmed by {user.get_username()})", user.get_username(), using)


def withdraw_close(alert: Alert, user: Any, using: str) -> None:
    """The person who asked takes the request back; the alert stays open."""
    with transaction.atomic(using=using):
        request = pending(alert.pk, using)
        if request is None or request.requested_by_id != user.pk:
            raise AlertError("only the person who asked to close this alert can withdraw the request")
        request.status, request.decided_by, request.decided_at = CloseRequest.WITHDRAWN, user, timezone.now()
        request.save(using=using, update_fields=["status", "decided_by", "decided_at"])
        AlertAction.objects.using(using).create(alert=alert, action=AlertAction.CLOSE_WITHDRAWN,
                                                by=user.get_username())
