"""The link review queue: uncertain links awaiting a person's decision.

It needs current vetting (``require_area("review")``), every record shown is written to the
access log first, and a pair with a record that may be a protected child's
(:func:`jigsaw.signpost.gate.protected_records`) shows neither record's details nor evidence.

Every decision is a POST with CSRF and writes the access log in the same transaction as the
decision, so a decision and its record commit or roll back together. The engine's refusals
(``ReviewError``) are shown as GOV.UK errors, never as a server error.
"""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from jigsaw.accounts.roles import require_area
from jigsaw.audit.actor import Actor, db
from jigsaw.audit.models import Action

from . import gate
from .models import RecordLink
from .review import SHOWN, ReviewError, decide, explain_pair, open_items

#: Review items shown at once: each is scored afresh for its evidence.
REVIEW_PAGE = 20


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
                return redirect("signpost:link-review")
    items = open_items(using, limit=REVIEW_PAGE)
    record_ids = [r["pk"] for entry in items for r in entry["records"]]
    hidden = gate.protected_records(record_ids, using)
    people = dict(RecordLink.objects.using(using).filter(record_id__in=record_ids)
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
                record.update(dict.fromkeys(SHOWN, ""), record_key="",
                              source_system__code=gate.PROTECTED_RECORD)
        if entry["protected"]:  # a pair with a protected child: no details, no evidence; ask the hub
            entry["evidence"] = []
            continue
        entry["evidence"] = explain_pair(a["pk"], b["pk"], using)
        entry["anchor"] = f"reason-{entry['item']}"
        entry["error"] = dict(errors).get(entry["anchor"]) or dict(errors).get(f"decision-{entry['item']}")
    context = {"items": items, "errors": errors, "values": request.POST}
    return render(request, "signpost/link_review.html", context, status=400 if errors else 200)
