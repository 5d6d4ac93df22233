"""The practice records a subject access request returns: decisions about sharing, the child's
own words, disagreements and meetings about the person, with what needs a second look marked."""

from __future__ import annotations

from typing import Any

from jigsaw.practice.models import ChildVoice, Disagreement, Meeting, SharingDecision

NARRATIVE = "free text: check for other people"
STAFF = "a practitioner or member of staff"


def practice_sections(person_id: int, using: str) -> dict[str, list[dict[str, Any]]]:
    """One section per practice record kind, oldest first."""

    def day(value: Any) -> Any:
        return value.isoformat() if value is not None else None

    mine = {"person_id": person_id}
    return {
        "child_voice": [
            {"said_on": day(v.said_on), "how": v.get_how_display(), "words": v.words, "wishes": v.wishes,
             "recorded_by": v.recorded_by_name, "_redact": {"recorded_by": STAFF, "words": NARRATIVE}}
            for v in ChildVoice.objects.using(using).filter(**mine).order_by("said_on", "pk")
        ],
        "sharing_decisions": [
            {"decided_on": day(d.decided_on), "shared": d.share, "what": d.what, "with_agency": d.agency.name,
             "recipient": d.recipient, "purpose": d.purpose, "lawful_basis": d.lawful_basis,
             "recorded_by": d.recorded_by_name,
             "_redact": {"recipient": STAFF, "recorded_by": STAFF, "what": NARRATIVE, "purpose": NARRATIVE}}
            for d in SharingDecision.objects.using(using).filter(**mine).select_related("agency")
            .order_by("decided_on", "pk")
        ],
        "disagreements": [
            {"about": d.about, "with_agency": d.agency.name, "stage": d.stage, "status": d.status,
             "outcome": d.outcome, "raised_at": day(d.recorded_at), "resolved_at": day(d.resolved_at),
             "_redact": {"about": NARRATIVE, "outcome": NARRATIVE}}
            for d in Disagreement.objects.using(using).filter(**mine).select_related("agency")
            .order_by("recorded_at", "pk")
        ],
        "meetings": [
            {"kind": m.get_kind_display(), "held_on": day(m.held_on), "decisions": m.decisions,
             "actions": [{"action": a.action, "due_on": day(a.due_on), "done_on": day(a.done_on)}
                         for a in m.actions.all()],
             "_redact": {"decisions": NARRATIVE, "actions": NARRATIVE}}
            for m in Meeting.objects.using(using).filter(**mine).prefetch_related("actions")
            .order_by("held_on", "pk")
        ],
    }
