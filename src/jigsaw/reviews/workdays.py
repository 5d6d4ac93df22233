"""Working days for the statutory case review clocks: England and Wales, plus local closures.

"Working day" follows the Working Together to Safeguard Children (2023) clocks: not a Saturday,
a Sunday or a bank holiday in England and Wales. The counting is :mod:`jigsaw.feeds.calendar`'s
(bank holidays from the maintained ``holidays`` package, never a typed list); this module adds
the partnership's own closure days for reviews (``JIGSAW_REVIEW_CLOSURE_DAYS``, read in
``settings.py``) and explains a clock's dates.

Counting: "within 5 working days of becoming aware" is read as the fifth working day *after*
the day the council became aware (that day itself is day 0), so a Monday awareness with no
holidays is due the following Monday.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta

import holidays
from django.conf import settings

from jigsaw.feeds import calendar


def closure_days() -> frozenset[date]:
    """The partnership's own closure days (``JIGSAW_REVIEW_CLOSURE_DAYS``)."""
    return frozenset(getattr(settings, "JIGSAW_REVIEW_CLOSURE_DAYS", ()))


def _closures(closures: Collection[date] | None) -> frozenset[date]:
    return closure_days() if closures is None else frozenset(closures)


def is_working_day(day: date, closures: Collection[date] | None = None) -> bool:
    """Monday to Friday, not a bank holiday in England and Wales, not a local closure day."""
    return calendar.is_working_day(day, _closures(closures))


def add_working_days(start: date, days: int, closures: Collection[date] | None = None) -> date:
    """The ``days``-th working day after ``start`` (``start`` itself is day 0)."""
    return calendar.add_working_days(start, days, _closures(closures))


def skipped(start: date, due: date, closures: Collection[date] | None = None) -> list[tuple[date, str]]:
    """The weekdays between ``start`` and ``due`` that did not count, and why (to explain a clock)."""
    shut = _closures(closures)
    names = holidays.country_holidays("GB", subdiv="ENG", years=range(start.year, due.year + 1))
    out = []
    day = start + timedelta(days=1)
    while day < due:
        if day.weekday() < 5 and (calendar.is_bank_holiday(day) or day in shut):
            out.append((day, names.get(day) or "local closure day"))
        day += timedelta(days=1)
    return out
