"""An alert's life: open -> acknowledged -> closed as actioned or dismissed, every step recorded.

A person confirms or dismisses every alert, with a reason (DESIGN: rules, never opaque scores);
escalation sends it to the safeguarding hub's queue and says why.
"""

from __future__ import annotations

from django.db import transaction

from jigsaw.alerts.assign import assignable
from jigsaw.alerts.models import Alert, AlertAction
from jigsaw.alerts.store import HUB


class AlertError(ValueError):
    """A step that cannot be taken (the message says why and what to do)."""


def _get(alert_id: int, using: str, by: str = "") -> Alert:
    alert = Alert.objects.using(using).select_for_update().filter(pk=alert_id).first()
    if alert is None:
        raise AlertError(f"there is no alert {alert_id}; list them with `jigsaw alerts`")
    if alert.raised_by and by.strip() == alert.raised_by:
        raise AlertError("this alert records your own override: someone else must act on it")
    return alert


def _who(by: str) -> str:
    if not by or not by.strip():
        raise AlertError("say who is acting on the alert")
    return by.strip()


def acknowledge(alert_id: int, by: str, using: str = "default") -> Alert:
    with transaction.atomic(using=using):
        alert = _get(alert_id, using, by)
        if alert.status != Alert.OPEN:
            raise AlertError(f"alert {alert_id} is {alert.status}, not open")
        alert.status = Alert.ACKNOWLEDGED
        alert.save(using=using, update_fields=["status", "updated_at"])
        AlertAction.objects.using(using).create(alert=alert, action=AlertAction.ACKNOWLEDGED, by=_who(by))
    return alert


def close(alert_id: int, outcome: str, reason: str, by: str, using: str = "default") -> Alert:
    """Close as ``actioned`` or ``dismissed``; a reason is always required."""
    if outcome not in (Alert.ACTIONED, Alert.DISMISSED):
        raise AlertError("close an alert as 'actioned' or 'dismissed'")
    if not reason or not reason.strip():
        raise AlertError(
            f"give a reason for {'dismissing' if outcome == Alert.DISMISSED else 'closing'} "
            "the alert (it is kept with who closed it)"
        )
    with transaction.atomic(using=using):
        alert = _get(alert_id, using, by)
        if alert.status == Alert.CLOSED:
            raise AlertError(f"alert {alert_id} is already closed ({alert.outcome})")
        alert.status, alert.outcome = Alert.CLOSED, outcome
        alert.save(using=using, update_fields=["status", "outcome", "updated_at"])
        AlertAction.objects.using(using).create(
            alert=alert, action=outcome, by=_who(by), reason=reason.strip()
        )
    return alert


def escalate(alert_id: int, reason: str, by: str, using: str = "default") -> Alert:
    """Send an open or acknowledged alert to the safeguarding hub's queue."""
    if not reason or not reason.strip():
        raise AlertError("give a reason for escalating the alert")
    with transaction.atomic(using=using):
        alert = _get(alert_id, using, by)
        if alert.status == Alert.CLOSED:
            raise AlertError(f"alert {alert_id} is closed; a closed alert cannot be escalated")
        alert.routed_to = f"{HUB} (escalated from {alert.routed_to})"[:300]
        alert.assignee = None  # the hub's queue
        alert.save(using=using, update_fields=["routed_to", "assignee", "updated_at"])
        AlertAction.objects.using(using).create(
            alert=alert, action=AlertAction.ESCALATED, by=_who(by), reason=reason.strip()
        )
    return alert


def assign(alert_id: int, account_id: int | None, by: str, using: str = "default") -> Alert:
    """Give an open alert to one named account (None: back to the hub's queue), recording who did.

    Only an active account whose role works alerts may receive one (:func:`jigsaw.alerts.assign.assignable`).
    """
    names = dict(assignable(using))
    if account_id is not None and account_id not in names:
        raise AlertError("choose an active account that works alerts")
    with transaction.atomic(using=using):
        alert = _get(alert_id, using, by)
        if alert.status == Alert.CLOSED:
            raise AlertError(f"alert {alert_id} is closed; reopen it by raising a new one")
        alert.assignee_id = account_id
        alert.save(using=using, update_fields=["assignee", "updated_at"])
        to = names[account_id] if account_id is not None else HUB
        AlertAction.objects.using(using).create(alert=alert, action=AlertAction.ASSIGNED, by=_who(by),
                                                reason=f"assigned to {to}")
    return alert
