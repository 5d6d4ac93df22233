"""What a child's page shows of the practice records: a context for ``practice/_child_panel.html``.

Called only after the page has opened the child (gate, vetting, reason, access-log entry): it
reads the same child for the same reason. An agency-scoped practitioner sees their own agency's
records (recorded by it, or naming it), as the chronology shows them their agency's events.
Listing the disagreements first escalates any whose stage has run out of time.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connections
from django.db.models import Q

from jigsaw.signpost.scope import Scope

from .bases import BY_CODE
from .escalation import STAGE_LABELS, sweep
from .models import ChildVoice, Disagreement, Meeting, SharingDecision
from .quality import FLAGS, for_child, from_record


def _mine(rows, scope: Scope, field: str = "agency__name"):
    if not scope.limited:
        return rows
    return rows.filter(Q(recorded_by_agency=scope.agency_name) | Q(**{field: scope.agency_name}))


#: Whether a child has any practice record, asked of the four tables at once. As SQL: every child's
#: page asks it, and composing the four querysets' union cost more than the query (one prepared
#: statement on PostgreSQL).
_TABLES = [model._meta.db_table for model in (SharingDecision, Disagreement, Meeting, ChildVoice)]
_ANY_RECORDS = "SELECT " + " OR ".join(  # noqa: S608 (the four tables' names only)
    [f"EXISTS (SELECT 1 FROM {table} WHERE person_id = %s)" for table in _TABLES])  # noqa: S608


def _any_records(person_id: int, using: str) -> bool:
    """Whether the child has any practice record at all."""
    with connections[using].cursor() as cursor:
        cursor.execute(_ANY_RECORDS, [person_id] * 4)
        return bool(cursor.fetchone()[0])


def child_panel(person_id: int, reason_code: str, scope: Scope, using: str,
                entries: Sequence[Any] | None = None,
                signposts: Sequence[Any] | None = None) -> dict[str, Any]:
    """The child's practice records, newest first, and their record-quality flags.

    ``entries`` and ``signposts``: the child's own chronology entries (every agency's, as read) and
    signposts when the page has them, so the flags come from them instead of five more queries.
    """
    if entries is not None and signposts is not None:
        quality = from_record(person_id, entries, signposts)
    else:
        quality = for_child(person_id, using)
    panel: dict[str, Any] = {"person_id": person_id, "reason_code": reason_code, "quality": quality,
                             "flags": [(FLAGS[k], v) for k, v in quality.flags.items()],
                             "decisions": [], "disagreements": [], "meetings": [], "voices": []}
    if not _any_records(person_id, using):  # most children: one query instead of five
        return panel
    sweep(using, person_id=person_id)
    decisions = _mine(SharingDecision.objects.using(using).filter(person_id=person_id), scope)
    disagreements = _mine(Disagreement.objects.using(using).filter(person_id=person_id), scope)
    meetings = _mine(
        Meeting.objects.using(using).filter(person_id=person_id), scope, "invitations__agency__name"
    ).distinct()
    voices = ChildVoice.objects.using(using).filter(person_id=person_id)
    if scope.limited:
        voices = voices.filter(recorded_by_agency=scope.agency_name)
    panel["decisions"] = [(d, BY_CODE.get(d.lawful_basis))
                          for d in decisions.select_related("agency").order_by("-decided_on", "-pk")[:20]]
    panel["disagreements"] = [
        (d, STAGE_LABELS.get(d.stage, d.stage))
        for d in disagreements.select_related("agency").order_by("status", "-recorded_at")[:20]]
    panel["meetings"] = list(meetings.order_by("-held_on", "-pk")[:20])
    panel["voices"] = list(voices.order_by("-said_on", "-pk")[:20])
    return panel
