"""Hand-built populations for the rule tests: a few people, a few events, dates as text."""

from __future__ import annotations

import itertools
import json
from datetime import date, datetime
from typing import Any

from jigsaw.rules import Finding, Population, evaluate, load_catalogue

AS_OF = date(2026, 6, 30)
_ids = itertools.count()


def ev(person: int, event_type: str, when: str, source: str = "gp01", key: str | None = None,
       details: dict[str, Any] | None = None, precision: str | None = None) -> dict[str, Any]:
    """One event row; ``when`` is an ISO date."""
    return {"event_key": key or f"{source}:E{next(_ids)}", "person_id": person, "event_type": event_type,
            "occurred_at": datetime.fromisoformat(when), "precision": precision, "source_system": source,
            "agency": source, "details": json.dumps(details) if details is not None else None}


def person(pid: int, born: str | None) -> dict[str, Any]:
    return {"person_id": pid, "birth_date": date.fromisoformat(born) if born else None, "sex": "F",
            "ethnicity": "WBRI"}


def household(*members: int, started: str | None = None, ended: str | None = None) -> list[dict[str, Any]]:
    """Every ordered pair of ``members`` living together over the period."""
    s = date.fromisoformat(started) if started else None
    e = date.fromisoformat(ended) if ended else None
    return [{"person_id": a, "member_id": b, "started": s, "ended": e}
            for a in members for b in members if a != b]


def pop(events: list[dict[str, Any]], people: list[dict[str, Any]],
        households: list[dict[str, Any]] = ()) -> Population:
    return Population.from_rows(events, people, households)


def run(population: Population, rule_id: str, as_of: date = AS_OF, overrides: dict | None = None,
        persons: list[int] | None = None) -> list[Finding]:
    """Findings of one rule of the shipped catalogue."""
    cat = load_catalogue(overrides=overrides)
    return [f for f in evaluate(cat, population, as_of, persons) if f.rule_id == rule_id]


def subjects(findings: list[Finding]) -> set[int]:
    return {p for f in findings for p in f.person_ids}
