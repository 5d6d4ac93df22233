"""Setting an event's significance by hand (see :mod:`jigsaw.chronology.models`)."""

from __future__ import annotations

from jigsaw.chronology.models import SignificanceRating
from jigsaw.records.models import Event
from jigsaw.signpost.models import RecordLink

LEVELS = ("high", "medium", "low")


class SignificanceError(ValueError):
    """A rating that cannot be recorded (the message says why)."""


def _event(event_key: str, using: str) -> Event:
    code, _, event_id = event_key.partition(":")
    event = Event.objects.using(using).filter(source_system__code=code, event_id=event_id).first()
    if event is None:
        raise SignificanceError(f"there is no event {event_key!r} "
                                "(use source_system:event_id as the chronology shows it)")
    return event


def person_of_event(event_key: str, using: str = "default") -> int | None:
    """The resolved person whose record holds the event ``source_system:event_id`` (None before
    linking); :class:`SignificanceError` if there is no such event."""
    record = _event(event_key, using).person_id
    return (RecordLink.objects.using(using).filter(record_id=record)
            .values_list("person_id", flat=True).first())


def set_significance(event_key: str, level: str, by: str, reason: str,
                     using: str = "default") -> SignificanceRating:
    """Rate the event ``source_system:event_id`` as high, medium or low, saying who and why."""
    if level not in LEVELS:
        raise SignificanceError(f"significance must be one of {', '.join(LEVELS)}")
    if not reason or not reason.strip():
        raise SignificanceError("give a reason for the rating (it is shown with the chronology)")
    if not by or not by.strip():
        raise SignificanceError("say who is rating the event")
    event = _event(event_key, using)
    return SignificanceRating.objects.using(using).create(event=event, significance=level, set_by=by.strip(),
                                                          reason=reason.strip())


def latest_ratings(event_pks: list[int], using: str = "default") -> dict[int, tuple[str, str, str]]:
    """``{event pk: (significance, set_by, reason)}`` of the latest rating of each event."""
    out: dict[int, tuple[str, str, str]] = {}
    for start in range(0, len(event_pks), 900):
        rows = (SignificanceRating.objects.using(using).filter(event_id__in=event_pks[start:start + 900])
                .order_by("set_at", "pk").values_list("event_id", "significance", "set_by", "reason"))
        for event_id, level, by, reason in rows:
            out[event_id] = (level, by, reason)
    return out
