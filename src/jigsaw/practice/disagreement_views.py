"""Raising a professional disagreement about a decision on a child, and working it through."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from jigsaw.accounts.roles import require_child_access
from jigsaw.audit.models import Action

from . import access
from .checks import PracticeError
from .escalation import STAGE_LABELS, STAGES, escalate, raise_disagreement, resolve, stage_days, sweep
from .models import Disagreement
from .pages import agencies, error_context, form_page, form_values, opened_or_question


@never_cache
@require_child_access
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest, person_id: int) -> HttpResponse:
    opened, page, using = opened_or_question(request, person_id)
    if opened is None:
        return page
    context = {
        "person_id": person_id,
        "reason": opened.reason,
        "agencies": agencies(using),
        "form": {},
        "stages": [(STAGE_LABELS[s], stage_days(s)) for s in STAGES],
    }
    return form_page(
        request, opened, using, "practice/disagreement_new.html", context,
        lambda data: raise_disagreement(opened, data.dict(), using),
        lambda item: f"/children/{person_id}/practice/disagreements/{item.pk}/?reason={opened.reason.code}",
        "practice:disagreement-new")


@never_cache
@require_child_access
@require_http_methods(["GET", "POST"])
def detail(request: HttpRequest, person_id: int, disagreement_id: int) -> HttpResponse:
    """One disagreement with its steps; POST escalates it by hand or records its outcome."""
    opened, page, using = opened_or_question(request, person_id)
    if opened is None:
        return page
    item = Disagreement.objects.using(using).filter(pk=disagreement_id, person_id=person_id).first()
    if item is None:
        raise Http404("no such disagreement about this child")
    if opened.scope.limited and opened.scope.agency_name not in (item.recorded_by_agency, item.agency.name):
        raise Http404("no such disagreement about this child")
    status = 200
    extra: dict = {}
    if request.method == "POST":
        act = request.POST.get("act")
        try:
            if act == "escalate":
                escalate(item, opened.actor.username, request.POST.get("note", ""), using)
            elif act == "resolve":
                resolve(item, request.POST.get("outcome", ""), opened.actor.username, using)
            else:
                raise PracticeError("act", "Choose to escalate the disagreement or record its outcome")
            access.log(opened, using, Action.RECORD_PRACTICE, what="disagreement", record=item.pk, step=act)
            return redirect(request.path + f"?reason={opened.reason.code}")
        except PracticeError as problem:
            item.refresh_from_db(using=using)
            extra, status = {**error_context(problem), "form": form_values(request.POST)}, 400
    else:
        sweep(using, person_id=person_id)
        item.refresh_from_db(using=using)
        access.log(opened, using, view="practice:disagreement", record=item.pk)
    return render(
        request,
        "practice/disagreement.html",
        {
            "person_id": person_id,
            "reason": opened.reason,
            "item": item,
            "stage_label": STAGE_LABELS[item.stage],
            "steps": [(s, STAGE_LABELS.get(s.stage, s.stage)) for s in item.steps.using(using).all()],
            "form": {},
            **extra,
        },
        status=status,
    )
