"""A child's page: signposts, open alerts and the multi-agency chronology, with filters.

Opening it needs case access (role, current vetting and training: ``require_child_access``) and
a lawful reason named by this request (``?reason=``): never one kept from an earlier page, never
a default. Nothing about the child is read before the access-log entry is written. What may be
shown is decided by :mod:`jigsaw.signpost.gate`: a protected child is refused here (the page
names the hub, and the refusal is logged), a social care or police user may break glass
(:mod:`jigsaw.chronology.override_views`), and a protected person in another child's household is
"a protected household member".
"""

from __future__ import annotations

import dataclasses
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from jigsaw.accounts.roles import require_child_access
from jigsaw.alerts.models import Alert
from jigsaw.audit.actor import Actor, db
from jigsaw.audit.models import Action
from jigsaw.feeds import date_from_parts
from jigsaw.signpost import gate
from jigsaw.signpost.models import Person
from jigsaw.signpost.scope import Scope, may_open, scope_of
from jigsaw.signpost.search import Reason, reason_named, reasons
from jigsaw.signpost.signposts import signposts_for

from .build import Chronology, Filters
from .export import render as render_chronology
from .household import anonymise_chronology, child_chronology, household_chronology
from .override_views import shielded_page

FILTERS = ("agency", "type", "significance", "kind")


def _filters(params: QueryDict) -> tuple[Filters, list[tuple[str, str]]]:
    """The chronology filters from the GET form, and any date the user mistyped."""
    errors = []
    dates = {}
    for prefix in ("from", "to"):
        day, problem = date_from_parts(params.get(f"{prefix}-day", ""), params.get(f"{prefix}-month", ""),
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


def _scoped(full: Chronology, scope: Scope, person_id: int, using: str) -> Chronology:
    """The chronology cut to the user's agency: its events, of the people it holds or involves."""
    if not scope.limited:
        return full
    shown = may_open(scope, [s.person_id for s in full.subjects], using) | {person_id}
    entries = [dataclasses.replace(e, also_recorded_by=()) for e in full.entries
               if e.person_id in shown and scope.admits(e)]
    return dataclasses.replace(full, subjects=[s for s in full.subjects if s.person_id in shown],
                               entries=entries)


@dataclasses.dataclass(frozen=True)
class Opened:
    """A child's record the user may open now: who, in what scope, for which reason."""

    person: Person
    scope: Scope
    reason: Reason
    overridden: bool
    granted: frozenset[int] = frozenset()


def _open(request: HttpRequest, person_id: int, using: str) -> Opened | HttpResponse:
    """Every check before a child's record is read, in order; a page to show instead if one fails.

    Unknown id: 404. Another agency's child for a scoped role: 403 (recorded). No lawful reason
    in this request: the question. Protected without an override: the hub's contact (recorded).
    """
    person = Person.objects.using(using).filter(pk=person_id).first()
    if person is None:
        raise Http404("no such person")
    scope = scope_of(request.user, using)
    if person_id not in may_open(scope, [person_id], using):
        raise PermissionDenied("your agency holds no record of this child and is not involved with them; "
                               "use the search's signposts to contact the agencies that are")
    granted = gate.granted(request.session, person_id)
    reason = reason_named(request.GET.get("reason"))
    if reason is None:
        error = "Select the lawful reason for opening this record" if "reason" in request.GET else ""
        keep = [(k, v) for k, v in request.GET.items() if k != "reason"]
        return render(request, "chronology/child_reason.html",
                      {"person_id": person_id, "reasons": reasons(), "reason_error": error,
                       "action": request.path, "keep": keep}, status=400 if error else 200)
    if person_id in gate.protected([person_id], using) - granted:
        Actor.of(request).log(Action.REFUSED, using=using, person_id=person_id, reason=reason.code,
                              detail={"view": request.resolver_match.view_name if request.resolver_match
                                      else "", "method": request.method, "why": "protected record"})
        return shielded_page(request, person_id, using)
    return Opened(person, scope, reason, person_id in granted, frozenset(granted))


def _chronology(opened: Opened, household: bool, actor: Actor, using: str) -> tuple[Chronology, int]:
    """The chronology the user may see, and how many events it leaves out as held elsewhere.

    Protected people other than the child become placeholders (:func:`gate.guard_chronology`);
    the household view shows other people's events too, so each of them gets an access-log entry.
    """
    person_id = opened.person.pk
    built = (household_chronology if household else child_chronology)(person_id, using)
    # the child passed the gate on opening; only the people around them are asked about again
    others = {s.person_id for s in built.subjects} - {person_id}
    hidden = gate.protected(others, using) - opened.granted
    whole = gate.guard_chronology(built, hidden)
    full = _scoped(whole, opened.scope, person_id, using)
    for subject in full.subjects:
        if subject.person_id != person_id and subject.person_id not in hidden:
            actor.log(Action.VIEW_CHRONOLOGY, using=using, person_id=subject.person_id,
                      reason=opened.reason.code, detail={"household_of": person_id})
    return full, len(whole.entries) - len(full.entries)


@never_cache
@require_child_access
@require_GET
def child_page(request: HttpRequest, person_id: int) -> HttpResponse:
    using = db()
    opened = _open(request, person_id, using)
    if isinstance(opened, HttpResponse):
        return opened
    household = request.GET.get("view") == "household"
    filters, errors = _filters(request.GET)
    actor = Actor.of(request)
    actor.log(Action.VIEW_CHILD, using=using, person_id=person_id, reason=opened.reason.code,
              detail={"household": household, "filters": filters.as_dict()})
    full, held_elsewhere = _chronology(opened, household, actor, using)
    child = next(s for s in full.subjects if s.person_id == person_id)
    scope = opened.scope
    context: dict[str, Any] = {
        "person_id": person_id, "child": child, "reason": opened.reason, "household": household,
        "overridden": opened.overridden, "scope": scope, "held_elsewhere": held_elsewhere,
        "subjects": full.subjects, "entries": [e for e in full.entries if filters.admits(e)],
        "total": len(full.entries), "options": _options(full), "errors": errors,
        "chosen": {k.replace("-", "_"): v for k, v in request.GET.items()},
        "field_errors": {anchor.split("-")[0]: message for anchor, message in errors},
        "signposts": signposts_for(person_id, using),
        "export_query": request.GET.urlencode(), "view_query": f"reason={opened.reason.code}",
        # multi-agency alerts are the hub's and the allocated social worker's work, not a scoped view's
        "alerts": [] if scope.limited else Alert.objects.using(using)
        .filter(people=opened.person, status__in=[Alert.OPEN, Alert.ACKNOWLEDGED]).order_by("due_at", "pk"),
    }
    return render(request, "chronology/child.html", context)


#: Download formats of a chronology: (content type, whether it is an attachment).
EXPORTS = {"csv": ("text/csv; charset=utf-8", True), "json": ("application/json", True),
           "html": ("text/html; charset=utf-8", False)}


@never_cache
@require_child_access
@require_GET
def chronology_export(request: HttpRequest, person_id: int, fmt: str) -> HttpResponse:
    """The chronology as shown (same scope, view and filters) as CSV, JSON or a print page.

    ``anonymise=1`` gives the case-review version (names replaced by roles). An export is logged
    as ``export`` with its format before anything is read.
    """
    if fmt not in EXPORTS:
        raise Http404("no such format")
    using = db()
    opened = _open(request, person_id, using)
    if isinstance(opened, HttpResponse):
        return opened
    filters, errors = _filters(request.GET)
    if errors:
        return HttpResponse("; ".join(message for _, message in errors), status=400,
                            content_type="text/plain")
    household = request.GET.get("view") == "household"
    anonymise = request.GET.get("anonymise") == "1"
    actor = Actor.of(request)
    actor.log(Action.EXPORT, using=using, person_id=person_id, reason=opened.reason.code,
              detail={"what": "chronology", "format": fmt, "household": household, "anonymised": anonymise,
                      "filters": filters.as_dict()})
    full, _ = _chronology(opened, household, actor, using)
    shown = dataclasses.replace(full, entries=[e for e in full.entries if filters.admits(e)], filters=filters)
    if anonymise:
        shown = anonymise_chronology(shown, using)
    content_type, attachment = EXPORTS[fmt]
    response = HttpResponse(render_chronology(shown, fmt, stylesheet=static("chronology/print.css")),
                            content_type=content_type)
    if attachment:
        label = "household-" if household else ""
        response["Content-Disposition"] = f'attachment; filename="chronology-{label}{person_id}.{fmt}"'
    return response
