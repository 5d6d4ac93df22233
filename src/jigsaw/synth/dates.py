"""Vectorised calendar helpers: dates are int32 days since 1970-01-01 throughout synth.

Whole arrays of dates are handled at once so ages, school years and birth-date typos never
need a Python loop over people.
"""

from __future__ import annotations

from datetime import date

import numpy as np

EPOCH = date(1970, 1, 1)


def to_days(d: date) -> int:
    """Days since 1970-01-01 of a ``date``."""
    return (d - EPOCH).days


def ymd(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month (1-12) and day (1-31) arrays of day numbers."""
    d = np.asarray(days, dtype="int64").astype("datetime64[D]")
    y = d.astype("datetime64[Y]")
    m = d.astype("datetime64[M]")
    year = y.astype("int64") + 1970
    month = (m - y.astype("datetime64[M]")).astype("int64") + 1
    day = (d - m.astype("datetime64[D]")).astype("int64") + 1
    return year, month, day


def days_in_month(year: np.ndarray, month: np.ndarray) -> np.ndarray:
    """Number of days in each (year, month)."""
    start = (np.asarray(year, "int64") - 1970).astype("datetime64[Y]").astype("datetime64[M]")
    start = start + (np.asarray(month, "int64") - 1)
    return ((start + 1).astype("datetime64[D]") - start.astype("datetime64[D]")).astype("int64")


def from_ymd(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Day numbers of (year, month, day); the caller guarantees the dates are valid."""
    start = (np.asarray(year, "int64") - 1970).astype("datetime64[Y]").astype("datetime64[M]")
    start = start + (np.asarray(month, "int64") - 1)
    return (start.astype("datetime64[D]").astype("int64") + np.asarray(day, "int64") - 1)


def age_years(birth: np.ndarray, at: np.ndarray | int) -> np.ndarray:
    """Completed years of age on ``at`` (calendar exact, as an alert rule would compute it)."""
    by, bm, bd = ymd(birth)
    ay, am, ad = ymd(np.broadcast_to(np.asarray(at), np.shape(birth)))
    before = (am < bm) | ((am == bm) & (ad < bd))
    return ay - by - before.astype("int64")


def years_before(d: date, years: int) -> date:
    """The same calendar day ``years`` earlier (29 February falls back to the 28th)."""
    try:
        return d.replace(year=d.year - years)
    except ValueError:
        return d.replace(year=d.year - years, day=28)


def add_years(days: np.ndarray, years: int) -> np.ndarray:
    """Each date moved by whole calendar years (29 February becomes 28 February)."""
    y, m, d = ymd(days)
    y = y + years
    d = np.minimum(d, days_in_month(y, m))
    return from_ymd(y, m, d)


def academic_year_start(days: np.ndarray) -> np.ndarray:
    """1 September opening the English academic year that contains each date."""
    y, m, _ = ymd(days)
    y = np.where(m >= 9, y, y - 1)
    return from_ymd(y, np.full_like(y, 9), np.ones_like(y))
