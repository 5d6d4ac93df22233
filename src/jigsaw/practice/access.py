"""Opening a child for a practice page: the same checks, in the same order, as the child's page.

Case access (role, current vetting and training: ``require_child_access`` on every view), the
agency scope (a practitioner only for a child their agency holds or is involved with), a lawful
reason named by *this* request (``reason`` in the query or the form: never kept, never a default),
and the gate (:mod:`jigsaw.signpost.gate`): a protected child is refused without a break-glass
override, and the refusal is logged. Only then is anything about the child read, and the access
log gets an entry first (:func:`log`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from jigsaw.audit.actor import Actor
from jigsaw.audit.models import Action
from jigsaw.signpost import gate
from jigsaw.signpost.models import Person
from jigsaw.signpost.scope import Scope, may_open, scope_of
from jigsaw.signpost.search import Reason, reason_named


class NoReason(Exception):
    """The request named no lawful reason (the page asks for one)."""


@dataclass(frozen=True)
class Opened:
    person: Person
    reason: Reason
    scope: Scope
    actor: Actor


def open_child(request: HttpRequest, person_id: int, using: str) -> Opened:
    """Every check before a practice page reads a child; raises 404, 403 or :class:`NoReason`."""
    person = Person.objects.using(using).filter(pk=person_id).first()
    if person is None:
        raise Http404("no such person")
    scope = scope_of(request.user, using)
    if person_id not in may_open(scope, [person_id], using):
        raise PermissionDenied("your agency holds no record of this child and is not involved with them")
    granted = gate.granted(request.session, person_id)
    source = request.POST if request.method == "POST" else request.GET
    reason = reason_named(source.get("reason"))
    if reason is None:
        raise NoReason()
    if person_id in gate.protected([person_id], using) - granted:
        # the 403 handler (jigsaw.web.refusals) writes the refusal, naming the child, to the access log
        raise PermissionDenied(
            "this child's record is protected: open the child's page to see whom to "
            "contact, or to break glass in an emergency"
        )
    actor = Actor.of(request)
    return Opened(person, reason, scope, actor)


def log(opened: Opened, using: str, action: str = Action.VIEW_CHILD, **detail: Any) -> None:
    """The access-log entry for this read or write of the child, before anything is shown."""
    opened.actor.log(
        action,
        using=using,
        person_id=opened.person.pk,
        reason=opened.reason.code,
        detail={"practice": True, **detail},
    )
