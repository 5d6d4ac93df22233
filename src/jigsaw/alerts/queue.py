"""The hub's alert queue: filter, sort and page, most urgent first.

"Most urgent" is severity (high, medium, low) and then the deadline its rule sets
(:mod:`jigsaw.alerts.due`, earliest first, none last), then when it was raised: the order a hub
officer works. A past deadline on an alert not yet closed is *overdue*. Closed alerts stay
findable (``status=closed``) with their history; an alert waiting for a second person to confirm
its close is ``status=waiting``. Every value comes from a fixed list, so a forged parameter is
simply ignored (the default is used), never an error or a query on free text.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import timedelta
from typing import Any

from django.db.models import Case, Exists, IntegerField, OuterRef, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.http import QueryDict
from django.utils import timezone

from jigsaw.accounts.roles import Role, role_of

from .models import Alert, CloseRequest

PAGE_SIZE = 25
SEVERITIES = ("high", "medium", "low")
STATUSES = {"open": "Open and acknowledged", "waiting": "Waiting for a second person to confirm closing",
            "closed": "Closed", "all": "All"}
DUE = {"overdue": "Overdue", "week": "Due in the next 7 days", "none": "No deadline"}
SORTS = {"urgent": "Most urgent first", "due": "Due date, earliest first", "raised": "Newest first",
         "rule": "Rule"}
HUB = "hub"
ME = "me"

#: Roles that work the whole queue; everyone else sees the alerts assigned to their account.
WHOLE_QUEUE = frozenset({Role.HUB_OFFICER})


def visible_to(user: Any, using: str) -> QuerySet[Alert]:
    """The alerts this account may see and act on, on a page or at a terminal alike."""
    alerts = Alert.objects.using(using)
    if role_of(user) in WHOLE_QUEUE:
        return alerts
    return alerts.filter(assignee_id=user.pk)


@dataclass(frozen=True)
class QueueQuery:
    """What the user asked the queue for (each value checked against its list)."""

    status: str = "open"
    severity: str = ""
    rule: str = ""
    due: str = ""
    agency: str = ""  # the assigned account's agency id, or "hub" (not assigned)
    assignee: str = ""  # an account id, "me" or "hub"
    sort: str = "urgent"
    page: int = 1

    @classmethod
    def from_params(cls, params: QueryDict, rules: set[str], agencies: set[str],
                    accounts: set[str]) -> QueueQuery:
        def pick(name: str, allowed: Any, default: str = "") -> str:
            value = params.get(name, "")
            return value if value in allowed else default

        try:
            page = max(1, int(params.get("page", "1")))
        except ValueError:
            page = 1
        return cls(status=pick("status", STATUSES, "open"), severity=pick("severity", SEVERITIES),
                   rule=pick("rule", rules), due=pick("due", DUE), agency=pick("agency", agencies | {HUB}),
                   assignee=pick("assignee", accounts | {HUB, ME}), sort=pick("sort", SORTS, "urgent"),
                   page=page)

    def params(self, **change: Any) -> str:
        """This query as a URL query string, with ``change`` applied (the page resets unless given)."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update(page=1)
        values.update(change)
        defaults = QueueQuery()
        parts = [(k, v) for k, v in values.items() if v != getattr(defaults, k)]
        qd = QueryDict(mutable=True)
        for k, v in parts:
            qd[k] = str(v)
        return qd.urlencode()


def severity_rank() -> Case:
    return Case(*(When(severity=s, then=Value(i)) for i, s in enumerate(SEVERITIES)),
                default=Value(len(SEVERITIES)), output_field=IntegerField())


def apply(alerts: QuerySet[Alert], query: QueueQuery, user_id: int) -> QuerySet[Alert]:
    """The alerts the query selects, in its order."""
    now = timezone.now()
    waiting = Exists(CloseRequest.objects.filter(alert=OuterRef("pk"), status=CloseRequest.PENDING))
    alerts = alerts.annotate(waiting=waiting)
    if query.status == "open":
        alerts = alerts.filter(status__in=[Alert.OPEN, Alert.ACKNOWLEDGED])
    elif query.status == "waiting":
        alerts = alerts.filter(status__in=[Alert.OPEN, Alert.ACKNOWLEDGED], waiting=True)
    elif query.status == "closed":
        alerts = alerts.filter(status=Alert.CLOSED)
    if query.severity:
        alerts = alerts.filter(severity=query.severity)
    if query.rule:
        alerts = alerts.filter(rule_id=query.rule)
    if query.due == "overdue":
        alerts = alerts.filter(due_at__lt=now).exclude(status=Alert.CLOSED)
    elif query.due == "week":
        alerts = alerts.filter(due_at__gte=now, due_at__lt=now + timedelta(days=7))
    elif query.due == "none":
        alerts = alerts.filter(due_at__isnull=True)
    if query.agency == HUB:
        alerts = alerts.filter(assignee__isnull=True)
    elif query.agency:
        alerts = alerts.filter(assignee__profile__agency_id=int(query.agency))
    if query.assignee == HUB:
        alerts = alerts.filter(assignee__isnull=True)
    elif query.assignee == ME:
        alerts = alerts.filter(assignee_id=user_id)
    elif query.assignee:
        alerts = alerts.filter(assignee_id=int(query.assignee))
    far = now + timedelta(days=365 * 100)
    if query.sort == "due":
        return alerts.order_by(Coalesce("due_at", Value(far)), severity_rank(), "pk")
    if query.sort == "raised":
        return alerts.order_by("-raised_at", "-pk")
    if query.sort == "rule":
        return alerts.order_by("rule_id", severity_rank(), Coalesce("due_at", Value(far)), "pk")
    return most_urgent_first(alerts, far)


def most_urgent_first(alerts: QuerySet[Alert], far: Any = None) -> QuerySet[Alert]:
    """The queue's default order: severity, then deadline (none last), then the oldest raised.

    The home page's few alerts are read in this order with nothing else of :func:`apply` (no
    filters, no "waiting" subquery), which it does not show.
    """
    far = far or timezone.now() + timedelta(days=365 * 100)
    return alerts.order_by(severity_rank(), Coalesce("due_at", Value(far)), "raised_at", "pk")


def is_overdue(alert: Alert, now: Any = None) -> bool:
    """Past its deadline and not closed."""
    now = now or timezone.now()
    return alert.status != Alert.CLOSED and alert.due_at is not None and alert.due_at < now
