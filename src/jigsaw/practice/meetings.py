"""Multi-agency meetings about a child: convene, invite from the signposts, record what happened.

Working Together to Safeguard Children 2023 (chapter 4) names the meetings: a strategy discussion
when there is reasonable cause to suspect significant harm; an initial (and review) child
protection conference; and the core group that carries out the child protection plan. Principle 5
of learning from serious incidents asks that the right agencies are there, so attendance is
recorded by agency, and every decision and action is kept with an owner and a due date.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from jigsaw.audit.models import Action
from jigsaw.records.models import agencies_by_name
from jigsaw.signpost.signposts import Signpost, signposts_for

from . import checks
from .access import Opened, log
from .models import Invitation, Meeting, MeetingAction

KINDS = dict(Meeting.KINDS)
#: rows of actions a meeting form offers (blank rows are ignored)
ACTION_ROWS = 3


def invitable(person_id: int, using: str) -> list[Signpost]:
    """The practitioners currently involved with the child, as the signposts name them."""
    return [s for s in signposts_for(person_id, using) if s.current and s.origin == "involvement"]


def convene(opened: Opened, data: dict[str, Any], invited: list[str], using: str) -> Meeting:
    """A meeting with its invitations: the chosen signposts (by position) and any agency added."""
    kind = str(data.get("kind", "")).strip()
    if kind not in KINDS:
        raise checks.PracticeError("kind", "Select the kind of meeting")
    held_on = checks.any_date(data.get("held_on"), "held_on", "the date of the meeting")
    chair = checks.optional(data.get("chair"))
    posts = invitable(opened.person.pk, using)
    names = agencies_by_name(using)
    guests: list[tuple[int, str, str]] = []
    for choice in invited:
        if not choice.isdigit() or int(choice) >= len(posts):
            raise checks.PracticeError("invite", "Select practitioners from the list")
        post = posts[int(choice)]
        agency_id = names.get(post.agency.casefold())
        if agency_id is None:
            raise checks.PracticeError(
                "invite",
                f"{post.agency} is not an agency of this partnership; ask an administrator to add it",
            )
        guests.append((agency_id, post.practitioner, post.role))
    if (data.get("extra_agency") or "").strip():
        extra = checks.agency(data.get("extra_agency"), "extra_agency", using)
        guests.append((extra.pk, checks.optional(data.get("extra_practitioner")), ""))
    if not guests:
        raise checks.PracticeError("invite", "Invite at least one practitioner or agency")
    actor = opened.actor
    with transaction.atomic(using=using):
        meeting = Meeting.objects.using(using).create(
            person_id=opened.person.pk,
            recorded_by=actor.username,
            recorded_by_name=actor.name[:200],
            recorded_by_agency=actor.agency[:200],
            recorded_at=timezone.now(),
            kind=kind,
            held_on=held_on,
            chair=chair,
        )
        Invitation.objects.using(using).bulk_create(
            [Invitation(meeting=meeting, agency_id=a, practitioner=p, role=r) for a, p, r in guests]
        )
        log(
            opened,
            using,
            Action.RECORD_PRACTICE,
            what="meeting",
            record=meeting.pk,
            step="convened",
            kind=kind,
        )
    return meeting


def record_outcome(
    opened: Opened, meeting: Meeting, data: Any, using: str, today: date | None = None
) -> Meeting:
    """Attendance by invitation, the decisions and the actions (owner, agency, due date)."""
    if meeting.held_on > (today or timezone.localdate()):
        raise checks.PracticeError(
            "attended", "The meeting has not happened yet: record attendance on or after the day it is held"
        )
    invitations = list(meeting.invitations.using(using).all())
    attended = set(data.getlist("attended")) if hasattr(data, "getlist") else set(data.get("attended", []))
    unknown = attended - {str(i.pk) for i in invitations}
    if unknown:
        raise checks.PracticeError("attended", "Select attendance from the list of invitations")
    decisions = checks.text(data.get("decisions"), "decisions", "the decisions the meeting made")
    actions = []
    for n in range(ACTION_ROWS):
        what = (data.get(f"action-{n}") or "").strip()
        if not what:
            continue
        owner = checks.text(data.get(f"owner-{n}"), f"owner-{n}", "who owns the action", 200)
        agency = checks.agency(data.get(f"owner_agency-{n}"), f"owner_agency-{n}", using)
        due = checks.any_date(data.get(f"due_on-{n}"), f"due_on-{n}", "the date the action is due")
        if due < meeting.held_on:
            raise checks.PracticeError(f"due_on-{n}", "An action cannot be due before the meeting")
        actions.append(
            MeetingAction(meeting=meeting, action=what[:2000], owner=owner, owner_agency=agency, due_on=due)
        )
    with transaction.atomic(using=using):
        for invitation in invitations:
            invitation.attended = str(invitation.pk) in attended
            invitation.save(using=using, update_fields=["attended"])
        meeting.decisions, meeting.attendance_recorded = decisions, True
        meeting.save(using=using, update_fields=["decisions", "attendance_recorded"])
        MeetingAction.objects.using(using).bulk_create(actions)
        log(
            opened,
            using,
            Action.RECORD_PRACTICE,
            what="meeting",
            record=meeting.pk,
            step="outcome",
            attended=sum(i.attended for i in invitations),
            invited=len(invitations),
            actions=len(actions),
        )
    return meeting
