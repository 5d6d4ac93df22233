"""What every practice page shares: opening the child or asking why, a form's GET and POST, dates
from GOV.UK inputs, the form's values for re-display, and the error summary."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render

from jigsaw.audit.actor import db
from jigsaw.feeds import date_from_parts
from jigsaw.records.models import Agency
from jigsaw.signpost.search import reasons

from . import access
from .access import NoReason, Opened, open_child
from .checks import PracticeError


def opened_or_question(
    request: HttpRequest, person_id: int
) -> tuple[Opened | None, HttpResponse | None, str]:
    """(the opened child, None, database) or (None, the page asking for a lawful reason, database)."""
    using = db()
    try:
        return open_child(request, person_id, using), None, using
    except NoReason:
        source = request.POST if request.method == "POST" else request.GET
        asked = "reason" in source
        page = render(
            request,
            "practice/reason.html",
            {
                "reasons": reasons(),
                "action": request.path,
                "person_id": person_id,
                "reason_error": "Select the lawful reason for opening this record"
                if asked or request.method == "POST"
                else "",
            },
            status=400 if asked or request.method == "POST" else 200,
        )
        return None, page, using


def date_value(data: QueryDict, prefix: str) -> date | str:
    """A GOV.UK date input as a date, "" when blank; a mistyped one is an error for that field."""
    day, problem = date_from_parts(
        data.get(f"{prefix}-day", ""), data.get(f"{prefix}-month", ""), data.get(f"{prefix}-year", "")
    )
    if problem:
        raise PracticeError(prefix, problem)
    return day or ""


def form_page(request: HttpRequest, opened: Opened, using: str, template: str, context: dict[str, Any],
              save: Callable[[QueryDict], Any], done: Callable[[Any], str], view: str) -> HttpResponse:
    """A practice form. GET: the form, logged as a look at the child (``view``). POST: ``save`` the
    data (which logs the record) and go to ``done(saved)``; or, if it is refused, the form again
    with what to correct and what was typed (400)."""
    if request.method == "POST":
        try:
            saved = save(request.POST)
        except PracticeError as problem:
            typed = {"form": form_values(request.POST)}
            if "invited" in context:
                typed["invited"] = request.POST.getlist("invite")
            return render(request, template, {**context, **error_context(problem), **typed}, status=400)
        return redirect(done(saved))
    access.log(opened, using, view=view)
    return render(request, template, context)


def form_values(data: QueryDict) -> dict[str, Any]:
    """The posted values, for showing the form again (keys with '-' as '_', for templates)."""
    return {k.replace("-", "_"): v for k, v in data.items() if k != "csrfmiddlewaretoken"}


def error_context(problem: PracticeError) -> dict[str, Any]:
    return {
        "errors": [(problem.field, problem.message)],
        "field_errors": {problem.field.replace("-", "_"): problem.message},
    }


def agencies(using: str) -> list[Agency]:
    return list(Agency.objects.using(using).filter(is_active=True).order_by("name"))
