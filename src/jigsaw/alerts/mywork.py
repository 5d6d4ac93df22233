"""The alerts part of a user's home page: their own open alerts, most urgent first, and what is overdue.

A hub officer's own work is the hub's unassigned queue as well as what is assigned to them; every
other alerts role sees only what is assigned to their account (:mod:`jigsaw.alerts.assign`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone

from jigsaw.accounts.roles import Role, may, role_of
from jigsaw.audit.actor import Actor
from jigsaw.audit.models import Action

from . import queue
from .models import Alert
from .people import PersonLine, describe_people


@dataclass
class MyAlerts:
    """The first few of a user's open alerts, how many there are, and how many are overdue."""

    alerts: list[Alert]
    total: int
    overdue: int


def my_alerts(user: Any, actor: Actor, using: str, limit: int = 5) -> MyAlerts | None:
    """The user's open alerts (None for a role without alerts), the people on them logged as shown."""
    if not may(user, "alerts"):
        return None
    mine = Q(assignee_id=user.pk)
    if role_of(user) == Role.HUB_OFFICER:
        mine |= Q(assignee__isnull=True)
    open_ = Alert.objects.using(using).filter(mine, status__in=[Alert.OPEN, Alert.ACKNOWLEDGED])
    now = timezone.now()
    chosen = list(queue.apply(open_, queue.QueueQuery(), user.pk)[:limit])
    people: dict[int, PersonLine] = describe_people({p for a in chosen for p in a.person_ids}, using)
    for alert in chosen:
        alert.lines = [people[p] for p in alert.person_ids if p in people]
        alert.overdue = queue.is_overdue(alert, now)
    shown = [(line.person_id, {"alert": alert.pk, "rule": alert.rule_id, "home": True})
             for alert in chosen for line in alert.lines if not line.protected]
    actor.log_many(Action.VIEW_ALERT, shown, using=using)
    return MyAlerts(chosen, open_.count(), open_.filter(due_at__lt=now).count())
