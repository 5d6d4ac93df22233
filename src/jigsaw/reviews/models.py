"""A case review from the serious incident to publication, and what hangs off it.

The stages and clocks follow Children Act 2004 s16C (as amended by the Children and Social Work
Act 2017) and Working Together to Safeguard Children 2023 chapter 5, as summarised in
``research/anchors-chronology-reviews.md`` section 3.1; the workflow itself is in
:mod:`jigsaw.reviews.workflow`. Nothing here holds a name: the child is a resolved person id.
"""

from __future__ import annotations

from django.db import models

from jigsaw.signpost.models import Person


class Stage(models.TextChoices):
    INCIDENT = "incident", "Serious incident recorded"
    NOTIFIED = "notified", "Notified to the national panel"
    RAPID_REVIEW = "rapid_review", "Rapid review done"
    LOCAL_REVIEW = "local_review", "Local review under way"
    NO_REVIEW = "no_review", "No local review"
    FINAL_REPORT = "final_report", "Final report received"
    SIGNED_OFF = "signed_off", "Redaction signed off"
    SENT = "sent", "Sent to the panel and the Secretary of State"
    PUBLISHED = "published", "Published"
    NOT_PUBLISHED = "not_published", "Not published"


class CaseReview(models.Model):
    DEATH, SERIOUS_HARM = "death", "serious_harm"
    HARMS = [(DEATH, "Death"), (SERIOUS_HARM, "Serious harm")]
    KNOWN, SUSPECTED = "known", "suspected"
    ABUSE = [(KNOWN, "Abuse or neglect known"), (SUSPECTED, "Abuse or neglect suspected")]
    LOCAL_REVIEW, NO_REVIEW = "local_review", "no_review"
    DECISIONS = [(LOCAL_REVIEW, "Local child safeguarding practice review"), (NO_REVIEW, "No local review")]

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="case_reviews")
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.INCIDENT)
    incident_on = models.DateField()
    aware_on = models.DateField()
    harm = models.CharField(max_length=20, choices=HARMS)
    abuse_or_neglect = models.CharField(max_length=10, choices=ABUSE, default=SUSPECTED)
    looked_after = models.BooleanField(default=False)
    notification_due = models.DateField()
    notified_on = models.DateField(null=True, blank=True)
    rapid_review_due = models.DateField(null=True, blank=True)
    rapid_review_on = models.DateField(null=True, blank=True)
    decision = models.CharField(max_length=20, choices=DECISIONS, blank=True)
    decision_reasons = models.TextField(blank=True)
    panel_view = models.TextField(blank=True)
    terms_of_reference = models.TextField(blank=True)
    reviewer = models.CharField(max_length=200, blank=True)
    final_report_on = models.DateField(null=True, blank=True)
    signed_off_by = models.CharField(max_length=150, blank=True)
    signed_off_on = models.DateField(null=True, blank=True)
    sent_on = models.DateField(null=True, blank=True)
    published_on = models.DateField(null=True, blank=True)
    publication_url = models.CharField(max_length=500, blank=True)
    online_until = models.DateField(null=True, blank=True)
    not_published_reason = models.TextField(blank=True)
    opened_by = models.CharField(max_length=150)
    opened_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["stage"])]

    def __str__(self) -> str:  # ids only: str() may reach a log
        return f"case review {self.pk} ({self.stage})"

    @property
    def reference(self) -> str:
        return f"CR-{self.aware_on.year}-{self.pk:03d}"


class Transition(models.Model):
    """One step of the workflow: from which stage to which, who, when and why."""

    review = models.ForeignKey(CaseReview, on_delete=models.CASCADE, related_name="transitions")
    step = models.CharField(max_length=30)
    from_stage = models.CharField(max_length=20, blank=True)
    to_stage = models.CharField(max_length=20)
    on = models.DateField()  # the date the step happened (may be before it was recorded)
    by = models.CharField(max_length=150)
    reason = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:  # ids only: str() may reach a log
        return f"{self.step} of review {self.review_id}"


class Notification(models.Model):
    """A statutory notice the review owes: to the panel, and for a looked-after child's death."""

    PANEL, OFSTED, SECRETARY_OF_STATE = "panel", "ofsted", "secretary_of_state"
    RECIPIENTS = [
        (PANEL, "Child Safeguarding Practice Review Panel"),
        (OFSTED, "Ofsted"),
        (SECRETARY_OF_STATE, "Secretary of State"),
    ]

    review = models.ForeignKey(CaseReview, on_delete=models.CASCADE, related_name="notifications")
    recipient = models.CharField(max_length=20, choices=RECIPIENTS)
    due_on = models.DateField()
    sent_on = models.DateField(null=True, blank=True)
    basis = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "recipient"], name="one_notice_per_recipient")
        ]
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:  # ids only: str() may reach a log
        return f"notice to {self.recipient} for review {self.review_id}"


class LegalHold(models.Model):
    """A person's records must not be purged while a review that needs them is open."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="legal_holds")
    review = models.ForeignKey(CaseReview, on_delete=models.CASCADE, related_name="holds")
    placed_at = models.DateTimeField(auto_now_add=True)
    released_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=200)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "review"], name="one_hold_per_review")]

    def __str__(self) -> str:  # ids only: str() may reach a log
        return f"hold on person {self.person_id} for review {self.review_id}"


class EvidenceSnapshot(models.Model):
    """The merged chronology and signposts as they stood at the rapid review: never updated."""

    review = models.OneToOneField(CaseReview, on_delete=models.CASCADE, related_name="snapshot")
    taken_at = models.DateTimeField(auto_now_add=True)
    taken_by = models.CharField(max_length=150)
    period_from = models.DateField(null=True, blank=True)
    period_to = models.DateField(null=True, blank=True)
    household = models.BooleanField(default=True)
    chronology = models.JSONField()  # chronology.export.as_data, with names
    anonymised = models.JSONField()  # the same, names replaced by roles
    signposts = models.JSONField()  # who was involved, per subject label
    entries = models.PositiveIntegerField()

    def __str__(self) -> str:  # ids only: str() may reach a log
        return f"evidence pack of review {self.review_id}"


class Contribution(models.Model):
    """An agency's contribution to the review (its chronology, report or answers), asked and tracked."""

    REQUESTED, RECEIVED = "requested", "received"
    STATUSES = [(REQUESTED, "Requested"), (RECEIVED, "Received")]

    review = models.ForeignKey(CaseReview, on_delete=models.CASCADE, related_name="contributions")
    agency = models.CharField(max_length=200)
    requested_on = models.DateField()
    due_on = models.DateField()
    received_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=STATUSES, default=REQUESTED)
    summary = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "agency"], name="one_contribution_per_agency")
        ]
        ordering = ["agency"]

    def __str__(self) -> str:  # ids only: str() may reach a log
        return f"contribution {self.pk} to review {self.review_id}"


class Recommendation(models.Model):
    review = models.ForeignKey(CaseReview, on_delete=models.CASCADE, related_name="recommendations")
    number = models.PositiveIntegerField()
    text = models.TextField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["review", "number"], name="one_number_per_review")]
        ordering = ["number"]

    def __str__(self) -> str:  # ids only: str() may reach a log
        return f"recommendation {self.number} of review {self.review_id}"


class PlanAction(models.Model):
    """One action of an action plan, owned by an agency and a person, with its evidence."""

    OPEN, IN_PROGRESS, DONE = "open", "in_progress", "done"
    STATUSES = [(OPEN, "Not started"), (IN_PROGRESS, "In progress"), (DONE, "Done")]

    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField()
    agency = models.CharField(max_length=200)
    owner = models.CharField(max_length=200)
    due_on = models.DateField()
    status = models.CharField(max_length=12, choices=STATUSES, default=OPEN)
    evidence = models.TextField(blank=True)
    completed_on = models.DateField(null=True, blank=True)
    updated_by = models.CharField(max_length=150, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:  # ids only: str() may reach a log
        return f"action {self.pk} ({self.status})"


class ThemeCode(models.Model):
    """One learning theme a review is coded with, from :mod:`jigsaw.reviews.themes`."""

    review = models.ForeignKey(CaseReview, on_delete=models.CASCADE, related_name="themes")
    theme = models.CharField(max_length=40)
    coded_by = models.CharField(max_length=150)
    coded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["review", "theme"], name="one_code_per_theme")]

    def __str__(self) -> str:  # ids only: str() may reach a log
        return f"{self.theme} in review {self.review_id}"


class RedactionReport(models.Model):
    """A redaction report (DESIGN.md format) of the review's final report, awaiting a reviewer."""

    review = models.ForeignKey(CaseReview, on_delete=models.CASCADE, related_name="redaction_reports")
    file_name = models.CharField(max_length=200)
    uploaded_by = models.CharField(max_length=150)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:  # ids only: str() may reach a log
        return f"redaction report {self.pk} of review {self.review_id}"


class RedactionItem(models.Model):
    """One replacement: approved as proposed, or changed to another replacement, by a person.

    An item the engine only lists for checking (a leftover capitalised word) has no replacement:
    approving it keeps the original words (``final`` blank); changing it replaces them.
    """

    PENDING, APPROVED, CHANGED = "pending", "approved", "changed"
    DECISIONS = [(PENDING, "Not decided"), (APPROVED, "Approved"), (CHANGED, "Changed")]

    report = models.ForeignKey(RedactionReport, on_delete=models.CASCADE, related_name="items")
    index = models.PositiveIntegerField()
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    category = models.CharField(max_length=40)
    replacement = models.CharField(max_length=200, blank=True)  # blank: only listed for a person to check
    reason = models.CharField(max_length=200)
    to_check = models.BooleanField(default=False)  # the engine asks a person to look at it
    decision = models.CharField(max_length=10, choices=DECISIONS, default=PENDING)
    final = models.CharField(max_length=200, blank=True)
    decided_by = models.CharField(max_length=150, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "index"], name="one_item_per_index")]
        ordering = ["index"]

    def __str__(self) -> str:  # ids only: str() may reach a log
        return f"redaction item {self.index} of report {self.report_id}"
