"""The link review queue: uncertain links awaiting a person's decision.

It needs current vetting (``require_area("review")``), every record shown is written to the
access log first, and a pair with a record that may be a protected child's
(:func:`jigsaw.signpost.gate.protected_records`) shows neither record's details nor evidence.

Every decision is a POST with CSRF and writes the access log in the same transaction as the
decision, so a decision and its record commit or roll back together. The engine's refusals
(``ReviewError``) are shown as GOV.UK errors, never as a server error.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from jigsaw.accounts.roles import require_area
from jigsaw.audit.actor import Actor, db

from .review import ReviewError
from .review_shown import record_decision, shown_items

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
                record_decision(actor, using, int(item), None, decision, reason)
            except ReviewError as refused:
                errors.append((f"reason-{item}", str(refused)[:1].upper() + str(refused)[1:]))
            else:
                return redirect("signpost:link-review")
    items = shown_items(Actor.of(request), using, REVIEW_PAGE)
    said = dict(errors)
    for entry in items:
        if not entry["protected"]:
            entry["anchor"] = f"reason-{entry['item']}"
            entry["error"] = said.get(entry["anchor"]) or said.get(f"decision-{entry['item']}")
    context = {"items": items, "errors": errors, "values": request.POST}
    return render(request, "signpost/link_review.html", context, status=400 if errors else 200)
