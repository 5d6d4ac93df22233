"""The auditor's search of the access log: by user, child, dates and action, sorted and paged.

With no filter the answer is the most recent activity, newest first, so the page is never
blank. A child is given by person id or by name; a name is turned into person ids by the
signposting index (:mod:`jigsaw.audit.people`) and the page shows ids only: an auditor sees who
accessed whom and why, never case detail.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from jigsaw.feeds import date_from_parts

from . import people
from .models import AccessEntry, Action

#: Sort keys the page offers: key -> (label, order_by). "-" first means newest / Z first.
SORTS = {
    "newest": ("Newest first", ("-sequence",)),
    "oldest": ("Oldest first", ("sequence",)),
    "user": ("User, then newest", ("actor", "-sequence")),
    "action": ("Action, then newest", ("action", "-sequence")),
    "person": ("Person id, then newest", ("person_id", "-sequence")),
}
PAGE_SIZE = 50


@dataclass
class AuditQuery:
    """The filters as read from the page, and what went wrong reading them."""

    user: str = ""
    child: str = ""
    action: str = ""
    since: date | None = None
    until: date | None = None
    sort: str = "newest"
    errors: list[tuple[str, str]] = field(default_factory=list)
    person_ids: list[int] | None = None  # the child, resolved (None: no child asked for)
    by_name: bool = False

    @property
    def filtered(self) -> bool:
        return bool(self.user or self.child or self.action or self.since or self.until)


def read(params: Any, using: str) -> AuditQuery:
    """The query from GET parameters (``user, child, action, from-*, to-*, sort``)."""
    q = AuditQuery(user=params.get("user", params.get("username", "")).strip()[:150],
                   child=params.get("child", params.get("person_id", "")).strip()[:200],
                   action=params.get("action", "").strip(), sort=params.get("sort", "newest"))
    if q.action and q.action not in Action.values:
        q.errors.append(("action", "Choose an action from the list"))
    if q.sort not in SORTS:
        q.sort = "newest"
    for prefix, name in (("from", "since"), ("to", "until")):
        day, problem = date_from_parts(params.get(f"{prefix}-day", ""), params.get(f"{prefix}-month", ""),
                                       params.get(f"{prefix}-year", ""))
        if problem:
            q.errors.append((prefix, f"{'From' if prefix == 'from' else 'To'} date: {problem.lower()}"))
        setattr(q, name, day)
    if q.since and q.until and q.until < q.since:
        q.errors.append(("to", "The 'to' date must be the same as or after the 'from' date"))
    if q.child:
        if q.child.isdigit():
            q.person_ids = [int(q.child)]
        else:
            words = q.child.split()
            if len(words) < 2:
                q.errors.append(("child", "Enter a person id (a number) or the child's given and "
                                          "family name"))
            else:
                q.by_name = True
                q.person_ids = people.people_named(" ".join(words[:-1]), words[-1], using)
    return q


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def entries(q: AuditQuery, using: str) -> QuerySet[AccessEntry]:
    """The entries the query asks for, in its sort order (a lazy queryset, to page or stream)."""
    found = AccessEntry.objects.using(using).all()
    if q.user:
        found = found.filter(Q(actor__iexact=q.user) | Q(actor__icontains=q.user))
    if q.person_ids is not None:
        found = found.filter(person_id__in=q.person_ids)
    if q.action:
        found = found.filter(action=q.action)
    if q.since:
        found = found.filter(at__gte=_start_of(q.since))
    if q.until:
        found = found.filter(at__lt=_start_of(q.until + timedelta(days=1)))
    return found.order_by(*SORTS[q.sort][1])
