"""Web forms for the quality-assurance records: drawing a case-file audit sample, grading a file,
and recording a practitioner's supervision.

Who (the area table in :mod:`jigsaw.accounts.roles`, nothing beside it):

- drawing a sample and seeing each programme's progress shows no child: the ``aggregates`` area
  (an analyst, a safeguarding lead, a board member);
- the files of a programme and the grading form name the child (by their Jigsaw id, with a link
  to their record, which opens through its own checks): both ``aggregates`` and ``review``, with
  current vetting (a safeguarding lead); every page naming a child writes an access-log entry
  about that child first;
- supervision names practitioners, not children: Jigsaw has no team-manager role, so the
  safeguarding lead, the role that both oversees cases and reads the partnership picture, records
  it (docs/insight.md).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from jigsaw.accounts.roles import refusal, require_area
from jigsaw.audit.actor import Actor, db
from jigsaw.audit.models import Action
from jigsaw.feeds import EVENT_TYPES, date_from_parts, event_label

from . import audits, workforce
from .models import AuditProgramme, CaseAudit

MAX_SAMPLE = 500
GRADE_WORDS = "good, requires improvement or inadequate"
#: Why a safeguarding lead reads a sampled child's file: the safeguarding partners' assurance of
#: their arrangements (Working Together to Safeguard Children 2023, chapter 2).
REASON_TEXT = "Case-file audit: the partners' quality assurance (Working Together 2023, chapter 2)"


def require_quality_lead(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Both the ``aggregates`` and the ``review`` areas (vetted and trained); else 403 with the reason."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        problem = refusal(request.user, "aggregates") or refusal(request.user, "review")
        if problem:
            raise PermissionDenied(problem)
        return view(request, *args, **kwargs)

    wrapped.jigsaw_area = "review"  # type: ignore[attr-defined]
    return wrapped


def _themes() -> list[tuple[str, str]]:
    return sorted(((name, event_label(name)) for name in EVENT_TYPES), key=lambda t: t[1])


def _draw_problems(data: Any) -> tuple[list[tuple[str, str]], dict[str, Any]]:
    errors: list[tuple[str, str]] = []
    name = (data.get("name") or "").strip()
    if not name:
        errors.append(("name", "Enter a name for the audit programme, for example ‘Neglect, spring 2026’"))
    size_text = (data.get("size") or "").strip()
    size = int(size_text) if size_text.isdigit() else 0
    if not 1 <= size <= MAX_SAMPLE:
        errors.append(("size", f"Enter how many files to sample, a whole number from 1 to {MAX_SAMPLE}"))
    theme = (data.get("theme") or "").strip()
    if theme and theme not in EVENT_TYPES:
        errors.append(("theme", "Choose a theme from the list, or ‘Any child’ for a random sample"))
    seed_text = (data.get("seed") or "").strip()
    if seed_text and not seed_text.isdigit():
        errors.append(("seed", "Enter the seed as a whole number, or leave it blank"))
    seed = int(seed_text) if seed_text.isdigit() else 0
    return errors, {"name": name, "size": size, "theme": theme, "seed": seed}


@never_cache
@require_area("aggregates")
@require_http_methods(["GET", "POST"])
def audits_page(request: HttpRequest) -> HttpResponse:
    """The programmes (files sampled and audited, no child) and the form to draw a new sample."""
    using = db()
    status, extra = 200, {}
    if request.method == "POST":
        errors, got = _draw_problems(request.POST)
        if not errors:
            try:
                programme = audits.draw(got["name"], got["size"], using, theme=got["theme"], seed=got["seed"],
                                        on=timezone.localdate())
            except ValueError as problem:  # no child qualifies for the theme
                errors = [("theme", f"{str(problem).capitalize()}: choose another theme or ‘Any child’")]
            else:
                Actor.of(request).log(Action.VIEW_AGGREGATES, using=using,
                                      detail={"view": "insight:audits", "drew": programme.pk})
                return redirect(reverse("insight:audits") + f"?drawn={programme.pk}")
        status = 400
        extra = {"errors": errors, "field_errors": dict(errors), "form": request.POST}
    else:
        Actor.of(request).log(Action.VIEW_AGGREGATES, using=using, detail={"view": "insight:audits"})
    rows = [(p, sampled, done) for p, sampled, done, _counts in audits.results(using)]
    may_grade = refusal(request.user, "review") is None
    return render(request, "insight/audits.html", {
        "rows": rows, "themes": _themes(), "form": {}, "may_grade": may_grade, "max_sample": MAX_SAMPLE,
        "drawn": request.GET.get("drawn", ""),
        "size_hint": f"A whole number from 1 to {MAX_SAMPLE}", **extra,
    }, status=status)


@never_cache
@require_quality_lead
@require_http_methods(["GET"])
def programme_page(request: HttpRequest, programme_id: int) -> HttpResponse:
    """The files of one programme: each child's id, a link to their record and whether it is graded."""
    using = db()
    programme = AuditProgramme.objects.using(using).filter(pk=programme_id).first()
    if programme is None:
        raise Http404("no such audit programme")
    files = list(programme.audits.using(using).order_by("id"))
    Actor.of(request).log_many(
        Action.VIEW_CHILD,
        [(f.person_id, {"view": "insight:audit-programme", "programme": programme.pk}) for f in files],
        using=using,
    )
    return render(request, "insight/audit_programme.html", {"programme": programme, "files": files})


def _grade_problems(audit: CaseAudit, data: Any) -> tuple[list[tuple[str, str]], dict[str, str]]:
    errors, grades = [], {}
    for n, question in enumerate(audit.programme.questions, start=1):
        got = data.get(f"q{n}", "")
        if got not in audits.GRADES:
            errors.append((f"q{n}", f"Choose a grade for question {n}: {GRADE_WORDS}"))
        else:
            grades[question] = got
    if any(g != "good" for g in grades.values()) and not (data.get("actions") or "").strip():
        errors.append(("actions", "Enter the actions agreed: a file graded below good needs an action"))
    return errors, grades


@never_cache
@require_quality_lead
@require_http_methods(["GET", "POST"])
def audit_file_page(request: HttpRequest, programme_id: int, audit_id: int) -> HttpResponse:
    """Grade one sampled file against the programme's questions, with the actions agreed."""
    using = db()
    audit = (CaseAudit.objects.using(using).select_related("programme")
             .filter(pk=audit_id, programme_id=programme_id).first())
    if audit is None:
        raise Http404("no such file in this audit programme")
    actor = Actor.of(request)
    # the page names the child: the log entry comes first, for a look and for a grading alike
    actor.log(Action.VIEW_CHILD, using=using, person_id=audit.person_id, reason_text=REASON_TEXT,
              detail={"view": "insight:audit-file", "case_audit": audit.pk})
    status, extra = 200, {}
    if request.method == "POST":
        errors, grades = _grade_problems(audit, request.POST)
        if not errors:
            audits.record(audit.pk, grades, (request.POST.get("actions") or "").strip(), actor.name, using,
                          on=timezone.localdate())
            actor.log(Action.RECORD_PRACTICE, using=using, person_id=audit.person_id, reason_text=REASON_TEXT,
                      detail={"recorded": "case_audit", "case_audit": audit.pk})
            return redirect(reverse("insight:audit-programme", args=[programme_id]) + f"?graded={audit.pk}")
        status = 400
        extra = {"errors": errors, "field_errors": dict(errors)}
    posted = request.method == "POST"
    problems = extra.get("field_errors", {})
    questions = [
        (n, q, request.POST.get(f"q{n}", "") if posted else audit.grades.get(q, ""),
         problems.get(f"q{n}", ""))
        for n, q in enumerate(audit.programme.questions, start=1)
    ]
    return render(request, "insight/audit_file.html", {
        "audit": audit, "questions": questions, "grades": list(audits.GRADES.items()),
        "form": {"actions": request.POST.get("actions", "") if posted else audit.actions}, **extra,
    }, status=status)


def _supervision_problems(data: Any) -> tuple[list[tuple[str, str]], Any]:
    errors = []
    for field, what in (("worker", "the practitioner supervised"), ("supervisor", "who supervised them")):
        if not (data.get(field) or "").strip():
            errors.append((field, f"Enter {what}"))
    held_on, problem = date_from_parts(data.get("held_on-day", ""), data.get("held_on-month", ""),
                                       data.get("held_on-year", ""))
    if problem or held_on is None:
        message = problem or "Enter the date of the supervision"
        errors.append(("held_on", f"{message}, for example 27 3 2026"))
    elif held_on > timezone.localdate():
        errors.append(("held_on", "The date of the supervision must be today or in the past"))
    if not (data.get("decisions") or "").strip():
        errors.append(("decisions", "Enter the decisions recorded, or ‘none’ if the supervision made none"))
    return errors, held_on


@never_cache
@require_quality_lead
@require_http_methods(["GET", "POST"])
def supervision_page(request: HttpRequest) -> HttpResponse:
    """Record a practitioner's supervision: when, with whom, and the decisions (no child named)."""
    using = db()
    if request.method == "POST":
        errors, held_on = _supervision_problems(request.POST)
        if not errors:
            data = request.POST
            workforce.record_supervision(data["worker"], data["supervisor"], held_on,
                                         data["decisions"].strip(), using)
            return redirect(reverse("insight:quality") + "#supervision-heading")
        form = {k.replace("-", "_"): v for k, v in request.POST.items()}
        return render(request, "insight/supervision_new.html",
                      {"errors": errors, "field_errors": dict(errors), "form": form,
                       "days": workforce.frequency_days()}, status=400)
    return render(request, "insight/supervision_new.html", {"form": {}, "days": workforce.frequency_days()})
