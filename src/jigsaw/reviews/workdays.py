"""Working days in England and Wales, for the statutory case review clocks.

"Working day" follows the Working Together to Safeguard Children (2023) clocks: a day that is not
a Saturday, a Sunday or a bank holiday in England and Wales. The bank holidays come from the
maintained ``holidays`` package (``country_holidays("GB", subdiv="ENG")``; England and Wales share
their bank holidays under the Banking and Financial Dealings Act 1971), never from a typed list.
A partnership adds its own closure days (e.g. a council's Christmas shutdown) with the setting
``JIGSAW_REVIEW_CLOSURE_DAYS`` (comma-separated ISO dates, read in ``settings.py``).

Counting: "within 5 working days of becoming aware" is read as the fifth working day *after*
the day the council became aware (that day itself is day 0), so a Monday awareness with no
holidays is due the following Monday.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from functools import lru_cache

import holidays
from django.conf import settings

#: ``holidays`` subdivision whose bank holidays apply (England; Wales has the same ones).
SUBDIVISION = "ENG"


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv=SUBDIVISION, years=year))


def closure_days() -> frozenset[date]:
    """The partnership's own closure days (``JIGSAW_REVIEW_CLOSURE_DAYS``)."""
    return frozenset(getattr(settings, "JIGSAW_REVIEW_CLOSURE_DAYS", ()))


def bank_holiday_name(day: date) -> str | None:
    """The bank holiday's name on ``day``, or None (for explaining a clock)."""
    return holidays.country_holidays("GB", subdiv=SUBDIVISION, years=day.year).get(day)


def is_working_day(day: date, closures: Iterable[date] | None = None) -> bool:
    """Monday to Friday, not a bank holiday in England and Wales, not a local closure day."""
    shut = closure_days() if closures is None else frozenset(closures)
    return day.weekday() < 5 and day not in _bank_holidays(day.year) and day not in shut


def add_working_days(start: date, days: int, closures: Iterable[date] | None = None) -> date:
    """The ``days``-th working day after ``start`` (``start`` itself is day 0)."""
    if days < 0:
        raise ValueError("count working days forwards only")
    shut = closure_days() if closures is None else frozenset(closures)
    day = start
    left = days
    while left:
        day += timedelta(days=1)
        if is_working_day(day, shut):
            left -= 1
    return day


def skipped(start: date, due: date, closures: Iterable[date] | None = None) -> list[tuple[date, str]]:
    """The non-weekend days between ``start`` and ``due`` that did not count, and why."""
    shut = closure_days() if closures is None else frozenset(closures)
    out = []
    day = start + timedelta(days=1)
    while day < due:
        if day.weekday() < 5:
            name = bank_holiday_name(day)
            if name:
                out.append((day, name))
            elif day in shut:
                out.append((day, "local closure day"))
        day += timedelta(days=1)
    return out
