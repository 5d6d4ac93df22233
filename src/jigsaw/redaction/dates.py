"""Dates in a review's narrative, generalised by a policy rather than deleted.

A day-exact date can identify a child (a birth date, the day of an incident reported in the
press); a month and year usually cannot, and the narrative still reads in order. Policies:

* ``month_year`` (the default): "12 October 2021", "12/10/2021" -> "October 2021";
* ``year``: -> "2021";
* ``age``: -> "when Child A was 2 years 3 months old", from the child's birth date; month-year
  dates are converted too, since with the birth date known they would still place the child.

Numeric dates are read day first (the UK order). Two-digit years are 20yy up to 40 and 19yy
after; a date that is not a real calendar day is left alone (it is listed for a person to
check by the leftover pass only if it is capitalised, so numbers are not flagged).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from .spans import PATTERN, Candidate

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
_ABBREVIATIONS = {m[:3]: i for i, m in enumerate(MONTHS, 1)} | {"Sept": 9}
_MONTH_NUMBER = {m: i for i, m in enumerate(MONTHS, 1)} | _ABBREVIATIONS
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTH_NUMBER, key=len, reverse=True)) + r")\.?"
_WEEKDAY = r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+)?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
POLICIES = ("month_year", "year", "age")

_FORMS = (
    re.compile(rf"(?<![\w/.-]){_WEEKDAY}(?:the\s+)?{_DAY}\s+(?:of\s+)?{_MONTH}(?:,?\s+{_YEAR})?(?![\w/-])"),
    re.compile(rf"(?<![\w/.-]){_WEEKDAY}{_MONTH}\s+{_DAY},?(?:\s+{_YEAR})?(?![\w/-])"),
    re.compile(r"(?<![\w/.-])(?P<day>[0-3]?\d)[/.](?P<num>[01]?\d)[/.](?P<year>(?:19|20)?\d\d)(?![\w/-])"),
    re.compile(r"(?<![\w/.-])(?P<year>(?:19|20)\d\d)-(?P<num>[01]\d)-(?P<day>[0-3]\d)(?![\w/-])"),
)
MONTH_YEAR = re.compile(rf"(?<![\w/.-]){_MONTH}\s+{_YEAR}(?![\w/-])")
_ON = re.compile(r"\b([Oo])n\s+$")
_ON_OR_IN = re.compile(r"\b([OoIi])n\s+$")


@dataclass(frozen=True, slots=True)
class DatePolicy:
    """How dates are generalised; ``birth_date`` and ``child_label`` serve the ``age`` policy."""

    mode: str = "month_year"
    birth_date: date | None = None
    child_label: str = "Child A"

    def __post_init__(self) -> None:
        if self.mode not in POLICIES:
            raise ValueError(f"date policy {self.mode!r}: expected one of {', '.join(POLICIES)}")
        if self.mode == "age" and self.birth_date is None:
            raise ValueError("the age date policy needs the child's birth date")


@dataclass(frozen=True, slots=True)
class FoundDate:
    start: int
    end: int
    year: int | None
    month: int
    day: int | None


def _year(text: str | None) -> int | None:
    if not text:
        return None
    value = int(text)
    if len(text) == 2:
        value += 2000 if value <= 40 else 1900
    return value


def find_dates(text: str, whole_months: bool = False) -> Iterator[FoundDate]:
    """Day-exact dates (and, with ``whole_months``, month-year dates), real calendar days only."""
    for form in _FORMS:
        for m in form.finditer(text):
            groups = m.groupdict()
            month = int(groups["num"]) if groups.get("num") else _MONTH_NUMBER[groups["month"]]
            year, day = _year(groups.get("year")), int(groups["day"])
            try:
                date(year or 2000, month, day)
            except ValueError:
                continue
            yield FoundDate(m.start(), m.end(), year, month, day)
    if whole_months:
        for m in MONTH_YEAR.finditer(text):
            start = m.start("month")
            yield FoundDate(start, m.end(), int(m.group("year")), _MONTH_NUMBER[m.group("month")], None)


def _age(born: date, on: date) -> str:
    months = (on.year - born.year) * 12 + on.month - born.month - (on.day < born.day)
    if months < 0:
        return ""
    if months < 24:
        return f"{months} month{'s' * (months != 1)}"
    years, rest = divmod(months, 12)
    return f"{years} years" + (f" {rest} month{'s' * (rest != 1)}" if rest and years < 5 else "")


def date_candidates(text: str, policy: DatePolicy) -> Iterator[tuple[Candidate, str]]:
    """(candidate, replacement) for every date the policy changes."""
    seen: set[tuple[int, int]] = set()
    for found in find_dates(text, whole_months=policy.mode == "age"):
        if any(s <= found.start < e or s < found.end <= e for s, e in seen):
            continue
        seen.add((found.start, found.end))
        start, replacement = found.start, _generalise(found, policy)
        if replacement is None:
            continue
        reason = f"date generalised ({policy.mode} policy)"
        back = max(0, start - 4)
        if replacement.startswith(("when ", "before ")):
            if lead := _ON_OR_IN.search(text, back, start):  # "on 12 May" -> "when Child A was ..."
                start = lead.start()
                if lead.group(1).isupper():
                    replacement = replacement[0].upper() + replacement[1:]
        elif found.day is not None and replacement != "[date]" and (lead := _ON.search(text, back, start)):
            start = lead.start()  # "on 12 October 2021" reads "in October 2021"
            replacement = ("I" if lead.group(1) == "O" else "i") + "n " + replacement
        yield Candidate(start, found.end, "date", PATTERN, reason, "date"), replacement


def _generalise(found: FoundDate, policy: DatePolicy) -> str | None:
    month = MONTHS[found.month - 1]
    if policy.mode == "month_year" or (policy.mode == "age" and found.year is None):
        return f"{month} {found.year}" if found.year else month
    if policy.mode == "year":
        return str(found.year) if found.year else "[date]"
    assert policy.birth_date is not None
    on = date(found.year, found.month, found.day or 15)  # type: ignore[arg-type]
    age = _age(policy.birth_date, on)
    if not age:
        return f"before {policy.child_label} was born"
    return f"when {policy.child_label} was {age} old"
