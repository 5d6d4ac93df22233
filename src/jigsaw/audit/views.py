"""The auditor's page: who looked at a person, what a user looked at, and a CSV of either.

Auditors only (``audit`` area). The log holds ids and reasons, never names, so the page shows
person ids. Exporting the log is itself written to the log, so copies leaving it are traceable.
"""

from __future__ import annotations

import csv

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from jigsaw.accounts.roles import require_area

from .actor import Actor, db
from .models import AccessEntry, Action
from .queries import COLUMNS, _cell, as_dict, what_did, who_viewed

LIMIT = 500  # rows on the page; the CSV has them all


def _queries(params: QueryDict, using: str) -> tuple[dict[str, str], list[tuple[str, str]],
                                                       QuerySet[AccessEntry] | None,
                                                       QuerySet[AccessEntry] | None]:
    values = {name: params.get(name, "").strip() for name in ("person_id", "username")}
    errors = []
    viewed = did = None
    if values["person_id"]:
        if values["person_id"].isdigit():
            viewed = who_viewed(int(values["person_id"]), using)
        else:
            errors.append(("person_id", "Enter a person id as a number, for example 42"))
    if values["username"]:
        did = what_did(values["username"][:150], using=using)
    return values, errors, viewed, did


@never_cache
@require_area("audit")
@require_GET
def audit_page(request: HttpRequest) -> HttpResponse:
    values, errors, viewed, did = _queries(request.GET, db())
    context = {"values": values, "errors": errors, "field_errors": dict(errors), "limit": LIMIT,
               "viewed": viewed[:LIMIT] if viewed is not None else None,
               "did": did[:LIMIT] if did is not None else None, "query": request.GET.urlencode()}
    return render(request, "audit/audit.html", context, status=400 if errors else 200)


@never_cache
@require_area("audit")
@require_GET
def audit_csv(request: HttpRequest) -> HttpResponse:
    """The entries either question finds, as CSV (formula cells neutralised, hashes included)."""
    using = db()
    values, _errors, viewed, did = _queries(request.GET, using)
    found = [q for q in (viewed, did) if q is not None]
    entries = found[0] | found[1] if len(found) == 2 else (found[0] if found else None)
    Actor.of(request).log(Action.EXPORT, using=using, detail={
        "what": "access log", "person": int(values["person_id"]) if viewed is not None else None,
        "actor": values["username"] or None})
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="access-log.csv"'
    writer = csv.writer(response)
    writer.writerow(COLUMNS)
    for entry in (entries.order_by("sequence").iterator(chunk_size=2000) if entries is not None else ()):
        writer.writerow([_cell(v) for v in as_dict(entry).values()])
    return response
