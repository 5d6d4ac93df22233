"""When an alert must have been acted on: its rule's ``[deadline]``, with this partnership's school days.

Each rule file states its deadline and cites the guidance behind it (``jigsaw.rules.deadlines``,
docs/rules.md). School days are England's working days less the closure days in
``JIGSAW_SCHOOL_CLOSURE_DAYS``, starting at ``JIGSAW_SCHOOL_DAY_START`` (settings); school holidays
are a partnership's to list there, since they differ by school and area.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from django.conf import settings

from jigsaw.rules import Deadline, SchoolDays, load_catalogue


@lru_cache(maxsize=1)
def _deadlines() -> dict[str, Deadline]:
    return {rule.id: rule.deadline for rule in load_catalogue() if rule.deadline is not None}


def school_days() -> SchoolDays:
    """The partnership's school days, from settings."""
    return SchoolDays(settings.JIGSAW_SCHOOL_DAY_START, frozenset(settings.JIGSAW_SCHOOL_CLOSURE_DAYS))


def next_school_day_start(after: datetime) -> datetime:
    """The start of the first school day after ``after`` (UK time), as UTC."""
    return school_days().next_start(after)


def due_at(rule_id: str, first_at: datetime, last_at: datetime) -> datetime | None:
    """The deadline for acting on an alert of ``rule_id`` about events ``first_at``..``last_at``."""
    deadline = _deadlines().get(rule_id)
    return deadline.due(last_at, school_days()) if deadline is not None else None
