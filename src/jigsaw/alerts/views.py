"""The alert queue and an alert's page: the alerts routed to the user, most urgent first.

Alerts are the assignee's (an account, :mod:`jigsaw.alerts.assign`) or, unassigned, the hub's;
never matched by name. The queue sorts, filters and pages (:mod:`jigsaw.alerts.queue`) and names
each child with their age, school and GP (:mod:`jigsaw.alerts.people`); an alert or review item
about a protected person (:func:`jigsaw.signpost.gate.protected`) shows no details of them, and
every person shown is written to the access log first.

Every step is a POST with CSRF and writes the access log in the same transaction as the step, so
an action and its record commit or roll back together. The lifecycle's refusals (``AlertError``)
are shown as GOV.UK errors, never as a server error. Closing a high-severity alert needs a second
account (:mod:`jigsaw.alerts.closing`).
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from jigsaw.accounts.roles import require_area, role_of
from jigsaw.audit.actor import Actor, db
from jigsaw.audit.models import Action
from jigsaw.records.models import Agency
from jigsaw.signpost import gate

from . import closing, lifecycle, queue
from .assign import assignable
from .models import Alert
from .people import describe_people, evidence

#: Roles that work the whole hub queue rather than only the alerts routed to them by name.
STEPS = {"acknowledge", "escalate", "actioned", "dismissed", "assign", "confirm-close", "withdraw-close"}


def _visible(request: HttpRequest, using: str) -> QuerySet[Alert]:
    return queue.visible_to(request.user, using)


def _guard(alerts: list[Alert], hidden: set[int]) -> list[Alert]:
    """Withhold the explanation of an alert about a protected person (the hub's override alerts
    excepted: Jigsaw wrote those about the user who broke glass, not about the child)."""
    for alert in alerts:
        if alert.rule_id != "OVERRIDE" and hidden.intersection(alert.person_ids):
            alert.explanation = f"This alert concerns {gate.PROTECTED_RECORD}: contact the safeguarding hub."
    return alerts


def _log_shown(actor: Actor, alerts: list[Alert], people: dict, using: str, **detail: Any) -> None:
    """One access-log entry per person a page names (a protected person is named by nobody)."""
    actor.log_many(Action.VIEW_ALERT, [
        (person, {"alert": alert.pk, "rule": alert.rule_id, **detail})
        for alert in alerts for person in alert.person_ids or [None]
        if person is None or (people.get(person) is not None and not people[person].protected)],
        using=using)


def _options(visible: QuerySet[Alert], using: str) -> dict[str, Any]:
    rules = sorted(set(visible.values_list("rule_id", flat=True).distinct()))
    agency_ids = set(visible.exclude(assignee__isnull=True)
                     .values_list("assignee__profile__agency_id", flat=True).distinct()) - {None}
    agencies = list(Agency.objects.using(using).filter(pk__in=agency_ids).order_by("name")
                    .values_list("pk", "name"))
    return {"rules": rules, "agencies": [(str(pk), name) for pk, name in agencies],
            "accounts": [(str(pk), name) for pk, name in assignable(using)]}


@never_cache
@require_area("alerts")
@require_http_methods(["GET"])
def alert_queue(request: HttpRequest) -> HttpResponse:
    using = db()
    visible = _visible(request, using)
    options = _options(visible, using)
    query = queue.QueueQuery.from_params(request.GET, set(options["rules"]),
                                         {a for a, _ in options["agencies"]},
                                         {a for a, _ in options["accounts"]})
    chosen = queue.apply(visible.select_related("assignee"), query, request.user.pk)
    page = Paginator(chosen, queue.PAGE_SIZE).get_page(query.page)
    alerts = list(page.object_list)
    people = describe_people({p for a in alerts for p in a.person_ids}, using)
    _guard(alerts, {p for p, line in people.items() if line.protected})
    now = timezone.now()
    for alert in alerts:
        alert.lines = [people[p] for p in alert.person_ids if p in people]
        alert.overdue = queue.is_overdue(alert, now)
    _log_shown(Actor.of(request), alerts, people, using, queue=True)
    sorts = [(key, label, query.params(sort=key)) for key, label in queue.SORTS.items()]
    context = {"alerts": alerts, "page": page, "query": query, "options": options, "sorts": sorts,
               "sort_choices": queue.SORTS.items(),
               "severities": queue.SEVERITIES, "statuses": queue.STATUSES, "dues": queue.DUE,
               "whole_queue": role_of(request.user) in queue.WHOLE_QUEUE,
               "previous": query.params(page=page.previous_page_number()) if page.has_previous() else "",
               "next": query.params(page=page.next_page_number()) if page.has_next() else "",
               "filtered": any((query.severity, query.rule, query.due, query.agency, query.assignee,
                                query.status != "open"))}
    return render(request, "alerts/alerts.html", context)


def _act(alert: Alert, step: str, request: HttpRequest, using: str) -> None:
    """Take one lifecycle step and log it for every person the alert is about."""
    actor = Actor.of(request)
    reason = request.POST.get("reason", "").strip()
    with transaction.atomic(using=using):
        if step == "acknowledge":
            lifecycle.acknowledge(alert.pk, actor.username, using)
        elif step == "escalate":
            lifecycle.escalate(alert.pk, reason, actor.username, using)
        elif step == "assign":
            raw = request.POST.get("assignee", "")
            if raw != queue.HUB and not raw.isdigit():
                raise lifecycle.AlertError("choose whom to assign the alert to")
            lifecycle.assign(alert.pk, None if raw == queue.HUB else int(raw), actor.username, using)
            reason = f"assigned to {raw}"
        elif step == "confirm-close":
            closing.confirm_close(alert, request.user, using)
        elif step == "withdraw-close":
            closing.withdraw_close(alert, request.user, using)
        else:
            closing.ask_to_close(alert, step, reason, request.user, using)
        for person in alert.person_ids or [None]:
            actor.log(Action.ALERT_ACTION, using=using, person_id=person, reason_text=reason,
                      detail={"alert": alert.pk, "rule": alert.rule_id, "step": step})


#: Which form's box shows a refusal of each step.
ERROR_BOX = {"acknowledge": "step", "escalate": "reason-escalate", "assign": "assignee",
             "confirm-close": "step", "withdraw-close": "step"}


@never_cache
@require_area("alerts")
@require_http_methods(["GET", "POST"])
def alert_page(request: HttpRequest, alert_id: int) -> HttpResponse:
    using = db()
    alert = _visible(request, using).select_related("assignee").filter(pk=alert_id).first()
    if alert is None:
        raise Http404("no such alert in your queue")
    people = describe_people(alert.person_ids, using)
    hidden = {p for p, line in people.items() if line.protected}
    _guard([alert], hidden)
    errors: list[tuple[str, str]] = []
    if request.method == "POST":
        step = request.POST.get("step", "")
        if step not in STEPS:
            errors.append(("step", "Choose what to do with the alert"))
        else:
            try:
                _act(alert, step, request, using)
            except lifecycle.AlertError as refused:
                message = str(refused)[:1].upper() + str(refused)[1:]
                errors.append((ERROR_BOX.get(step, "reason-close"), message))
            else:
                return redirect("alerts:alert", alert_id=alert.pk)
    else:
        # the page names the children the alert is about: a view of their records, logged first
        _log_shown(Actor.of(request), [alert], people, using)
    waiting = closing.pending(alert.pk, using)
    accounts = assignable(using)
    context: dict[str, Any] = {
        "alert": alert, "actions": alert.actions.all(), "errors": errors, "values": request.POST,
        "lines": [people[p] for p in alert.person_ids if p in people],
        "evidence": evidence(alert.event_keys, using, hidden), "overdue": queue.is_overdue(alert),
        "waiting": waiting, "mine": waiting is not None and waiting.requested_by_id == request.user.pk,
        "two_person": alert.severity in closing.TWO_PERSON_SEVERITIES,
        "accounts": accounts, "assignee_name": dict(accounts).get(alert.assignee_id, ""),
        "field_errors": {anchor.replace("-", "_"): msg for anchor, msg in errors},
    }
    return render(request, "alerts/alert.html", context, status=400 if errors else 200)
