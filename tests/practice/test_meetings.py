"""Multi-agency meetings: convened from the signposts, attendance by agency, decisions, actions
with owners and due dates; attendance rows for the board."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from jigsaw.practice.attendance import attendance_rows
from jigsaw.practice.models import Invitation, Meeting, MeetingAction
from jigsaw.records.models import Agency
from tests.conftest import BOTH
from tests.practice.conftest import NORTHTOWN, RIVERSIDE

pytestmark = pytest.mark.django_db(databases=BOTH)


def _parts(prefix: str, day: dt.date) -> dict[str, str]:
    return {f"{prefix}-day": str(day.day), f"{prefix}-month": str(day.month), f"{prefix}-year": str(day.year)}


def _convene(client, olivia, using, day: dt.date):
    riverside = Agency.objects.using(using).get(name=RIVERSIDE)
    return client.post(
        reverse("practice:meeting-new", args=[olivia]),
        {
            "reason": "s47",
            "kind": "core_group",
            **_parts("held_on", day),
            "chair": "Priya Shah",
            "invite": ["0"],
            "extra_agency": str(riverside.pk),
            "extra_practitioner": "Dr Karen Holt",
        },
    )


def test_a_core_group_invites_from_the_signposts_and_records_attendance(worker, olivia, loaded):
    today = timezone.localdate()
    form = worker.get(reverse("practice:meeting-new", args=[olivia]), {"reason": "s47"}).content.decode()
    assert "Priya Shah, Social worker, Northtown" in form  # the current involvement
    assert _convene(worker, olivia, loaded, today).status_code == 302
    meeting = Meeting.objects.using(loaded).get()
    invitations = list(Invitation.objects.using(loaded).filter(meeting=meeting).order_by("pk"))
    assert [(i.agency.name, i.practitioner) for i in invitations] == [
        (NORTHTOWN, "Priya Shah"),
        (RIVERSIDE, "Dr Karen Holt"),
    ]
    northtown = Agency.objects.using(loaded).get(name=NORTHTOWN)
    url = reverse("practice:meeting", args=[olivia, meeting.pk])
    bad = worker.post(
        url,
        {
            "reason": "s47",
            "attended": [str(invitations[0].pk)],
            "decisions": "Plan continues",
            "action-0": "Visit weekly",
            "owner-0": "Priya Shah",
            "owner_agency-0": "31337",
            **_parts("due_on-0", today + dt.timedelta(days=7)),
        },
    )
    assert bad.status_code == 400 and "that agency is not known" in bad.content.decode()
    assert not MeetingAction.objects.using(loaded).exists()
    done = worker.post(
        url,
        {
            "reason": "s47",
            "attended": [str(invitations[0].pk)],
            "decisions": "Plan continues",
            "action-0": "Visit weekly",
            "owner-0": "Priya Shah",
            "owner_agency-0": str(northtown.pk),
            **_parts("due_on-0", today + dt.timedelta(days=7)),
        },
    )
    assert done.status_code == 302
    page = worker.get(url, {"reason": "s47"}).content.decode()
    assert "Did not attend" in page and "Visit weekly" in page
    rows = attendance_rows(today - dt.timedelta(days=1), today, loaded)
    assert rows == [
        {
            "kind": "core_group",
            "kind_label": "Core group meeting",
            "agency": NORTHTOWN,
            "invited": 1,
            "attended": 1,
            "meetings": 1,
        },
        {
            "kind": "core_group",
            "kind_label": "Core group meeting",
            "agency": RIVERSIDE,
            "invited": 1,
            "attended": 0,
            "meetings": 1,
        },
    ]
    assert attendance_rows(today + dt.timedelta(days=1), None, loaded) == []


def test_attendance_waits_for_the_meeting_and_an_invitation_is_needed(worker, olivia, loaded):
    future = timezone.localdate() + dt.timedelta(days=3)
    assert _convene(worker, olivia, loaded, future).status_code == 302
    meeting = Meeting.objects.using(loaded).get()
    response = worker.post(
        reverse("practice:meeting", args=[olivia, meeting.pk]), {"reason": "s47", "decisions": "x"}
    )
    assert response.status_code == 400 and "has not happened yet" in response.content.decode()
    meeting.refresh_from_db()
    assert not meeting.attendance_recorded
    nobody = worker.post(
        reverse("practice:meeting-new", args=[olivia]),
        {"reason": "s47", "kind": "strategy_discussion", **_parts("held_on", future)},
    )
    assert nobody.status_code == 400 and "Invite at least one" in nobody.content.decode()
    assert Meeting.objects.using(loaded).count() == 1
