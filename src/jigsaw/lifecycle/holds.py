"""Legal holds, whoever placed them: an open case review's, or a data manager's litigation hold.

A held person is never purged, whatever the schedule says. Review holds come and go with the
review (:mod:`jigsaw.reviews.holds`); litigation holds are placed and released here, each step
an ``admin`` entry in the access log (the reason is the data manager's own words).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from jigsaw.audit.log import cli_user_agent, record
from jigsaw.records.models import LitigationHold
from jigsaw.reviews.models import LegalHold
from jigsaw.signpost.models import Person


class HoldError(ValueError):
    """A hold that cannot be placed or released as asked (one line)."""


def holds_on(person_ids: Iterable[int] | None = None, using: str = "default") -> dict[int, str]:
    """Why each held person is held (all held people, or those of ``person_ids``).

    Open holds are few, so all of them are read and matched here: one query each, whatever the
    number of people asked about.
    """
    wanted = None if person_ids is None else set(person_ids)
    found: dict[int, str] = {}
    for hold in LegalHold.objects.using(using).filter(released_at=None).select_related("review"):
        if wanted is None or hold.person_id in wanted:
            found.setdefault(hold.person_id, f"open case review {hold.review.reference}")
    open_litigation = LitigationHold.objects.using(using).filter(released_at=None).order_by("id")
    for pid, hid in open_litigation.values_list("person_id", "id"):
        if wanted is None or pid in wanted:
            found.setdefault(pid, f"litigation hold {hid}")
    return found


def _reason(reason: str | None) -> str:
    text = " ".join((reason or "").split())
    if not text:
        raise HoldError("give the reason for the hold: --reason TEXT")
    if len(text) > 300:
        raise HoldError("the reason is longer than 300 characters")
    return text


def place(
    person_id: int, reason: str | None, by: str, role: str, agency: str = "", using: str = "default"
) -> LitigationHold:
    """Put a litigation hold on a person; raises :class:`HoldError`."""
    text = _reason(reason)
    if not Person.objects.using(using).filter(pk=person_id).exists():
        raise HoldError(f"there is no person {person_id}")
    with transaction.atomic(using=using):
        hold = LitigationHold.objects.using(using).create(person_id=person_id, reason=text, placed_by=by)
        _log(by, role, agency, person_id, text, using, operation="litigation_hold_placed", hold=hold.pk)
    return hold


def release(
    person_id: int, reason: str | None, by: str, role: str, agency: str = "", using: str = "default"
) -> int:
    """Release every open litigation hold on a person; returns how many; raises :class:`HoldError`."""
    text = _reason(reason)
    with transaction.atomic(using=using):
        open_holds = list(
            LitigationHold.objects.using(using)
            .select_for_update()
            .filter(person_id=person_id, released_at=None)
            .values_list("id", flat=True)
        )
        if not open_holds:
            raise HoldError(f"person {person_id} has no open litigation hold")
        LitigationHold.objects.using(using).filter(id__in=open_holds).update(
            released_at=timezone.now(), released_by=by, release_reason=text
        )
        _log(by, role, agency, person_id, text, using, operation="litigation_hold_released", holds=open_holds)
    return len(open_holds)


def _log(by: str, role: str, agency: str, person_id: int, text: str, using: str, **detail: object) -> None:
    """The access-log entry of a hold placed or released, in the caller's transaction."""
    record(by, role, agency, "admin", person_id=person_id, reason="retention", reason_text=text,
           user_agent=cli_user_agent(), using=using, detail=detail)
