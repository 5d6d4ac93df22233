"""Resolved people, the links that make them, human decisions and the clerical review queue.

A person's id is stable: each linkage run maps its clusters onto the ids the records already
had (see :mod:`jigsaw.signpost.persist`), so a bookmark, an alert or an audit entry that names
a person keeps naming the same child after the next feed arrives.
"""

from __future__ import annotations

from django.db import models

from jigsaw.records.models import PersonRecord


class LinkModel(models.Model):
    """A trained linkage model and the term frequencies it scores with."""

    created_at = models.DateTimeField(auto_now_add=True)
    trained_on = models.PositiveIntegerField(help_text="person records it was trained on; 0 = shipped")
    settings = models.JSONField()
    term_frequencies = models.JSONField(default=dict)

    def __str__(self) -> str:
        return f"linkage model {self.pk} ({self.trained_on} records)"


class LinkRun(models.Model):
    """One batch or incremental linkage, with what it did and how long it took."""

    KINDS = [("batch", "Batch"), ("incremental", "Incremental")]
    kind = models.CharField(max_length=12, choices=KINDS)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True)
    model = models.ForeignKey(LinkModel, on_delete=models.PROTECT, null=True)
    counts = models.JSONField(default=dict)
    timings = models.JSONField(default=dict)

    def __str__(self) -> str:
        return f"{self.kind} link run {self.pk}"


class Person(models.Model):
    """A resolved person: one or more agencies' records of the same human being."""

    created_at = models.DateTimeField(auto_now_add=True)
    shielded = models.BooleanField(default=False)
    shield_contact = models.CharField(
        max_length=300, blank=True,
        help_text="the safeguarding hub a searcher must contact instead of seeing the record")
    shield_reason = models.CharField(max_length=300, blank=True)
    shielded_by = models.CharField(max_length=150, blank=True)
    shielded_at = models.DateTimeField(null=True)

    def __str__(self) -> str:  # ids only: str() may reach a log
        return f"person {self.pk}"


class RecordLink(models.Model):
    """Which person a record belongs to, how sure we are, and the evidence for it."""

    METHODS = [
        ("nhs_number", "NHS number and supporting details"),
        ("upn", "Unique pupil number and supporting details"),
        ("probabilistic", "Probabilistic match"),
        ("clerical", "A person decided"),
        ("singleton", "No other record"),
    ]
    record = models.OneToOneField(PersonRecord, on_delete=models.CASCADE, related_name="link")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="links")
    match_probability = models.FloatField()
    method = models.CharField(max_length=16, choices=METHODS)
    # {"with": record id, "gamma": {field: level}, "weight": {field: log2 BF}}: the strongest
    # link to the rest of the person, turned into words by jigsaw.identity.explain.
    evidence = models.JSONField(default=dict)
    run = models.ForeignKey(LinkRun, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["person"])]

    def __str__(self) -> str:
        return f"record {self.record_id} -> person {self.person_id}"


class MatchKey(models.Model):
    """A record's normalised matching fields, indexed like the model's blocking rules.

    The incremental match and the search find their candidates here with plain indexed
    lookups, then score them with the same model as the batch run.
    """

    record = models.OneToOneField(PersonRecord, on_delete=models.CASCADE, related_name="match_key",
                                  primary_key=True)
    row_hash = models.CharField(max_length=32)
    given_name = models.CharField(max_length=100, null=True)
    given_group = models.CharField(max_length=100, null=True)
    family_name = models.CharField(max_length=200, null=True)
    birth_date = models.CharField(max_length=10, null=True)
    postcode = models.CharField(max_length=8, null=True)
    postcode_district = models.CharField(max_length=4, null=True)
    nhs_number = models.CharField(max_length=10, null=True)
    upn = models.CharField(max_length=13, null=True)
    # NULL, not "", for an unknown field: SQL never matches NULL = NULL, so a blank value can
    # never make two records candidates for each other.

    class Meta:
        indexes = [
            models.Index(fields=["nhs_number"]),
            models.Index(fields=["upn"]),
            models.Index(fields=["given_group", "family_name"]),
            models.Index(fields=["given_group", "birth_date"]),
            models.Index(fields=["family_name", "birth_date"]),
            models.Index(fields=["birth_date", "postcode"]),
            models.Index(fields=["given_group", "postcode"]),
        ]

    def __str__(self) -> str:
        return f"match key of record {self.record_id}"


class LinkDecision(models.Model):
    """A person's ruling on two records: the same person or not. Every later run obeys it."""

    SAME, DIFFERENT = "same", "different"
    CHOICES = [(SAME, "The same person"), (DIFFERENT, "Not the same person")]
    record_a = models.ForeignKey(PersonRecord, on_delete=models.CASCADE, related_name="+")
    record_b = models.ForeignKey(PersonRecord, on_delete=models.CASCADE, related_name="+")
    decision = models.CharField(max_length=10, choices=CHOICES)
    decided_by = models.CharField(max_length=150)
    reason = models.TextField()
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["record_a", "record_b"], name="one_decision_per_pair"),
            models.CheckConstraint(condition=models.Q(record_a__lt=models.F("record_b")),
                                   name="decision_pair_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.decision}: records {self.record_a_id} and {self.record_b_id}"


class ReviewItem(models.Model):
    """A pair a person should look at: an uncertain score, or one identifier on two people."""

    UNCERTAIN, SHARED_NUMBER = "uncertain", "shared_number"
    KINDS = [(UNCERTAIN, "Uncertain match"), (SHARED_NUMBER, "One NHS number on different people")]
    record_a = models.ForeignKey(PersonRecord, on_delete=models.CASCADE, related_name="+")
    record_b = models.ForeignKey(PersonRecord, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=KINDS)
    match_probability = models.FloatField()
    evidence = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    run = models.ForeignKey(LinkRun, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["record_a", "record_b"], name="one_review_per_pair"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} review: records {self.record_a_id} and {self.record_b_id}"


class ShieldedSearch(models.Model):
    """A search that found a shielded person, kept for the named hub to follow up."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="shielded_searches")
    searched_by = models.CharField(max_length=150)
    reason = models.CharField(max_length=100)
    searched_at = models.DateTimeField(auto_now_add=True)
    followed_up_at = models.DateTimeField(null=True)
    followed_up_by = models.CharField(max_length=150, blank=True)

    def __str__(self) -> str:
        return f"shielded search {self.pk} for person {self.person_id}"
