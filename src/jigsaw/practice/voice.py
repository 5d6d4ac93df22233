"""The child's voice: the child's own words and wishes, recorded as their own kind of entry.

Case reviews keep finding that the child was not seen, not heard, or heard only through adults
(the ten principles' first; Working Together to Safeguard Children 2023 asks practitioners to
see and speak to the child and take their wishes and feelings into account). The words are
recorded as the child said them, with how they were heard, and become a ``child_voice`` entry in
the chronology: a fact of what the child said, never an adult's interpretation of it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from jigsaw.audit.models import Action

from . import checks
from .access import Opened, log
from .entries import write_entry
from .models import ChildVoice

HOW = dict(ChildVoice.HOW)


def record_voice(opened: Opened, data: dict[str, Any], using: str, today: date | None = None) -> ChildVoice:
    """Check the form, then write the child's words, their chronology entry and the access log."""
    said_on = checks.past_date(data.get("said_on"), "said_on", "the date the child said this", today)
    how = str(data.get("how", "")).strip()
    if how not in HOW:
        raise checks.PracticeError("how", "Select how the child was seen or heard")
    words = checks.text(data.get("words"), "words", "the child's own words")
    wishes = checks.optional(data.get("wishes"), 5000)
    actor = opened.actor
    with transaction.atomic(using=using):
        voice = ChildVoice.objects.using(using).create(
            person_id=opened.person.pk,
            recorded_by=actor.username,
            recorded_by_name=actor.name[:200],
            recorded_by_agency=actor.agency[:200],
            recorded_at=timezone.now(),
            said_on=said_on,
            how=how,
            words=words,
            wishes=wishes,
        )
        summary = f"The child said ({HOW[how].lower()}): \u201c{words}\u201d"
        if wishes:
            summary += f" Their wishes: {wishes}"
        voice.event = write_entry(
            opened.person.pk,
            "voice",
            voice.pk,
            "child_voice",
            said_on,
            summary,
            "fact",
            actor,
            using,
            {"how": how},
        )
        voice.save(using=using, update_fields=["event"])
        log(opened, using, Action.RECORD_PRACTICE, what="child_voice", record=voice.pk)
    return voice
