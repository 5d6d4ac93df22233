"""The search page: "is this child known, and who else is working with them?".

A POST, not a GET: names and birth dates must not sit in addresses, browser history or server
logs. The lawful reason is required before anything is searched, every search is written to the
access log (one entry, plus one per person shown). The reason is asked afresh every time: the
form never comes back with one chosen, and the child's page asks for its own. A search ends any
break-glass override (:class:`jigsaw.signpost.gate.Override`).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from jigsaw.accounts.roles import require_area
from jigsaw.audit.actor import Actor, db
from jigsaw.audit.log import record_search
from jigsaw.feeds import date_from_parts

from . import gate
from .scope import may_open, scope_of
from .search import SearchQuery, SearchRefused, reason_named, reasons, search

TEXT_FIELDS = ("given_name", "family_name", "postcode", "nhs_number")
#: Which field a refusal is about, by the words it uses (first match wins), for the error link.
REFUSAL_FIELDS = (("birth date", "dob"), ("given name", "given_name"), ("family name", "family_name"),
                  ("NHS number", "nhs_number"), ("postcode", "postcode"), ("reason", "reason"))

#: Longest value accepted per box: longer is refused with an error, never silently cut short.
LONGEST = {"given_name": ("Given name", 100), "family_name": ("Family name", 100),
           "postcode": ("Postcode", 12), "nhs_number": ("NHS number", 14)}

#: The element an error-summary link moves to, where it is not the field's own name.
ANCHORS = {"dob": "dob-day"}


def _field_of(message: str) -> str:
    return next((field for words, field in REFUSAL_FIELDS if words in message), "given_name")


def _errors_and_query(data: Any) -> tuple[list[tuple[str, str]], SearchQuery, str]:
    """The form's own errors (reason, date boxes) and the query to try."""
    errors: list[tuple[str, str]] = []
    code = (data.get("reason") or "").strip()
    if reason_named(code) is None:
        errors.append(("reason", "Select the lawful reason for this search"))
    for field, (label, longest) in LONGEST.items():
        if len(data.get(field, "")) > longest:
            errors.append((field, f"{label} must be {longest} characters or fewer"))
    born, problem = date_from_parts(data.get("dob-day", ""), data.get("dob-month", ""),
                                     data.get("dob-year", ""))
    if problem:
        errors.append(("dob", problem))
    query = SearchQuery(given_name=data.get("given_name", ""), family_name=data.get("family_name", ""),
                        birth_date=born, postcode=data.get("postcode", ""),
                        nhs_number=data.get("nhs_number", ""))
    return errors, query, code


@never_cache
@require_area("search")
@require_http_methods(["GET", "POST"])
def search_page(request: HttpRequest) -> HttpResponse:
    values = {name.replace("-", "_"): request.POST.get(name, "")
              for name in (*TEXT_FIELDS, "reason", "dob-day", "dob-month", "dob-year")}
    context: dict[str, Any] = {"reasons": reasons(), "values": values, "errors": [], "result": None}
    gate.Override.end(request.session)
    if request.method != "POST":
        return render(request, "signpost/search.html", context)
    errors, query, code = _errors_and_query(request.POST)
    if not errors:
        actor = Actor.of(request)
        using = db()
        try:
            result = search(query, searched_by=actor.username, reason=code, using=using)
        except SearchRefused as refused:
            message = str(refused)
            errors.append((_field_of(message), message[:1].upper() + message[1:]))
        else:
            shown = [m.person_id for m in result.results]
            record_search(actor.username, actor.role, actor.agency, code, result.query, shown,
                          {m.person_id for m in result.results if m.shielded},
                          remote_addr=actor.remote_addr, user_agent=actor.user_agent, using=using)
            context["result"] = result
            # a practitioner may open only the children their own agency holds (signpost.scope)
            context["openable"] = may_open(scope_of(request.user, using), shown, using)
    values["reason"] = ""  # never carried to the next search: each names its own
    context["errors"] = [(ANCHORS.get(field, field), message) for field, message in errors]
    context["field_errors"] = dict(errors)
    return render(request, "signpost/search.html", context, status=400 if errors else 200)
