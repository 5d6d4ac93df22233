"""A person's rating of an event's significance, which overrides the recorded or suggested one.

Significance is a professional judgement about the child (research note section 1.4): the
system may suggest it, but a practitioner sets it, and the chronology shows who did and why.
Ratings are kept as history; the latest one counts.
"""

from __future__ import annotations

from django.db import models

from jigsaw.records.models import Event


class SignificanceRating(models.Model):
    LEVELS = [("high", "High"), ("medium", "Medium"), ("low", "Low")]

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+")
    significance = models.CharField(max_length=6, choices=LEVELS)
    set_by = models.CharField(max_length=150)
    reason = models.TextField()
    set_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["event", "set_at"])]

    def __str__(self) -> str:
        return f"{self.significance} for event {self.event_id}"
