"""The alert queue and an alert's page: the alerts routed to the user.

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

from . import lifecycle
from .models import Alert

#: Roles that work the whole hub queue rather than only the alerts routed to them by name.
WHOLE_QUEUE = frozenset({Role.HUB_OFFICER})
STEPS = {"acknowledge", "escalate", "actioned", "dismissed"}


def _visible(request: HttpRequest, using: str) -> QuerySet[Alert]:
    """The alerts this user may see: all for the hub, else those routed to them by name."""
    alerts = Alert.objects.using(using).prefetch_related("people")
    if role_of(request.user) in WHOLE_QUEUE:
        return alerts
    return alerts.filter(routed_to__icontains=Actor.of(request).name)


@never_cache
@require_area("alerts")
@require_http_methods(["GET"])
def alert_queue(request: HttpRequest) -> HttpResponse:
    alerts = (_visible(request, db()).filter(status__in=[Alert.OPEN, Alert.ACKNOWLEDGED])
              .order_by("due_at", "raised_at", "pk"))
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
