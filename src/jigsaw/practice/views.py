"""A child's practice records page, and the forms for a sharing decision and the child's words.

Every view: case access (``require_child_access``), then :mod:`jigsaw.practice.access` (scope,
a lawful reason named by this request, the gate), then an access-log entry before anything about
the child is read; a write logs ``record_practice`` in the same transaction as the record.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from jigsaw.accounts.roles import require_child_access

from . import access
from .bases import BASES
from .models import ChildVoice
from .pages import agencies, date_value, form_page, opened_or_question
from .panel import child_panel
from .sharing import record_decision
from .voice import record_voice


def _back(person_id: int, reason: str) -> str:
    return f"/children/{person_id}/practice/?reason={reason}"


@never_cache
@require_child_access
@require_http_methods(["GET"])
def overview(request: HttpRequest, person_id: int) -> HttpResponse:
    """The child's practice records and record-quality flags (the panel, on a page of its own)."""
    opened, page, using = opened_or_question(request, person_id)
    if opened is None:
        return page
    access.log(opened, using, view="practice:overview")
    context = child_panel(person_id, opened.reason.code, opened.scope, using)
    return render(request, "practice/overview.html", {**context, "reason": opened.reason})


@never_cache
@require_child_access
@require_http_methods(["GET", "POST"])
def sharing(request: HttpRequest, person_id: int) -> HttpResponse:
    opened, page, using = opened_or_question(request, person_id)
    if opened is None:
        return page
    context = {
        "person_id": person_id,
        "reason": opened.reason,
        "bases": BASES,
        "agencies": agencies(using),
        "form": {},
    }
    return form_page(
        request, opened, using, "practice/sharing.html", context,
        lambda data: record_decision(opened, {**data.dict(), "decided_on": date_value(data, "decided_on")},
                                     using),
        lambda _saved: _back(person_id, opened.reason.code), "practice:sharing")


@never_cache
@require_child_access
@require_http_methods(["GET", "POST"])
def voice(request: HttpRequest, person_id: int) -> HttpResponse:
    opened, page, using = opened_or_question(request, person_id)
    if opened is None:
        return page
    context = {"person_id": person_id, "reason": opened.reason, "how": ChildVoice.HOW, "form": {}}
    return form_page(
        request, opened, using, "practice/voice.html", context,
        lambda data: record_voice(opened, {**data.dict(), "said_on": date_value(data, "said_on")}, using),
        lambda _saved: _back(person_id, opened.reason.code), "practice:voice")
