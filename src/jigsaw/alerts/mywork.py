"""The alerts part of a user's home page: their own open alerts, most urgent first, and what is overdue.

A hub officer's own work is the hub's unassigned queue as well as what is assigned to them; every
other alerts role sees only what is assigned to their account (:mod:`jigsaw.alerts.assign`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from jigsaw.accounts.roles import Role, may, role_of

from . import queue
from .models import Alert
from .people import describe_people


@dataclass
class MyAlerts:
    """The first few of a user's open alerts, how many there are, and how many are overdue."""

    alerts: list[Alert]
    total: int
    overdue: int

    @property
    def person_ids(self) -> set[int]:
        """Everyone these alerts are about: the gate is asked about them before they are named."""
        return {p for alert in self.alerts for p in alert.person_ids}


def my_alerts(user: Any, using: str, limit: int = 5) -> MyAlerts | None:
    """The user's open alerts (None for a role without alerts), not yet naming anyone: the page
    asks the gate about these people with the rest of the page's (:func:`describe`).

    One query when the user has fewer than ``limit`` open alerts (they are all on the page, so
    they are counted here); else one more for both counts.
    """
    if not may(user, "alerts"):
        return None
    mine = Q(assignee_id=user.pk)
    if role_of(user) == Role.HUB_OFFICER:
        mine |= Q(assignee__isnull=True)
    open_ = Alert.objects.using(using).filter(mine, status__in=[Alert.OPEN, Alert.ACKNOWLEDGED])
    now = timezone.now()
    chosen = list(queue.most_urgent_first(open_)[:limit])
    for alert in chosen:
        alert.overdue = queue.is_overdue(alert, now)
    if len(chosen) < limit:
        return MyAlerts(chosen, len(chosen), sum(1 for alert in chosen if alert.overdue))
    counts = open_.aggregate(total=Count("pk"), overdue=Count("pk", filter=Q(due_at__lt=now)))
    return MyAlerts(chosen, counts["total"], counts["overdue"])


def describe(mine: MyAlerts, using: str, hidden: set[int]) -> list[tuple[int, dict[str, Any]]]:
    """Name the people on the alerts (``hidden``: the protected among them, from the gate), and
    return the access-log entries (person, detail) of those named; a protected person is not."""
    people = describe_people(mine.person_ids, using, hidden=hidden & mine.person_ids)
    for alert in mine.alerts:
        alert.lines = [people[p] for p in alert.person_ids if p in people]
    return [(line.person_id, {"alert": alert.pk, "rule": alert.rule_id, "home": True})
            for alert in mine.alerts for line in alert.lines if not line.protected]
