"""A purged person's practice records, deleted with them (:mod:`jigsaw.lifecycle.purge`).

Sharing decisions, disagreements (and their steps), meetings (with invitations and actions) and
the child's own words all name the person, so all go. Their chronology entries are events of the
practice source systems, linked to the person like any record, and leave with the records.
"""

from __future__ import annotations

from collections.abc import Sequence

from jigsaw.records.purge import chunks, delete_where

from .models import (
    ChildVoice,
    Disagreement,
    DisagreementStep,
    Invitation,
    Meeting,
    MeetingAction,
    SharingDecision,
)


def purge_people(person_ids: Sequence[int], using: str = "default") -> dict[str, int]:
    """Delete every practice row about these people; rows deleted per table."""
    people = list(person_ids)
    disagreements: list[int] = []
    meetings: list[int] = []
    for part in chunks(people):
        for model, ids in ((Disagreement, disagreements), (Meeting, meetings)):
            ids += model.objects.using(using).filter(person_id__in=part).values_list("id", flat=True)
    return {
        "practice_disagreementstep": delete_where(DisagreementStep, "disagreement_id", disagreements, using),
        "practice_disagreement": delete_where(Disagreement, "id", disagreements, using),
        "practice_invitation": delete_where(Invitation, "meeting_id", meetings, using),
        "practice_meetingaction": delete_where(MeetingAction, "meeting_id", meetings, using),
        "practice_meeting": delete_where(Meeting, "id", meetings, using),
        "practice_sharingdecision": delete_where(SharingDecision, "person_id", people, using),
        "practice_childvoice": delete_where(ChildVoice, "person_id", people, using),
    }
