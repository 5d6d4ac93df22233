"""The partnership picture's own records: comparators, workforce returns, supervision, audits.

None of these holds a child's details: a case-file audit refers to the child by the resolved
person's id only, and its pages and exports show grades in aggregate.
"""

from __future__ import annotations

from django.db import models


class _Named:
    def __str__(self) -> str:  # ids only: str() of a row may reach a log
        return f"{type(self).__name__} {getattr(self, 'pk', None)}"


class Comparator(_Named, models.Model):
    """A published value of one indicator for a comparison area (see docs/insight.md for the CSV)."""

    AREA_TYPES = [
        ("england", "England"),
        ("region", "Region"),
        ("statistical_neighbours", "Statistical neighbours"),
        ("local_authority", "Local authority"),
    ]
    indicator = models.CharField(max_length=40)
    area_type = models.CharField(max_length=24, choices=AREA_TYPES)
    area = models.CharField(max_length=120)
    period = models.CharField(max_length=20)  # e.g. "2024-25": the year ending 31 March 2025
    value = models.FloatField()
    source = models.TextField()
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "area_type", "area", "period"], name="comparator_key"
            )
        ]


class WorkforceReturn(_Named, models.Model):
    """One CSWW return's aggregates (:mod:`jigsaw.feeds.returns.csww`); no worker identifiable."""

    file_name = models.CharField(max_length=255)
    year = models.IntegerField(null=True)
    reference_date = models.DateField(null=True)
    vacancies_fte = models.FloatField()
    agency_fte = models.FloatField()
    agency_headcount = models.IntegerField()
    workers = models.IntegerField()
    fte = models.FloatField()
    starters = models.IntegerField()
    leavers = models.IntegerField()
    working_days_lost = models.FloatField()
    absent = models.IntegerField()
    caseloads = models.JSONField(default=list)  # cases held by each case holder, sorted
    by_role = models.JSONField(default=dict)
    imported_at = models.DateTimeField(auto_now_add=True)


class Supervision(_Named, models.Model):
    """A practitioner's supervision: when, with whom, and the decisions recorded."""

    worker = models.CharField(max_length=200)
    supervisor = models.CharField(max_length=200)
    held_on = models.DateField()
    decisions = models.TextField(blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["worker", "held_on"])]


class AuditProgramme(_Named, models.Model):
    """A case-file audit round: a random or themed sample of children and the grading tool used."""

    name = models.CharField(max_length=200)
    theme = models.CharField(max_length=50, blank=True)  # an event type, or blank for a random sample
    drawn_on = models.DateField()
    questions = models.JSONField(default=list)  # the grading tool's questions, as used
    created_at = models.DateTimeField(auto_now_add=True)


class CaseAudit(_Named, models.Model):
    """One child's file in a programme: the grade per question and the actions agreed."""

    programme = models.ForeignKey(AuditProgramme, on_delete=models.CASCADE, related_name="audits")
    person_id = models.BigIntegerField()  # the resolved person; never shown on the insight pages
    grades = models.JSONField(default=dict)  # question -> good | requires_improvement | inadequate
    actions = models.TextField(blank=True)
    auditor = models.CharField(max_length=150, blank=True)
    audited_on = models.DateField(null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["programme", "person_id"], name="one_audit_per_child")]
