"""An alert, the people and events it is about, and every step of its lifecycle.

What is stored follows the research note's implementation notes (anchors-chronology-reviews
section 2.1): the rule id and version, the triggering chronology entries, a plain-language
explanation, the citation, the reviewer's decision with a reason, and timestamps.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from jigsaw.signpost.models import Person


class Alert(models.Model):
    OPEN, ACKNOWLEDGED, CLOSED = "open", "acknowledged", "closed"
    STATUSES = [(OPEN, "Open"), (ACKNOWLEDGED, "Acknowledged"), (CLOSED, "Closed")]
    ACTIONED, DISMISSED = "actioned", "dismissed"
    OUTCOMES = [(ACTIONED, "Actioned"), (DISMISSED, "Dismissed")]

    rule_id = models.CharField(max_length=40)
    rule_version = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    severity = models.CharField(max_length=10)
    mode = models.CharField(max_length=10)  # required | advisory
    pattern_key = models.CharField(max_length=300)
    people = models.ManyToManyField(Person, related_name="alerts")
    person_ids = models.JSONField(default=list)  # as raised, kept even if people are later merged
    event_keys = models.JSONField(default=list)  # "source_system:event_id", in time order
    first_at = models.DateTimeField()
    last_at = models.DateTimeField()
    uncertain = models.BooleanField(default=False)
    explanation = models.TextField()
    citation = models.TextField()
    route = models.CharField(max_length=40)
    routed_to = models.CharField(max_length=300)  # shown: whom the rule names, as the feed wrote it
    # who may see and act on it (jigsaw.alerts.assign): one account, or None for the hub's queue
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    raised_by = models.CharField(max_length=150, blank=True)  # an override's own user may not close it
    due_at = models.DateTimeField(null=True)  # from the rule's guidance (jigsaw.alerts.due)
    status = models.CharField(max_length=14, choices=STATUSES, default=OPEN)
    outcome = models.CharField(max_length=10, choices=OUTCOMES, blank=True)
    raised_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["rule_id", "pattern_key"]),
            models.Index(fields=["status", "raised_at"]),
        ]

    def __str__(self) -> str:  # ids only: str() may reach a log
        return f"alert {self.pk} ({self.rule_id})"


class AlertAction(models.Model):
    """One step of an alert's life: who did what, when, and why."""

    RAISED, UPDATED, ACKNOWLEDGED = "raised", "updated", "acknowledged"
    ESCALATED, ACTIONED, DISMISSED = "escalated", "actioned", "dismissed"
    ASSIGNED, CLOSE_REQUESTED, CLOSE_WITHDRAWN = "assigned", "close_asked", "close_dropped"
    ACTIONS = [*((a, a.title()) for a in (RAISED, UPDATED, ACKNOWLEDGED, ESCALATED, ACTIONED, DISMISSED,
                                          ASSIGNED)),
               (CLOSE_REQUESTED, "Asked a second person to confirm closing"),
               (CLOSE_WITHDRAWN, "Withdrew the request to close")]

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="actions")
    action = models.CharField(max_length=14, choices=ACTIONS)
    by = models.CharField(max_length=150)
    reason = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.action} alert {self.alert_id}"


class CloseRequest(models.Model):
    """A request to close a high-severity alert, waiting for a second, different account.

    Two people decide that a high-severity pattern needs no more action (the four-eyes rule of
    the issue: "closing a high-severity alert needs a second person"): the first asks, with the
    outcome and reason; another account confirms (the alert closes) or the first withdraws it.
    """

    PENDING, CONFIRMED, WITHDRAWN = "pending", "confirmed", "withdrawn"
    STATUSES = [(PENDING, "Waiting for a second person"), (CONFIRMED, "Confirmed"), (WITHDRAWN, "Withdrawn")]

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="close_requests")
    outcome = models.CharField(max_length=10, choices=Alert.OUTCOMES)
    reason = models.TextField()
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=STATUSES, default=PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["alert"], condition=models.Q(status="pending"),
                                               name="alerts_one_pending_close")]

    def __str__(self) -> str:
        return f"close request {self.pk} for alert {self.alert_id}"
