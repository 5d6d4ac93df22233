"""A purged person's significance ratings (kept on their events), deleted with them."""

from __future__ import annotations

from collections.abc import Sequence

from jigsaw.records.models import Event
from jigsaw.records.purge import chunks, delete_where

from .models import SignificanceRating


def purge_events(record_ids: Sequence[int], using: str = "default") -> dict[str, int]:
    """Delete the ratings of the events of these person records; rows deleted per table."""
    events: list[int] = []
    for part in chunks(list(record_ids)):
        events += list(Event.objects.using(using).filter(person_id__in=part).values_list("id", flat=True))
    return {"chronology_significancerating": delete_where(SignificanceRating, "event_id", events, using)}
