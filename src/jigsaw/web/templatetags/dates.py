"""Dates as the GOV.UK style guide writes them ("4 June 2015"), from a date, a datetime or ISO text.

Services hand some dates to pages as ISO 8601 text (they are also JSON for the command line and the
API); Django's own ``date`` filter shows such text as nothing, so pages use this one instead.
"""

from __future__ import annotations

from contextlib import suppress
from datetime import date, datetime

from django import template
from django.utils import dateformat, timezone

register = template.Library()


@register.filter
def long_date(value: date | str | None) -> str:
    """``value`` as "4 June 2015", or a datetime as "4 June 2015 14:05" (local time, as the other
    pages); text that is not an ISO date is shown as it is, and nothing as nothing."""
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            with suppress(OverflowError):  # year 1 or 9999 moved past the calendar: as given
                value = timezone.localtime(value)
        return dateformat.format(value, "j F Y H:i")
    return dateformat.format(value, "j F Y")
