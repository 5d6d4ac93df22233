"""Practice records: what a practitioner decided, disputed, convened and heard, about one child.

Each row names the resolved person (``signpost.Person``, protected like a case review's: a
person with practice records is never silently dropped) and who recorded it, from their account
(``Actor``), never typed in. Sharing decisions and the child's words also become chronology
entries (``records.Event`` rows in the recording agency's practice source system, see
:mod:`jigsaw.practice.entries`), so they sit in date order beside every agency's facts.
"""

from __future__ import annotations

from django.db import models

from jigsaw.records.models import Agency, Event
from jigsaw.signpost.models import Person


class Recorded(models.Model):
    """Who recorded a practice record, and when (from the account, never typed)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.CharField(max_length=150)  # username
    recorded_by_name = models.CharField(max_length=200)
    recorded_by_agency = models.CharField(max_length=200, blank=True)
    recorded_at = models.DateTimeField()

    class Meta:
        abstract = True


class SharingDecision(Recorded):
    """A decision to share information about a child, or not to (DfE information sharing advice)."""

    decided_on = models.DateField()
    share = models.BooleanField()
    what = models.TextField()  # what was (or would have been) shared
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")  # with whom
    recipient = models.CharField(max_length=200, blank=True)  # the person there, when known
    purpose = models.TextField()  # why: the reasons for the decision
    lawful_basis = models.CharField(max_length=40, blank=True)  # jigsaw.practice.bases; blank: not shared
    event = models.ForeignKey(Event, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["person", "decided_on"]), models.Index(fields=["decided_on"])]

    def __str__(self) -> str:  # ids only: str() may reach a log
        return f"sharing decision {self.pk}"


class Disagreement(Recorded):
    """A professional disagreement about a decision on a child, escalated stage by stage."""

    OPEN, RESOLVED = "open", "resolved"
    STATUSES = [(OPEN, "Open"), (RESOLVED, "Resolved")]
    about = models.TextField()  # the decision disagreed with
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")  # the other agency
    with_whom = models.CharField(max_length=200, blank=True)
    stage = models.CharField(max_length=20)  # jigsaw.practice.escalation.STAGES
    stage_started_at = models.DateTimeField()
    stage_due_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=STATUSES, default=OPEN)
    outcome = models.TextField(blank=True)
    resolved_at = models.DateTimeField(null=True)

    class Meta:
        indexes = [models.Index(fields=["status", "stage_due_at"]), models.Index(fields=["person"])]

    def __str__(self) -> str:
        return f"disagreement {self.pk} ({self.stage}, {self.status})"


class DisagreementStep(models.Model):
    """One step of a disagreement: raised, escalated (by hand or by its timer), resolved."""

    RAISED, ESCALATED, TIMED_OUT, RESOLVED = "raised", "escalated", "timed_out", "resolved"
    STEPS = [
        (RAISED, "Raised"),
        (ESCALATED, "Escalated"),
        (TIMED_OUT, "Escalated when its time ran out"),
        (RESOLVED, "Resolved"),
    ]
    disagreement = models.ForeignKey(Disagreement, on_delete=models.CASCADE, related_name="steps")
    step = models.CharField(max_length=10, choices=STEPS)
    stage = models.CharField(max_length=20)  # the stage it went to (or was resolved at)
    by = models.CharField(max_length=150)
    note = models.TextField(blank=True)
    at = models.DateTimeField()
    alert_id = models.BigIntegerField(null=True)  # the alert it raised, if any

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.step} disagreement {self.disagreement_id}"


class Meeting(Recorded):
    """A multi-agency meeting about a child (Working Together 2023, chapter 4)."""

    STRATEGY, CONFERENCE, CORE_GROUP = "strategy_discussion", "cp_conference", "core_group"
    KINDS = [
        (STRATEGY, "Strategy discussion"),
        (CONFERENCE, "Child protection conference"),
        (CORE_GROUP, "Core group meeting"),
    ]
    kind = models.CharField(max_length=20, choices=KINDS)
    held_on = models.DateField()
    chair = models.CharField(max_length=200, blank=True)
    decisions = models.TextField(blank=True)
    attendance_recorded = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["held_on", "kind"]), models.Index(fields=["person"])]

    def __str__(self) -> str:
        return f"meeting {self.pk} ({self.kind})"


class Invitation(models.Model):
    """A practitioner (from the child's signposts, or added by hand) invited to a meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitations")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    practitioner = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=200, blank=True)
    attended = models.BooleanField(null=True)  # None until attendance is recorded

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"invitation {self.pk} to meeting {self.meeting_id}"


class MeetingAction(models.Model):
    """An action agreed at a meeting, with its owner and due date."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="actions")
    action = models.TextField()
    owner = models.CharField(max_length=200)
    owner_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    done_on = models.DateField(null=True)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return f"action {self.pk} of meeting {self.meeting_id}"


class ChildVoice(Recorded):
    """The child's own words and wishes, as the child expressed them (not an adult's reading)."""

    HOW = [
        ("seen_alone", "Seen and spoken to alone"),
        ("seen_with_carer", "Seen with a parent or carer"),
        ("heard", "Heard (phone, message, advocate)"),
        ("observed", "Observed (a child too young to say)"),
    ]
    said_on = models.DateField()
    how = models.CharField(max_length=20, choices=HOW)
    words = models.TextField()
    wishes = models.TextField(blank=True)
    event = models.ForeignKey(Event, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["person", "said_on"])]

    def __str__(self) -> str:
        return f"child's voice {self.pk}"
