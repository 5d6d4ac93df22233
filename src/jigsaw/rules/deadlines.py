"""When an alert must have been acted on: each rule's ``[deadline]`` table, and how it is computed.

A rule file says when its guidance expects action, and cites that guidance in its ``[source]``:

* ``when = "immediately"``: due at the last event (e.g. bruising in a non-mobile baby: referral
  at once);
* ``when = "end_of_day"``: by the end of the last event's day, UK time;
* ``when = "next_school_day"``: before the start of the next school day after the last event
  (Operation Encompass); school days are England's working days less the partnership's closure
  days, and the day starts at a set time (both settings of the caller);
* ``within_hours = N``: N hours after the last event (e.g. a return interview within 72 hours).

No ``[deadline]`` table: the rule sets no deadline.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from jigsaw.feeds import LONDON, next_working_day

WHEN = ("immediately", "end_of_day", "next_school_day")


@dataclass(frozen=True)
class SchoolDays:
    """What a school day is here: its start (UK time) and the days schools are closed."""

    starts_at: time = time(8, 30)
    closures: Collection[date] = field(default_factory=frozenset)

    def next_start(self, after: datetime) -> datetime:
        """The start of the first school day after ``after`` (UK time), as UTC."""
        day = next_working_day(after.astimezone(LONDON).date(), self.closures)
        return datetime.combine(day, self.starts_at, tzinfo=LONDON).astimezone(UTC)


@dataclass(frozen=True)
class Deadline:
    """A rule's ``[deadline]``: one of ``when`` or ``within_hours``."""

    when: str | None = None
    within_hours: int | None = None

    def due(self, last_at: datetime, school: SchoolDays | None = None) -> datetime:
        """The deadline for acting on events whose last one is at ``last_at`` (aware)."""
        if self.within_hours is not None:
            return last_at + timedelta(hours=self.within_hours)
        if self.when == "immediately":
            return last_at
        if self.when == "end_of_day":
            day = last_at.astimezone(LONDON).date()
            return datetime.combine(day, time(23, 59), tzinfo=LONDON).astimezone(UTC)
        return (school or SchoolDays()).next_start(last_at)


def parse_deadline(raw: Any) -> Deadline:
    """A ``[deadline]`` table as a :class:`Deadline`; ``ValueError`` says what is wrong."""
    if not isinstance(raw, dict):
        raise ValueError("deadline must be a table")
    unknown = set(raw) - {"when", "within_hours"}
    if unknown:
        raise ValueError(f"unknown key {sorted(unknown)[0]!r} in [deadline]")
    if len(raw) != 1:
        raise ValueError("[deadline] needs exactly one of 'when' or 'within_hours'")
    if "when" in raw:
        if raw["when"] not in WHEN:
            raise ValueError(f"deadline when must be one of {', '.join(WHEN)}, got {raw['when']!r}")
        return Deadline(when=raw["when"])
    hours = raw["within_hours"]
    if type(hours) is not int or hours < 1:
        raise ValueError("deadline within_hours must be a whole number of hours, 1 or more")
    return Deadline(within_hours=hours)
