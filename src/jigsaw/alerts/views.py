"""The alert queue and an alert's page: the alerts routed to the user.

Alerts are the assignee's (an account, :mod:`jigsaw.alerts.assign`) or, unassigned, the hub's;
never matched by name. An alert or review item about a protected person
(:func:`jigsaw.signpost.gate.protected`) shows no details of them, and every item shown is
written to the access log first.

Every step is a POST with CSRF and writes the access log in the same transaction as the step, so
an action and its record commit or roll back together. The lifecycle's refusals (``AlertError``)
are shown as GOV.UK errors, never as a server error.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from jigsaw.accounts.roles import Role, require_area, role_of
from jigsaw.audit.actor import Actor, db
from jigsaw.audit.models import Action
from jigsaw.signpost import gate

from . import lifecycle
from .models import Alert

#: Roles that work the whole hub queue rather than only the alerts routed to them by name.
WHOLE_QUEUE = frozenset({Role.HUB_OFFICER})
STEPS = {"acknowledge", "escalate", "actioned", "dismissed"}


def _visible(request: HttpRequest, using: str) -> QuerySet[Alert]:
    """The alerts this user may see: all for the hub, else those assigned to their account."""
    alerts = Alert.objects.using(using).prefetch_related("people")
    if role_of(request.user) in WHOLE_QUEUE:
        return alerts
    return alerts.filter(assignee_id=request.user.pk)


def _guard(alerts: list[Alert], using: str) -> list[Alert]:
    """Withhold the explanation of an alert about a protected person (the hub's override alerts
    excepted: Jigsaw wrote those about the user who broke glass, not about the child)."""
    hidden = gate.protected({p for a in alerts for p in a.person_ids}, using)
    for alert in alerts:
        if alert.rule_id != "OVERRIDE" and hidden.intersection(alert.person_ids):
            alert.explanation = f"This alert concerns {gate.PROTECTED_RECORD}: contact the safeguarding hub."
    return alerts


@never_cache
@require_area("alerts")
@require_http_methods(["GET"])
def alert_queue(request: HttpRequest) -> HttpResponse:
    using = db()
    alerts = _guard(list(_visible(request, using).filter(status__in=[Alert.OPEN, Alert.ACKNOWLEDGED])
                         .order_by("due_at", "raised_at", "pk")), using)
    return render(request, "alerts/alerts.html", {"alerts": alerts})


def _act(alert: Alert, step: str, reason: str, actor: Actor, using: str) -> None:
    """Take one lifecycle step and log it for every person the alert is about."""
    with transaction.atomic(using=using):
        if step == "acknowledge":
            lifecycle.acknowledge(alert.pk, actor.username, using)
        elif step == "escalate":
            lifecycle.escalate(alert.pk, reason, actor.username, using)
        else:
            lifecycle.close(alert.pk, step, reason, actor.username, using)
        for person in alert.person_ids or [None]:
            actor.log(Action.ALERT_ACTION, using=using, person_id=person, reason_text=reason,
                      detail={"alert": alert.pk, "rule": alert.rule_id, "step": step})


@never_cache
@require_area("alerts")
@require_http_methods(["GET", "POST"])
def alert_page(request: HttpRequest, alert_id: int) -> HttpResponse:
    using = db()
    alert = _visible(request, using).filter(pk=alert_id).first()
    if alert is None:
        raise Http404("no such alert in your queue")
    _guard([alert], using)
    errors: list[tuple[str, str]] = []
    if request.method == "POST":
        step = request.POST.get("step", "")
        reason = request.POST.get("reason", "").strip()
        if step not in STEPS:
            errors.append(("step", "Choose what to do with the alert"))
        else:
            try:
                _act(alert, step, reason, Actor.of(request), using)
            except lifecycle.AlertError as refused:
                box = {"acknowledge": "step", "escalate": "reason-escalate"}.get(step, "reason-close")
                errors.append((box, str(refused)[:1].upper() + str(refused)[1:]))
            else:
                return redirect("alerts:alert", alert_id=alert.pk)
    else:
        # the page names the children the alert is about: a view of their records, logged first
        actor = Actor.of(request)
        with transaction.atomic(using=using):
            for person in alert.person_ids or [None]:
                actor.log(Action.VIEW_ALERT, using=using, person_id=person,
                          detail={"alert": alert.pk, "rule": alert.rule_id})
    context: dict[str, Any] = {"alert": alert, "actions": alert.actions.all(), "errors": errors,
                               "people": alert.people.all(), "values": request.POST,
                               "field_errors": {anchor.replace("-", "_"): msg for anchor, msg in errors}}
    return render(request, "alerts/alert.html", context, status=400 if errors else 200)
