"""Who may see a review, and the access-log entry every view of one writes.

A review holds the child's chronology and the household's names, so a page of it is opened like
the child's record: a role with the ``review`` area, current vetting and training, the child's
shield respected (a shielded child's review opens only after the glass is broken on the child's
page), and an entry in the access log (as ``view_child``, with the review's id) before anything
is read. The lawful basis is the case review duty itself (Children Act 2004 ss16C-16F). The
board's and the themes' pages show no child and are open to the ``aggregates`` area too.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from jigsaw.accounts.roles import may, vetting_problem
from jigsaw.audit.actor import Actor
from jigsaw.audit.models import Action
from jigsaw.signpost.models import Person

from .models import CaseReview

REASON = "case_review"
REASON_TEXT = (
    "Children Act 2004 ss16C-16F: serious incident notification and child safeguarding practice review"
)


def require_review_access(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Role with the ``review`` area, vetted and trained; else 403 with the reason."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not may(request.user, "review"):
            raise PermissionDenied("your role does not give access to case reviews")
        problem = vetting_problem(request.user)
        if problem:
            raise PermissionDenied(f"you cannot open a case review: {problem}")
        return view(request, *args, **kwargs)

    wrapped.jigsaw_area = "review"  # type: ignore[attr-defined]
    return wrapped


def require_learning_access(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Figures across reviews (no child): the ``review`` or the ``aggregates`` area."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not (may(request.user, "review") or may(request.user, "aggregates")):
            raise PermissionDenied("your role does not give access to learning from case reviews")
        return view(request, *args, **kwargs)

    wrapped.jigsaw_area = "aggregates"  # type: ignore[attr-defined]
    return wrapped


def override_key(person_id: int) -> str:
    """The session key the child's page sets when the glass is broken (chronology's break glass)."""
    return f"jigsaw_override_{person_id}"


def check_shield(request: HttpRequest, review: CaseReview, using: str) -> None:
    """A shielded child's review opens only after the glass is broken on the child's page (this session)."""
    shielded = Person.objects.using(using).filter(pk=review.person_id, shielded=True).exists()
    if shielded and not request.session.get(override_key(review.person_id), False):
        raise PermissionDenied(
            "this child's record is shielded: open the child's page to see whom to contact, or to break glass"
        )


def log_view(
    request: HttpRequest, review: CaseReview, using: str, action: str = Action.VIEW_CHILD, **detail: Any
) -> None:
    """One access-log entry for a read of the review (of its child), before it is shown."""
    Actor.of(request).log(
        action,
        using=using,
        person_id=review.person_id,
        reason=REASON,
        reason_text=REASON_TEXT,
        detail={"case_review": review.pk, **detail},
    )
