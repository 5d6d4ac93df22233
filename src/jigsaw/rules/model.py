"""The value types of the rule engine: a compiled rule, the catalogue, a finding, the load error.

They are plain frozen dataclasses so the Django alert store can persist a finding field by field,
and so a finding is hashable and comparable in tests without any engine state attached.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from jigsaw.rules.deadlines import Deadline

SEVERITIES = ("high", "medium", "low")
MODES = ("required", "advisory")
ROUTES = ("allocated_worker", "school_safeguarding_lead", "hub", "lead_professional")
SCOPES = ("person", "household")
#: name in a rule file -> (start event type, end event type) that open and close the state
STATES: dict[str, tuple[str, str]] = {
    "child_protection_plan": ("cp_plan_start", "cp_plan_end"),
    "looked_after": ("looked_after_start", "looked_after_end"),
}


class RuleFileError(ValueError):
    """A rule file (or an override of it) is invalid; nothing from the catalogue was loaded."""

    def __init__(self, file: str, line: int | None, message: str) -> None:
        self.file, self.line, self.message = file, line, message
        where = f"{file}:{line}" if line else file
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class Condition:
    """Tests on one event (or one household member for ``subjects``); all must hold.

    ``details`` pairs a details field with the canonical JSON texts it may equal; ``any_of`` holds
    alternatives of which at least one must hold (empty: no alternative test).
    """

    details: tuple[tuple[str, frozenset[str]], ...] = ()
    age_under_days: int | None = None
    age_between_years: tuple[int, int] | None = None
    states: frozenset[str] = frozenset()
    any_of: tuple[Condition, ...] = ()

    def fields(self) -> set[str]:
        """Every details field this condition (and its alternatives) reads."""
        out = {f for f, _ in self.details}
        for alt in self.any_of:
            out |= alt.fields()
        return out

    def all_states(self) -> set[str]:
        out = set(self.states)
        for alt in self.any_of:
            out |= alt.all_states()
        return out


@dataclass(frozen=True)
class Match:
    """A compiled ``[match]`` table with every parameter reference resolved."""

    event_types: tuple[str, ...]
    condition: Condition
    count_at_least: int | None = None
    within_days: int | None = None
    distinct_sources_at_least: int | None = None
    subjects: Condition | None = None


@dataclass(frozen=True)
class Source:
    citation: str
    url: str

    def text(self) -> str:
        return f"{self.citation} {self.url}".strip()


@dataclass(frozen=True)
class Rule:
    """One rule file, validated, with the partnership's parameter overrides applied."""

    id: str
    version: int
    title: str
    explanation: str
    source: Source
    severity: str
    mode: str
    enabled: bool
    route: str
    scope: str
    parameters: dict[str, Any]
    match: Match
    path: Path
    deadline: Deadline | None = None  # from the rule's [deadline]; None: no deadline

    def explain(self) -> str:
        """The plain-language explanation with the parameter values filled in."""
        values = {k: (", ".join(map(str, v)) if isinstance(v, list) else v)
                  for k, v in self.parameters.items()}
        return self.explanation.format(**values)


@dataclass(frozen=True)
class Catalogue:
    """The validated rules of a partnership, in id order."""

    rules: tuple[Rule, ...]

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)

    def get(self, rule_id: str) -> Rule:
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise KeyError(rule_id)

    def enabled(self) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if r.enabled)


@dataclass(frozen=True)
class Finding:
    """One alert candidate: which rule, about whom, on which evidence, and how to explain it.

    ``pattern_key`` is stable across runs (rule id, subjects, first triggering event) so the alert
    store can tell a pattern it already raised from a new one.
    """

    rule_id: str
    rule_version: int
    title: str
    severity: str
    mode: str
    route: str
    person_ids: tuple[int, ...]
    event_keys: tuple[str, ...]
    first_at: date
    last_at: date
    explanation: str
    citation: str
    uncertain: bool
    pattern_key: str
    #: data problems met on the way (events after a recorded death ignored, …)
    notes: tuple[str, ...] = field(default=())
