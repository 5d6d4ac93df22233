"""A child's page: signposts, open alerts and the multi-agency chronology, with filters.

Opening it needs case access (role, current vetting and training: ``require_child_access``) and
a lawful reason: the one given with the search that found the child (kept in the session), or
one chosen on the page. Nothing about the child is read before the access-log entry is written.
A shielded child is refused here: the page names the hub to contact, as the search does, and a
social care or police user may break glass (:mod:`jigsaw.pages.override_views`) for the session.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from jigsaw.accounts.roles import require_child_access
from jigsaw.alerts.models import Alert
from jigsaw.audit.models import Action
from jigsaw.chronology.build import Chronology, Filters, child_chronology
from jigsaw.chronology.household import household_chronology
from jigsaw.signpost.models import Person
from jigsaw.signpost.search import reasons
from jigsaw.signpost.signposts import signposts_for

from .common import REASON_KEY, Actor, db, parse_date_parts, reason_named
from .override_views import override_key, shielded_page

FILTERS = ("agency", "type", "significance", "kind")


def _filters(params: QueryDict) -> tuple[Filters, list[tuple[str, str]]]:
    """The chronology filters from the GET form, and any date the user mistyped."""
    errors = []
    dates = {}
    for prefix in ("from", "to"):
        day, problem = parse_date_parts(params.get(f"{prefix}-day", ""), params.get(f"{prefix}-month", ""),
                                        params.get(f"{prefix}-year", ""))
        dates[prefix] = day
        if problem:
            errors.append((f"{prefix}-day", f"{prefix.title()} date: {problem.lower()}"))
    one = {name: frozenset([params[name][:100]]) if params.get(name) else frozenset() for name in FILTERS}
    return Filters(agencies=one["agency"], event_types=one["type"], significance=one["significance"],
                   kinds=one["kind"], date_from=dates["from"], date_to=dates["to"]), errors


def _options(chronology: Chronology) -> dict[str, list[str]]:
    """What each filter can be set to: the values present in this chronology."""
    entries = chronology.entries
    return {"agency": sorted({e.agency for e in entries if e.agency}),
            "type": sorted({e.event_type for e in entries}),
            "significance": sorted({e.significance for e in entries if e.significance}),
            "kind": sorted({e.kind for e in entries if e.kind})}


@never_cache
@require_child_access
@require_GET
def child_page(request: HttpRequest, person_id: int) -> HttpResponse:
    using = db()
    person = Person.objects.using(using).filter(pk=person_id).first()
    if person is None:
        raise Http404("no such person")
    overridden = person.shielded and request.session.get(override_key(person_id), False)
    if person.shielded and not overridden:
        return shielded_page(request, person)
    code = request.GET.get("reason") or request.session.get(REASON_KEY, "")
    reason = reason_named(code)
    if reason is None:
        error = "Select the lawful reason for opening this record" if "reason" in request.GET else ""
        return render(request, "pages/child_reason.html",
                      {"person_id": person_id, "reasons": reasons(), "reason_error": error},
                      status=400 if error else 200)
    request.session[REASON_KEY] = reason.code
    household = request.GET.get("view") == "household"
    filters, errors = _filters(request.GET)
    actor = Actor.of(request)
    actor.log(Action.VIEW_CHILD, using=using, person_id=person_id, reason=reason.code,
              detail={"household": household, "filters": filters.as_dict()})
    build = household_chronology if household else child_chronology
    full = build(person_id, using)
    for subject in full.subjects:
        if subject.person_id != person_id:  # the household view shows other people's events too
            actor.log(Action.VIEW_CHRONOLOGY, using=using, person_id=subject.person_id, reason=reason.code,
                      detail={"household_of": person_id})
    child = next(s for s in full.subjects if s.person_id == person_id)
    context: dict[str, Any] = {
        "person_id": person_id, "child": child, "reason": reason, "household": household,
        "overridden": overridden,
        "subjects": full.subjects, "entries": [e for e in full.entries if filters.admits(e)],
        "total": len(full.entries), "options": _options(full), "errors": errors,
        "chosen": {k.replace("-", "_"): v for k, v in request.GET.items()},
        "field_errors": {anchor.split("-")[0]: message for anchor, message in errors},
        "signposts": signposts_for(person_id, using),
        "alerts": Alert.objects.using(using)
        .filter(people=person, status__in=[Alert.OPEN, Alert.ACKNOWLEDGED]).order_by("due_at", "pk"),
    }
    return render(request, "pages/child.html", context)
