"""Legal holds: a person's records are kept, whatever the retention schedule, while a review needs them.

Other code (the retention and purge feature) asks :func:`is_on_legal_hold` before deleting a
person's records; a hold is released when its review closes (no review, published, or not
published: :data:`jigsaw.reviews.workflow.CLOSED`).
"""

from __future__ import annotations

from collections.abc import Iterable

from .models import CaseReview, LegalHold


def is_on_legal_hold(person_id: int, using: str = "default") -> bool:
    """Whether any open case review holds this person's records."""
    return LegalHold.objects.using(using).filter(person_id=person_id, released_at=None).exists()


def held_people(using: str = "default") -> set[int]:
    """Every person under a hold now (for a purge to leave out in one query)."""
    return set(LegalHold.objects.using(using).filter(released_at=None).values_list("person_id", flat=True))


def place_holds(review: CaseReview, person_ids: Iterable[int], reason: str, using: str = "default") -> int:
    """Hold these people's records for ``review``; returns how many holds are new."""
    made = 0
    for pid in person_ids:
        _, created = LegalHold.objects.using(using).get_or_create(
            person_id=pid, review=review, defaults={"reason": reason[:200]}
        )
        made += created
    return made
