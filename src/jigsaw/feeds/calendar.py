"""Working days and school days in England, from a maintained bank-holiday calendar.

Statutory clocks count working days (a serious incident notification within 5 working days,
an assessment within 45), and Operation Encompass counts school days. Bank holidays come from
the ``holidays`` package (England's, which England and Wales share: Banking and Financial
Dealings Act 1971, Schedule 1, and the dates proclaimed each year, https://www.gov.uk/bank-holidays),
never a hand-typed list. A partnership's own closure days (a council's extra days, a school's
INSET days) are passed in by the caller, from settings.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=128)
def _bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_bank_holiday(day: date) -> bool:
    """True on a bank holiday in England and Wales (substitute days included)."""
    return day in _bank_holidays(day.year)


def is_working_day(day: date, closures: Collection[date] = ()) -> bool:
    """Monday to Friday, not a bank holiday and not one of the ``closures``."""
    return day.weekday() < 5 and not is_bank_holiday(day) and day not in closures


def next_working_day(after: date, closures: Collection[date] = ()) -> date:
    """The first working day after ``after``."""
    day = after + timedelta(days=1)
    while not is_working_day(day, closures):
        day += timedelta(days=1)
    return day


def add_working_days(start: date, days: int, closures: Collection[date] = ()) -> date:
    """The ``days``-th working day after ``start`` (``start`` itself is day 0, whatever it is)."""
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    for _ in range(days):
        day = next_working_day(day, closures)
    return day


def working_days_between(start: date, end: date, closures: Collection[date] = ()) -> int:
    """How many working days after ``start`` up to and including ``end`` (0 when ``end <= start``)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += is_working_day(day, closures)
    return count
