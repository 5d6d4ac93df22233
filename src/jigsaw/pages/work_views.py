"""The work queues: alerts routed to the user, and link review items awaiting a person's decision.

Alerts are the assignee's (an account, :mod:`jigsaw.alerts.assign`) or, unassigned, the hub's;
never matched by name. An alert or review item about a protected person
(:func:`jigsaw.signpost.gate.protected`) shows no details of them, and every item shown is
written to the access log first.

Every step is a POST with CSRF and writes the access log in the same transaction as the step, so
an action and its record commit or roll back together. The engines' refusals (``AlertError``,
``ReviewError``) are shown as GOV.UK errors, never as a server error.
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
from jigsaw.alerts import lifecycle
from jigsaw.alerts.models import Alert
from jigsaw.audit.models import Action
from jigsaw.signpost import gate
from jigsaw.signpost.models import RecordLink
from jigsaw.signpost.review import SHOWN, ReviewError, decide, explain_pair, open_items

from .common import Actor, db

#: Roles that work the whole hub queue rather than only the alerts routed to them by name.
WHOLE_QUEUE = frozenset({Role.HUB_OFFICER})
#: Review items shown at once: each is scored afresh for its evidence.
REVIEW_PAGE = 20
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
    return render(request, "pages/alerts.html", {"alerts": alerts})


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
                return redirect("pages:alert", alert_id=alert.pk)
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
    return render(request, "pages/alert.html", context, status=400 if errors else 200)


@never_cache
@require_area("review")
@require_http_methods(["GET", "POST"])
def review_queue(request: HttpRequest) -> HttpResponse:
    using = db()
    errors: list[tuple[str, str]] = []
    if request.method == "POST":
        item = request.POST.get("item", "")
        decision = request.POST.get("decision", "")
        reason = request.POST.get("reason", "").strip()
        actor = Actor.of(request)
        if not item.isdigit():
            errors.append(("item", "Choose a review item"))
        elif decision not in ("same", "different"):
            errors.append((f"decision-{item}", "Select 'same child' or 'not the same'"))
        else:
            try:
                with transaction.atomic(using=using):
                    row = decide(int(item), decision=decision, reason=reason, decided_by=actor.username,
                                 using=using)
                    person = (RecordLink.objects.using(using).filter(record_id=row.record_a_id)
                              .values_list("person_id", flat=True).first())
                    actor.log(Action.REVIEW_DECISION, using=using, person_id=person, reason_text=reason,
                              detail={"item": int(item), "decision": decision,
                                      "records": [row.record_a_id, row.record_b_id]})
            except ReviewError as refused:
                errors.append((f"reason-{item}", str(refused)[:1].upper() + str(refused)[1:]))
            else:
                return redirect("pages:reviews")
    items = open_items(using, limit=REVIEW_PAGE)
    hidden = gate.protected_records([r["pk"] for entry in items for r in entry["records"]], using)
    people = dict(RecordLink.objects.using(using).filter(record_id__in=[r["pk"] for e in items for r in e["records"]])
                  .values_list("record_id", "person_id"))
    actor = Actor.of(request)
    with transaction.atomic(using=using):  # each person shown is a read of them, logged first
        for entry in items:
            for record in entry["records"]:
                if record["pk"] not in hidden:
                    actor.log(Action.VIEW_REVIEW, using=using, person_id=people.get(record["pk"]),
                              detail={"item": entry["item"], "record": record["pk"]})
    for entry in items:
        a, b = entry["records"]
        entry["protected"] = bool(hidden.intersection((a["pk"], b["pk"])))
        for record in entry["records"]:
            if record["pk"] in hidden:
                record.update(dict.fromkeys(SHOWN, ""), record_key="", source_system__code=gate.PROTECTED_RECORD)
        if entry["protected"]:  # a pair with a protected child: no details, no evidence; ask the hub
            entry["evidence"] = []
            continue
        entry["evidence"] = explain_pair(a["pk"], b["pk"], using)
        entry["anchor"] = f"reason-{entry['item']}"
        entry["error"] = dict(errors).get(entry["anchor"]) or dict(errors).get(f"decision-{entry['item']}")
    return render(request, "pages/reviews.html", {"items": items, "errors": errors, "values": request.POST},
                  status=400 if errors else 200)
