"""When an alert must have been acted on, from the guidance behind each rule.

Sources (research note anchors-chronology-reviews section 2.1):
* R05, Operation Encompass: the school's designated safeguarding lead is told before the start of
  the next school day (some forces: before 8.30am; weekend incidents on Monday). School holidays
  are not modelled: a partnership that needs them sets ``JIGSAW_SCHOOL_DAY_START`` and may
  extend :data:`NON_SCHOOL_DAYS`.
* R07a, DfE statutory guidance on children who run away or go missing (2014): a return home
  interview within 72 hours of the child's return (taken from the episode's date).
* R04a, RCGP and local "was not brought" protocols: the lead social worker is told the same day.
* R04c, CP-IS: the allocated worker is told when a child on a plan attends unscheduled care
  (taken as the same day).
* R01, bruising protocols: immediate referral (due at once).
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, time, timedelta

from jigsaw.feeds.dates import LONDON

#: Weekdays (Monday = 0) that are not school days.
NON_SCHOOL_DAYS = frozenset({5, 6})


def _school_day_start() -> time:
    hours, _, minutes = os.environ.get("JIGSAW_SCHOOL_DAY_START", "08:30").partition(":")
    return time(int(hours), int(minutes or 0))


def _local_end_of_day(day: date) -> datetime:
    return datetime.combine(day, time(23, 59), tzinfo=LONDON).astimezone(UTC)


def next_school_day_start(after: datetime) -> datetime:
    """The start of the first school day after ``after`` (UK time), as UTC."""
    day = after.astimezone(LONDON).date() + timedelta(days=1)
    while day.weekday() in NON_SCHOOL_DAYS:
        day += timedelta(days=1)
    return datetime.combine(day, _school_day_start(), tzinfo=LONDON).astimezone(UTC)


def due_at(rule_id: str, first_at: datetime, last_at: datetime) -> datetime | None:
    """The deadline for acting on an alert of ``rule_id`` about events ``first_at``..``last_at``."""
    if rule_id == "R05":
        return next_school_day_start(last_at)
    if rule_id == "R07a":
        return last_at + timedelta(hours=72)
    if rule_id in ("R04a", "R04c"):
        return _local_end_of_day(last_at.astimezone(LONDON).date())
    if rule_id == "R01":
        return last_at
    return None
