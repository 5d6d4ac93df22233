"""What every practice form checks, with one clear message per problem and nothing written.

A problem is raised as :class:`PracticeError` naming the field, so a page can show it beside the
field (GOV.UK error summary) and the command line can print it as one line.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from jigsaw.feeds import FieldError, parse_date
from jigsaw.records.models import Agency, agencies_by_name


class PracticeError(ValueError):
    """Bad input for a practice record: ``field`` is the form field, the message says what to do."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def text(value: str | None, field: str, what: str, limit: int = 5000) -> str:
    """A required text field, whitespace-trimmed; an error when blank or too long."""
    cleaned = (value or "").strip()
    if not cleaned:
        raise PracticeError(field, f"Enter {what}")
    if len(cleaned) > limit:
        raise PracticeError(field, f"{what[:1].upper()}{what[1:]} must be {limit} characters or fewer")
    return cleaned


def optional(value: str | None, limit: int = 200) -> str:
    return (value or "").strip()[:limit]


def past_date(value: str | date | None, field: str, what: str, today: date | None = None) -> date:
    """A date no later than today (what happened cannot be in the future)."""
    day = _date(value, field, what)
    if day > (today or timezone.localdate()):
        raise PracticeError(field, f"{what[:1].upper()}{what[1:]} must be today or in the past")
    return day


def any_date(value: str | date | None, field: str, what: str) -> date:
    return _date(value, field, what)


def _date(value: str | date | None, field: str, what: str) -> date:
    if isinstance(value, date):
        return value
    if not (value or "").strip():
        raise PracticeError(field, f"Enter {what}")
    try:
        return parse_date(value.strip())
    except FieldError:
        raise PracticeError(
            field, f"{what[:1].upper()}{what[1:]} must be a real date, like 2024-03-27"
        ) from None


def agency(value: str | int | None, field: str, using: str) -> Agency:
    """A known agency, by id or by (current or former) name; an unknown one is an error, never made."""
    raw = str(value or "").strip()
    if not raw:
        raise PracticeError(field, "Select the agency")
    found = None
    if raw.isdigit():
        found = Agency.objects.using(using).filter(pk=int(raw)).first()
    else:
        pk = agencies_by_name(using).get(raw.casefold())
        found = Agency.objects.using(using).filter(pk=pk).first() if pk else None
    if found is None:
        raise PracticeError(field, "Select an agency of this partnership (that agency is not known)")
    return found
