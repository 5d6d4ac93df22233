"""The auditors' pages: search the access log (recent activity by default), a CSV of what is
found, and the "unusual access" report.

Auditors only (``audit`` area). The log holds ids and reasons, never names, so the pages show
person ids; a child looked up by name is written to the log (it asks the index about a person).
Exporting the log is itself written to the log, so copies leaving it are traceable.
"""

from __future__ import annotations

import csv
from datetime import datetime, time, timedelta

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from jigsaw.accounts.roles import require_area
from jigsaw.feeds import date_from_parts

from . import unusual
from .actor import Actor, db
from .models import Action
from .queries import COLUMNS, _cell, as_dict
from .search import PAGE_SIZE, SORTS, AuditQuery, entries, read

#: Days the unusual-access report covers when no dates are given.
REPORT_DAYS = 7


def _log_name_lookup(request: HttpRequest, q: AuditQuery, using: str) -> None:
    if q.by_name:
        Actor.of(request).log(Action.SEARCH, using=using, reason="audit", detail={
            "what": "access log", "child_by_name": True, "people": q.person_ids})


@never_cache
@require_area("audit")
@require_GET
def audit_page(request: HttpRequest) -> HttpResponse:
    using = db()
    q = read(request.GET, using)
    page = None
    if not q.errors:
        _log_name_lookup(request, q, using)
        page = Paginator(entries(q, using), PAGE_SIZE).get_page(request.GET.get("page"))
    values = {k: request.GET.get(k, "") for k in ("from-day", "from-month", "from-year", "to-day", "to-month",
                                                    "to-year")}
    context = {"q": q, "page": page, "errors": q.errors, "field_errors": dict(q.errors),
               "actions": Action.choices, "sorts": [(k, label) for k, (label, _o) in SORTS.items()],
               "dates": {k.replace("-", "_"): v for k, v in values.items()},
               "query": request.GET.urlencode()}
    return render(request, "audit/audit.html", context, status=400 if q.errors else 200)


@never_cache
@require_area("audit")
@require_GET
def audit_csv(request: HttpRequest) -> HttpResponse:
    """Every entry the search finds, as CSV (formula cells neutralised, hashes included)."""
    using = db()
    q = read(request.GET, using)
    if q.errors:
        return HttpResponse("; ".join(m for _f, m in q.errors), status=400, content_type="text/plain")
    _log_name_lookup(request, q, using)
    Actor.of(request).log(Action.EXPORT, using=using, detail={
        "what": "access log", "person": q.person_ids[0] if q.person_ids and len(q.person_ids) == 1 else None,
        "people": q.person_ids, "actor": q.user or None, "action": q.action or None,
        "since": q.since.isoformat() if q.since else None, "until": q.until.isoformat() if q.until else None})
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="access-log.csv"'
    writer = csv.writer(response)
    writer.writerow(COLUMNS)
    for entry in entries(q, using).iterator(chunk_size=2000):
        writer.writerow([_cell(v) for v in as_dict(entry).values()])
    return response


def _period(request: HttpRequest) -> tuple[datetime, datetime, list[tuple[str, str]]]:
    errors = []
    days = []
    for prefix in ("from", "to"):
        parts = (request.GET.get(f"{prefix}-{part}", "") for part in ("day", "month", "year"))
        day, problem = date_from_parts(*parts)
        if problem:
            errors.append((prefix, f"{prefix.capitalize()} date: {problem.lower()}"))
        days.append(day)
    today = timezone.localdate()
    since_day = days[0] or today - timedelta(days=REPORT_DAYS - 1)
    until_day = days[1] or today
    if until_day < since_day:
        errors.append(("to", "The 'to' date must be the same as or after the 'from' date"))
    since = timezone.make_aware(datetime.combine(since_day, time.min))
    until = timezone.make_aware(datetime.combine(until_day + timedelta(days=1), time.min))
    return since, until, errors


@never_cache
@require_area("audit")
@require_GET
def unusual_page(request: HttpRequest) -> HttpResponse:
    """Unusual access in a period (the last week by default): see :mod:`jigsaw.audit.unusual`."""
    since, until, errors = _period(request)
    result = None if errors else unusual.report(since, until, db())
    values = {k.replace("-", "_"): request.GET.get(k, "") for k in (
        "from-day", "from-month", "from-year", "to-day", "to-month", "to-year")}
    return render(request, "audit/unusual.html", {
        "result": result, "errors": errors, "field_errors": dict(errors), "dates": values,
        "since": since, "until": until - timedelta(days=1), "titles": TITLES},
        status=400 if errors else 200)


#: The report's sections, in the order shown.
TITLES = {"many_children": "Many children opened in a short time",
          "outside_agency": "Access outside the user's agency's involvement",
          "break_glass": "Emergency access (break-glass)",
          "out_of_hours": "Access outside working hours"}
