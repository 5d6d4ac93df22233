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
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.templatetags.static import static
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from jigsaw.accounts.roles import require_child_access
from jigsaw.alerts.models import Alert
from jigsaw.audit.actor import Actor, db
from jigsaw.audit.models import Action
from jigsaw.feeds import age_in_words, date_from_parts, event_label
from jigsaw.signpost import gate
from jigsaw.signpost.models import Person
from jigsaw.signpost.scope import Scope, may_open, scope_of
from jigsaw.signpost.search import Reason, reason_named, reasons
from jigsaw.signpost.signposts import signposts_for

from . import summary
from .build import Chronology, Entry, Filters, Subject, assemble
from .export import render as render_chronology
from .household import anonymise_chronology, household_subjects, scoped
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


def _options(chronology: Chronology) -> dict[str, list[tuple[str, str]]]:
    """What each filter can be set to, as (value, words): the values present in this chronology."""
    entries = chronology.entries
    levels = [level for level in ("high", "medium", "low") if any(e.significance == level for e in entries)]
    return {"agency": [(a, a) for a in sorted({e.agency for e in entries if e.agency})],
            "type": sorted({(e.event_type, event_label(e.event_type)) for e in entries}, key=lambda t: t[1]),
            "significance": [(level, level.capitalize()) for level in levels],
            "kind": [(k, "Professional judgement" if k == "judgement" else "Fact")
                     for k in sorted({e.kind for e in entries if e.kind})]}


@dataclasses.dataclass(frozen=True)
class Opened:
    """A child's record the user may open now: who, in what scope, for which reason."""

    person: Person
    scope: Scope
    reason: Reason
    overridden: bool
    granted: frozenset[int] = frozenset()
    subjects: tuple[Subject, ...] = ()  # the child, then the household (household_subjects)
    hidden: frozenset[int] = frozenset()  # of those, the protected ones this reader may not see
    openable: frozenset[int] = frozenset()  # of those, the ones the reader's scope lets them open
    records: tuple[tuple, ...] = ()  # the child's records (summary.child_records), read with the household


def _open(request: HttpRequest, person_id: int, using: str) -> Opened | HttpResponse:
    """Every check before a child's record is read, in order; a page to show instead if one fails.

    Unknown id: 404. Another agency's child for a scoped role: 403 (recorded). No lawful reason
    in this request: the question. Protected without an override: the hub's contact (recorded).
    """
    person = Person.objects.using(using).filter(pk=person_id).first()
    if person is None:
        raise Http404("no such person")
    scope = scope_of(request.user, using)
    # the people around the child are asked about with the child, in one batch each (scope, gate):
    # nothing of theirs is shown before the checks below pass
    records = summary.child_records(person_id, using)  # the header's details and the household's addresses
    subjects = household_subjects(person_id, using, records)
    ids = [s.person_id for s in subjects]
    openable = may_open(scope, ids, using)
    if person_id not in openable:
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
    hidden = gate.protected(ids, using) - granted
    if person_id in hidden:
        Actor.of(request).log(Action.REFUSED, using=using, person_id=person_id, reason=reason.code,
                              detail={"view": request.resolver_match.view_name if request.resolver_match
                                      else "", "method": request.method, "why": "protected record"})
        return shielded_page(request, person_id, using)
    return Opened(person, scope, reason, person_id in granted, frozenset(granted), tuple(subjects),
                  frozenset(hidden), frozenset(openable), tuple(records))


def _around(opened: Opened) -> tuple[list[Subject], list[tuple[str, int, dict[str, Any]]]]:
    """The household as the page names it (guarded and scoped like the household view), and the
    access-log entry of each person it names, to be written with the page's own entry.

    The household is named on the page in either view, so each person shown gets an entry; a
    protected person other than the child is a placeholder (:func:`gate.guard_chronology`), named
    by nobody.
    """
    person_id = opened.person.pk
    hidden = set(opened.hidden) - {person_id}  # asked of the gate on opening, with the child
    around = gate.guard_chronology(Chronology(person_id, list(opened.subjects), []), hidden).subjects
    if opened.scope.limited:
        around = [s for s in around if s.person_id in opened.openable or s.person_id == person_id]
    return around, [(Action.VIEW_CHRONOLOGY, s.person_id, {"household_of": person_id}) for s in around
                    if s.person_id != person_id and s.person_id not in hidden]


def _chronology(opened: Opened, household: bool, using: str) -> tuple[Chronology, int, Chronology]:
    """The chronology the user may see, how many events it leaves out as held elsewhere, and the
    chronology as read (for what the page works out from every agency's record, never shown).

    Protected people other than the child become placeholders (:func:`gate.guard_chronology`).
    """
    person_id = opened.person.pk
    subjects = list(opened.subjects)
    built = assemble(subjects if household else subjects[:1], using, Filters(), household=household)
    whole = gate.guard_chronology(built, set(opened.hidden) - {person_id})
    full = scoped(whole, opened.scope, opened.openable | {person_id})
    return full, len(whole.entries) - len(full.entries), built


#: How the chronology on the page can be ordered; newest first is what a practitioner reads first.
ORDERS = {"newest": "Newest first", "oldest": "Oldest first", "significance": "Most significant first"}
SIGNIFICANCE_RANK = {"high": 0, "medium": 1, "low": 2}
PAGE_SIZE = 50


def _ordered(entries: list[Entry], order: str) -> list[Entry]:
    """The entries in the chosen order (they arrive oldest first from :mod:`.build`)."""
    if order == "oldest":
        return entries
    newest = entries[::-1]
    if order == "significance":
        return sorted(newest, key=lambda e: SIGNIFICANCE_RANK.get(e.significance, 3))  # stable: newest within
    return newest


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
    around, named = _around(opened)
    Actor.of(request).log_each([(Action.VIEW_CHILD, person_id, {"household": household,
                                                                "filters": filters.as_dict()}), *named],
                               using=using, reason=opened.reason.code)
    full, held_elsewhere, built = _chronology(opened, household, using)
    child = next(s for s in full.subjects if s.person_id == person_id)
    scope = opened.scope
    today = timezone.localdate()
    order = request.GET.get("order") if request.GET.get("order") in ORDERS else "newest"
    shown = _ordered([e for e in full.entries if filters.admits(e)], order)
    page = Paginator(shown, PAGE_SIZE).get_page(request.GET.get("page"))
    posts = signposts_for(person_id, using)
    alerts = [] if scope.limited else list(
        Alert.objects.using(using).filter(people=opened.person, status__in=[Alert.OPEN, Alert.ACKNOWLEDGED])
        .order_by("due_at", "pk"))
    keep = request.GET.copy()
    keep.pop("page", None)
    context: dict[str, Any] = {
        "person_id": person_id, "child": child, "reason": opened.reason, "household": household,
        "overridden": opened.overridden, "scope": scope, "held_elsewhere": held_elsewhere,
        "subjects": full.subjects, "entries": page.object_list, "page": page, "shown_count": len(shown),
        "page_query": keep.urlencode(), "order": order, "orders": ORDERS,
        "total": len(full.entries), "options": _options(full), "errors": errors,
        "chosen": {k.replace("-", "_"): v for k, v in request.GET.items()},
        "field_errors": {anchor.split("-")[0]: message for anchor, message in errors},
        "signposts": posts, "lead": summary.lead_professional(posts),
        "age": age_in_words(child.birth_date, today),
        "details": summary.details(person_id, using, list(opened.records)),
        "statuses": summary.open_statuses(full.entries, person_id),
        "members": summary.members(around, set(), today),
        "export_query": request.GET.urlencode(), "view_query": f"reason={opened.reason.code}",
        # multi-agency alerts are the hub's and the allocated social worker's work, not a scoped view's
        "alerts": alerts,
        # another part may add a panel about practice with the child (a template name, or nothing)
        "practice_panel_template": None,
        # the child's own entries from every agency, as read: the practice panel's record-quality
        # prompts are worked out from them (never listed on the page)
        "own_entries": [e for e in built.entries if e.person_id == person_id],
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
    _, named = _around(opened)
    Actor.of(request).log_each([(Action.EXPORT, person_id, {
        "what": "chronology", "format": fmt, "household": household, "anonymised": anonymise,
        "filters": filters.as_dict()}), *named], using=using, reason=opened.reason.code)
    full, _, _ = _chronology(opened, household, using)
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
