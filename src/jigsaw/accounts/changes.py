"""What an administrative edit changed, in the shape the access log keeps it.

Every field that changed is named; old and new values are kept only for the fields an auditor
needs to reconstruct who could do what and when (role, agency, active, vetting dates, an
agency's name and type). Personal details and contact details are named but not copied: the
access log can never be edited, so it keeps no more than it must. Secrets never reach here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

#: Longest text value copied into the log (the log refuses text over 200 characters per value).
MAX_VALUE_CHARS = 100


def loggable(value: Any) -> Any:
    """A value as the log holds it: dates as ISO text, long text cut short."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return value[:MAX_VALUE_CHARS]
    return value


@dataclass(frozen=True)
class Changes:
    fields: tuple[str, ...] = ()
    values: dict[str, dict[str, Any]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.fields)

    def detail(self) -> dict[str, Any]:
        return {"fields": list(self.fields), "changes": self.values}


def compare(before: Mapping[str, Any], after: Mapping[str, Any], valued: frozenset[str]) -> Changes:
    """The fields whose value differs, with old and new for those in ``valued``."""
    changed = tuple(name for name in before if before[name] != after[name])
    values = {name: {"old": loggable(before[name]), "new": loggable(after[name])}
              for name in changed if name in valued}
    return Changes(changed, values)
