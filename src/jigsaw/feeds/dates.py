"""Dates and event times in feeds.

Source: ISO 8601 (calendar dates and the RFC 3339 profile for times); DESIGN.md "Canonical feed
format" says all feed dates are ISO 8601. Local times with no offset are taken as UK civil
time (Europe/London, IANA tz database) because English source systems record wall-clock time;
an event known only to the month or year keeps that uncertainty as a precision marker, which
chronologies show as "uncertain".
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from jigsaw.feeds.errors import FieldError

LONDON = ZoneInfo("Europe/London")
PRECISIONS = ("datetime", "day", "month", "year")

_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
#: the common shape, checked before handing the text to the (fast, C) ``fromisoformat``, which
#: alone would accept forms we do not (week dates, basic format, any separator)
_DATETIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,6})?)?"
    r"(Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])?"  # fromisoformat would take +01:60
)
#: every accepted form, with its parts; used on the slow path only
_EVENT = re.compile(
    r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2})"
    r"(?:[Tt ]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.([0-9]{1,6}))?)?"
    r"([Zz]|[+-][0-9]{2}:[0-9]{2})?)?)?)?"
)
_EVENT_FORMS = "YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS][Z|±HH:MM], YYYY-MM or YYYY"
_OFFSETS: dict[str, timezone] = {"Z": UTC, "z": UTC}
#: English month names for messages, independent of the process locale
_MONTHS = ("", "January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


def _shown(text: str) -> str:
    """The value as quoted in a message: short, and with control characters escaped."""
    shown = text if len(text) <= 40 else text[:37] + "..."
    return shown if shown.isprintable() else repr(shown)[1:-1]


def _not_real(text: str, year: int, month: int, day: int) -> FieldError:
    """Explain why year-month-day is not a calendar date (called only on the error path)."""
    if year == 0:
        why = "there is no year 0"
    elif not 1 <= month <= 12:
        why = f"there is no month {month}"
    elif day == 0:
        why = "there is no day 0"
    else:
        why = f"day {day} does not exist in {_MONTHS[month]} {year}"
    return FieldError(f"'{_shown(text)}' is not a real date ({why})")


def _not_text(value: object) -> FieldError:
    return FieldError(f"expected an ISO 8601 date as text, got {type(value).__name__}")


def parse_date(text: str) -> date:
    """The calendar date in ``YYYY-MM-DD`` text; raises :class:`FieldError` saying what is wrong.

    Only the extended ISO form is accepted: ``31/02/2019`` could be day-first or month-first
    depending on who typed it, and guessing a child's birth date is not safe.
    """
    if not isinstance(text, str):
        raise _not_text(text)
    text = text.strip()
    match = _DATE.fullmatch(text)
    if match is None:
        raise FieldError(f"'{_shown(text)}' is not an ISO 8601 date (expected YYYY-MM-DD)")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise _not_real(text, int(match[1]), int(match[2]), int(match[3])) from None


def _offset(text: str, sign_hh_mm: str) -> timezone:
    tz = _OFFSETS.get(sign_hh_mm)
    if tz is None:
        hours, minutes = int(sign_hh_mm[1:3]), int(sign_hh_mm[4:6])
        if hours > 23 or minutes > 59:
            raise FieldError(f"'{_shown(text)}' has an impossible UTC offset ({sign_hh_mm})")
        delta = timedelta(hours=hours, minutes=minutes)
        tz = _OFFSETS[sign_hh_mm] = timezone(-delta if sign_hh_mm[0] == "-" else delta)
    return tz


def _parse_slowly(text: str) -> tuple[datetime, str]:
    """:func:`parse_event_time` from the parts: month and year precision, lower-case ``t``/``z``,
    and the explanation of anything that is not a real moment."""
    match = _EVENT.fullmatch(text)
    if match is None:
        raise FieldError(
            f"'{_shown(text)}' is not an ISO 8601 date or time (expected {_EVENT_FORMS})"
        )
    year_s, month_s, day_s, hour_s, minute_s, second_s, fraction, offset = match.groups()
    year, month, day = int(year_s), int(month_s or 1), int(day_s or 1)
    tz = UTC if hour_s is None else LONDON if offset is None else _offset(text, offset)
    try:
        moment = datetime(
            year, month, day, int(hour_s or 0), int(minute_s or 0), int(second_s or 0),
            int(fraction.ljust(6, "0")) if fraction else 0, tzinfo=tz,
        )
    except ValueError:
        date_ok = year and 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]
        if not date_ok:
            raise _not_real(text, year, month, day) from None
        raise FieldError(
            f"'{_shown(text)}' is not a real time (hours run 00-23, minutes and seconds 00-59)"
        ) from None
    if hour_s is None:
        return moment, "day" if day_s else "month" if month_s else "year"
    try:
        return moment.astimezone(UTC), "datetime"
    except (OverflowError, ValueError):
        raise FieldError(f"'{_shown(text)}' is outside the supported range of dates") from None


def parse_event_time(text: str) -> tuple[datetime, str]:
    """(UTC-aware datetime, precision) for when an event happened.

    Accepts ``YYYY-MM-DD[T| ]HH:MM[:SS[.ffffff]][Z|±HH:MM]`` (precision ``"datetime"``; no offset
    means Europe/London local time; a time repeated or skipped by a clock change takes the
    offset in force before the change), ``YYYY-MM-DD`` (``"day"``), ``YYYY-MM`` (``"month"``) and
    ``YYYY`` (``"year"``). Dates without a time map to midnight UTC of their first day so they
    sort and compare without shifting across a day boundary. Anything else raises
    :class:`FieldError`.
    """
    if not isinstance(text, str):
        raise _not_text(text)
    text = text.strip()
    try:  # fast paths for the forms feeds send; anything unusual goes to _parse_slowly
        if len(text) == 10 and _DATE.fullmatch(text):
            return datetime.fromisoformat(text + "T00:00+00:00"), "day"
        shape = _DATETIME.fullmatch(text)
        if shape is not None:
            if shape[1] is not None:
                return datetime.fromisoformat(text).astimezone(UTC), "datetime"
            # London wall-clock time labelled UTC, shifted by London's offset at that wall time
            # (ZoneInfo.utcoffset reads only the wall-clock fields and fold of its argument)
            wall = datetime.fromisoformat(text + "+00:00")
            return wall - LONDON.utcoffset(wall), "datetime"
    except (OverflowError, ValueError):
        pass
    return _parse_slowly(text)


#: The years a date typed into a page may have: every page adds or takes days from it (a period's
#: exclusive end, a week before), which year 1 or 9999 would overflow.
FIRST_YEAR, LAST_YEAR = 1000, 9998


def date_from_parts(day: str, month: str, year: str) -> tuple[date | None, str]:
    """A GOV.UK date input's three boxes as a date, or (None, the message to show).

    All three blank is (None, ""): the date was not asked for.
    """
    parts = [part.strip() for part in (day, month, year)]
    if not any(parts):
        return None, ""
    if not all(parts):
        return None, "Enter a day, month and year"
    day, month, year = parts
    if not all(p.isascii() and p.isdecimal() for p in parts) or len(day) > 2 or len(month) > 2:
        return None, "Enter a real date"
    if len(year) != 4:
        return None, "Year must include 4 numbers"  # the GOV.UK date input's own message
    try:
        found = date(int(year), int(month), int(day))
    except ValueError:
        return None, "Enter a real date"
    if not FIRST_YEAR <= found.year <= LAST_YEAR:  # room for a day's arithmetic either side
        return None, f"Enter a year from {FIRST_YEAR} to {LAST_YEAR}"
    return found, ""


def age_in_words(born: date | None, today: date) -> str:
    """A child's age as a practitioner says it: "4 months" under two, else "7 years"; "" unknown."""
    if born is None or born > today:
        return ""
    months = (today.year - born.year) * 12 + today.month - born.month - (today.day < born.day)
    if months < 24:
        if months < 1:
            days = (today - born).days
            return f"{days} day{'s' if days != 1 else ''}"
        return f"{months} month{'s' if months != 1 else ''}"
    years = months // 12
    return f"{years} years"
