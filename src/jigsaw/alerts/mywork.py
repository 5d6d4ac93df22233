"""The alerts part of a user's home page: their own open alerts, most urgent first, and what is overdue.

A hub officer's own work is the hub's unassigned queue as well as what is assigned to them; every
other alerts role sees only what is assigned to their account (:mod:`jigsaw.alerts.assign`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connections
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


#: A user's open alerts, as SQL: every home page asks, and compiling the queue's order (a CASE of
#: the severities) as a queryset cost more CPU than running it. The order is
#: :func:`queue.most_urgent_first`'s: severity, deadline (none last), oldest raised.
_MINE = "assignee_id = %s"
_MINE_AND_HUB = "(assignee_id = %s OR assignee_id IS NULL)"  # a hub officer's: the hub's unassigned too
_RANK = " ".join(f"WHEN '{s}' THEN {i}" for i, s in enumerate(queue.SEVERITIES))
_CHOSEN = (f"SELECT * FROM {Alert._meta.db_table} WHERE {{mine}} AND status IN (%s, %s) "  # noqa: S608
           f"ORDER BY CASE severity {_RANK} ELSE {len(queue.SEVERITIES)} END, due_at IS NULL, due_at, "
           "raised_at, id LIMIT %s")
_COUNTS = ("SELECT COUNT(*), SUM(CASE WHEN due_at < %s THEN 1 ELSE 0 END) "  # noqa: S608
           f"FROM {Alert._meta.db_table} WHERE {{mine}} AND status IN (%s, %s)")


def my_alerts(user: Any, using: str, limit: int = 5) -> MyAlerts | None:
    """The user's open alerts (None for a role without alerts), not yet naming anyone: the page
    asks the gate about these people with the rest of the page's (:func:`describe`).

    One query when the user has fewer than ``limit`` open alerts (they are all on the page, so
    they are counted here); else one more for both counts.
    """
    if not may(user, "alerts"):
        return None
    mine = _MINE_AND_HUB if role_of(user) == Role.HUB_OFFICER else _MINE
    params = [user.pk, Alert.OPEN, Alert.ACKNOWLEDGED]
    now = timezone.now()
    chosen = list(Alert.objects.using(using).raw(_CHOSEN.format(mine=mine), [*params, limit]))
    for alert in chosen:
        alert.overdue = queue.is_overdue(alert, now)
    if len(chosen) < limit:
        return MyAlerts(chosen, len(chosen), sum(1 for alert in chosen if alert.overdue))
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(_COUNTS.format(mine=mine), [connection.ops.adapt_datetimefield_value(now), *params])
        total, overdue = cursor.fetchone()
    return MyAlerts(chosen, total, overdue or 0)


def describe(mine: MyAlerts, using: str, hidden: set[int]) -> list[tuple[int, dict[str, Any]]]:
    """Name the people on the alerts (``hidden``: the protected among them, from the gate), and
    return the access-log entries (person, detail) of those named; a protected person is not."""
    people = describe_people(mine.person_ids, using, hidden=hidden & mine.person_ids)
    for alert in mine.alerts:
        alert.lines = [people[p] for p in alert.person_ids if p in people]
    return [(line.person_id, {"alert": alert.pk, "rule": alert.rule_id, "home": True})
            for alert in mine.alerts for line in alert.lines if not line.protected]
