"""Pages for the review manager, reviewers and the board.

Every page of one review writes the access log (as a read of the child's record, with the
review's id) before reading anything; every step is a POST with CSRF, validated by the services,
and a refusal is shown as a GOV.UK error with nothing changed.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from jigsaw.audit.actor import Actor
from jigsaw.audit.models import Action
from jigsaw.records.database import db
from jigsaw.signpost.models import Person

from . import actions, clocks, evidence, signoff
from .access import check_shield, log_view, require_learning_access, require_review_access
from .models import (
    CaseReview,
    Contribution,
    EvidenceSnapshot,
    Notification,
    PlanAction,
    RedactionItem,
    Stage,
    Transition,
)
from .redact import redact_final_report
from .services import open_review
from .steps import HANDLERS, day
from .themes import FAMILIES, THEMES, theme_table
from .workflow import ReviewError


def _review(request: HttpRequest, review_id: int, using: str) -> CaseReview:
    review = CaseReview.objects.using(using).filter(pk=review_id).first()
    if review is None:
        raise Http404("no such case review")
    check_shield(request, review, using)
    return review


@never_cache
@require_review_access
@require_GET
def review_list(request: HttpRequest) -> HttpResponse:
    using = db()
    clocks.raise_overdue(using=using)
    today = timezone.localdate()
    rows = []
    shielded = set(
        Person.objects.using(using)
        .filter(shielded=True, case_reviews__isnull=False)
        .values_list("pk", flat=True)
    )
    for review in CaseReview.objects.using(using).order_by("-pk"):
        log_view(request, review, using, listed=True)
        found = clocks.clocks_of(review, using)
        rows.append(
            {
                "review": review,
                "clocks": found,
                "overdue": any(c.overdue(today) for c in found),
                "shielded": review.person_id in shielded,
            }
        )
    return render(request, "reviews/list.html", {"rows": rows, "today": today})


@never_cache
@require_review_access
@require_http_methods(["GET", "POST"])
def review_new(request: HttpRequest) -> HttpResponse:
    errors: list[tuple[str, str]] = []
    if request.method == "POST":
        using = db()
        form = request.POST
        try:
            person_id = int(form.get("person_id", ""))
        except ValueError:
            errors.append(("person_id", "Enter the child's person id"))
        if not errors:
            looked_after = {"yes": True, "no": False}.get(form.get("looked_after", ""))
            try:
                with transaction.atomic(using=using):
                    review = open_review(
                        person_id,
                        day(form, "aware_on"),
                        form.get("harm", ""),
                        Actor.of(request).username,
                        incident_on=day(form, "incident_on", False),
                        abuse=form.get("abuse", "suspected"),
                        looked_after=looked_after,
                        using=using,
                    )
                    log_view(request, review, using, step="open")
            except ReviewError as exc:
                errors.append(("person_id", str(exc)[:1].upper() + str(exc)[1:]))
            else:
                return redirect("reviews:review", review_id=review.pk)
    return render(
        request, "reviews/new.html", {"errors": errors, "form": request.POST}, status=400 if errors else 200
    )


@never_cache
@require_review_access
@require_http_methods(["GET", "POST"])
def review_page(request: HttpRequest, review_id: int) -> HttpResponse:
    using = db()
    review = _review(request, review_id, using)
    errors: list[tuple[str, str]] = []
    if request.method == "POST":
        do = request.POST.get("do", "")
        handler = HANDLERS.get(do)
        if handler is None:
            errors.append(("steps", "Choose a step"))
        else:
            try:
                with transaction.atomic(using=using):
                    handler(review, request.POST, Actor.of(request).username, using)
                    log_view(request, review, using, step=do)
            except ReviewError as exc:
                errors.append((do, str(exc)[:1].upper() + str(exc)[1:]))
            else:
                return redirect("reviews:review", review_id=review.pk)
        review.refresh_from_db(using=using)
    else:
        log_view(request, review, using)
    return render(
        request, "reviews/review.html", _context(review, errors, using), status=400 if errors else 200
    )


def _context(review: CaseReview, errors: list, using: str) -> dict[str, Any]:
    today = timezone.localdate()
    snapshot = EvidenceSnapshot.objects.using(using).filter(review=review).first()
    report = signoff.current_report(review, using)
    plan = []
    for rec in review.recommendations.using(using).prefetch_related("actions"):
        plan.append(
            {
                "rec": rec,
                "actions": [{"a": a, "overdue": actions.is_overdue(a, today)} for a in rec.actions.all()],
            }
        )
    coded = set(review.themes.using(using).values_list("theme", flat=True))
    return {
        "review": review,
        "errors": errors,
        "today": today,
        "clocks": clocks.clocks_of(review, using),
        "notices": Notification.objects.using(using)
        .filter(review=review)
        .exclude(recipient=Notification.PANEL),
        "transitions": Transition.objects.using(using).filter(review=review),
        "snapshot": snapshot,
        "contributions": Contribution.objects.using(using).filter(review=review),
        "report": report,
        "pending": signoff.pending(report, using) if report else None,
        "plan": plan,
        "statuses": PlanAction.STATUSES,
        "stage": Stage,
        "themes": [(FAMILIES[f], [(t, t.code in coded) for t in THEMES if t.family == f]) for f in FAMILIES],
        "anonymised_entries": (snapshot.anonymised["entries"][:200] if snapshot else []),
    }


@never_cache
@require_review_access
@require_http_methods(["GET", "POST"])
def redaction_page(request: HttpRequest, review_id: int) -> HttpResponse:
    """Upload the redaction report; approve or change each replacement."""
    using = db()
    review = _review(request, review_id, using)
    errors: list[tuple[str, str]] = []
    actor = Actor.of(request)
    if request.method == "POST":
        try:
            with transaction.atomic(using=using):
                if "final" in request.FILES:
                    log_view(request, review, using, action=Action.EXPORT, what="redacted_report")
                    return _redacted(
                        review,
                        request.FILES["final"],
                        request.POST.get("model") == "1",
                        actor.username,
                        using,
                    )
                if "report" in request.FILES:
                    upload = request.FILES["report"]
                    if upload.size > 5_000_000:
                        raise ReviewError("the redaction report is larger than 5 MB")
                    signoff.upload(review.pk, upload.read(), upload.name, actor.username, using)
                    step = "redaction_report"
                else:
                    index = int(request.POST.get("item", "0") or 0)
                    signoff.decide_item(
                        review.pk,
                        index,
                        request.POST.get("decision", ""),
                        actor.username,
                        request.POST.get("replacement", ""),
                        using,
                    )
                    step = "redaction_decision"
                log_view(request, review, using, step=step)
        except (ReviewError, ValueError) as exc:
            errors.append(("report", str(exc)[:1].upper() + str(exc)[1:]))
        else:
            return redirect("reviews:redaction", review_id=review.pk)
    else:
        log_view(request, review, using, what="redaction")
    report = signoff.current_report(review, using)
    items = list(RedactionItem.objects.using(using).filter(report=report)) if report else []
    return render(
        request,
        "reviews/redaction.html",
        {
            "review": review,
            "report": report,
            "items": items,
            "errors": errors,
            "pending": sum(i.decision == RedactionItem.PENDING for i in items),
            "open": review.stage == Stage.FINAL_REPORT,
        },
        status=400 if errors else 200,
    )


def _redacted(review: CaseReview, final: Any, use_model: bool, by: str, using: str) -> HttpResponse:
    """Run the redaction engine on the uploaded final report; attach the report; send the copy back."""
    if final.size > 20_000_000:
        raise ReviewError("the final report is larger than 20 MB")
    suffix = Path(final.name).suffix.lower()[:10]
    with tempfile.TemporaryDirectory(prefix="jigsaw-redact-") as folder:
        source, target = Path(folder) / f"final{suffix}", Path(folder) / f"redacted{suffix}"
        with source.open("wb") as out:
            for chunk in final.chunks():
                out.write(chunk)
        redact_final_report(review.pk, source, target, by, use_model=use_model, using=using)
        data = target.read_bytes()
    kind = (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        if suffix == ".docx"
        else "text/plain; charset=utf-8"
    )
    response = HttpResponse(data, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="{review.reference}-redacted{suffix}"'
    return response


@never_cache
@require_review_access
@require_GET
def pack_export(request: HttpRequest, review_id: int) -> HttpResponse:
    """The frozen evidence pack as JSON; ``anonymise=1`` for roles instead of names."""
    using = db()
    review = _review(request, review_id, using)
    anonymise = request.GET.get("anonymise") == "1"
    log_view(request, review, using, action=Action.EXPORT, what="evidence_pack", anonymised=anonymise)
    try:
        data = evidence.pack(review, anonymise, using)
    except ReviewError as exc:
        return HttpResponse(str(exc), status=404, content_type="text/plain")
    response = HttpResponse(json.dumps(data, indent=2, default=str), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="evidence-pack-{review.pk}.json"'
    return response


@never_cache
@require_learning_access
@require_GET
def board_page(request: HttpRequest) -> HttpResponse:
    """Action plans across every review: no child, only references, agencies and dates."""
    using = db()
    today = timezone.localdate()
    return render(
        request,
        "reviews/board.html",
        {"board": actions.board(today, using), "overdue": actions.overdue_actions(today, using)},
    )


@never_cache
@require_learning_access
@require_GET
def themes_page(request: HttpRequest) -> HttpResponse:
    table = theme_table(db())
    years = list(table["years"])
    rows = [{**row, "cells": [row["years"][y] for y in years]} for row in table["rows"]]
    return render(
        request, "reviews/themes.html", {"table": table, "years": years, "rows": rows, "families": FAMILIES}
    )
