"""The partnership's practice figures: counts only, never a child (the ``aggregates`` area)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from jigsaw.accounts.roles import require_area
from jigsaw.audit.actor import Actor, db
from jigsaw.audit.models import Action

from .attendance import attendance_rows
from .escalation import STAGE_LABELS
from .quality import FLAGS, counts
from .reports import disagreement_figures
from .sharing import per_agency


@require_area("aggregates")
@require_GET
def figures(request: HttpRequest) -> HttpResponse:
    using = db()
    Actor.of(request).log(Action.VIEW_AGGREGATES, using=using, detail={"view": "practice:figures"})
    disagreements = disagreement_figures(None, None, using)
    quality = counts(using)
    return render(
        request,
        "practice/figures.html",
        {
            "sharing": per_agency(None, None, using),
            "disagreements": disagreements,
            "stages": [
                (
                    STAGE_LABELS[s],
                    disagreements["open_by_stage"].get(s, 0),
                    disagreements["resolved_by_stage"].get(s, 0),
                )
                for s in STAGE_LABELS
            ],
            "attendance": attendance_rows(None, None, using),
            "quality": [(label, quality[key]) for key, label in FLAGS.items()],
            "children_checked": quality["children_checked"],
        },
    )
