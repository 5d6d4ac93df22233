"""The row counts of one file: what was read and what became of it."""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(kw_only=True)
class RowCounts:
    """``rows_read = accepted + quarantined + unchanged``; warnings are accepted rows with a problem
    set aside, ``resolved`` quarantined rows of earlier imports that loaded this time."""

    rows_read: int = 0
    accepted: int = 0
    quarantined: int = 0
    unchanged: int = 0
    warnings: int = 0
    resolved: int = 0

    def counts(self) -> dict[str, int]:
        """The counters alone, to carry into another result."""
        return {f.name: getattr(self, f.name) for f in fields(RowCounts)}
