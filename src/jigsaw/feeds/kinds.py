"""The four kinds of feed file: their columns, which are required, and what identifies a row.

The column lists are the canonical feed format of the design contract; the order here is the
order of the parsed values every reader hands on, whatever order the file had.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class FeedKind:
    name: str
    columns: tuple[str, ...]
    required: frozenset[str]
    #: columns whose values, joined, identify a row within its source system
    key_columns: tuple[str, ...]

    def index(self, column: str) -> int:
        return self.columns.index(column)


PEOPLE = FeedKind(
    "people",
    ("source_system", "source_id", "given_name", "family_name", "birth_date", "other_names", "sex",
     "nhs_number", "upn", "address", "postcode", "phone", "is_child", "ethnicity", "recorded_at",
     "disability"),
    frozenset({"source_system", "source_id", "given_name", "family_name", "birth_date"}),
    ("source_id",),
)
EVENTS = FeedKind(
    "events",
    ("source_system", "event_id", "person_source_id", "event_type", "occurred_at", "recorded_at",
     "practitioner", "practitioner_role", "practitioner_contact", "summary", "kind",
     "significance", "details"),
    frozenset({"source_system", "event_id", "person_source_id", "event_type", "occurred_at"}),
    ("event_id",),
)
RELATIONSHIPS = FeedKind(
    "relationships",
    ("source_system", "person_source_id", "related_source_id", "relationship"),
    frozenset({"source_system", "person_source_id", "related_source_id", "relationship"}),
    ("person_source_id", "related_source_id", "relationship"),
)
INVOLVEMENTS = FeedKind(
    "involvements",
    ("source_system", "person_source_id", "agency", "role", "started_on", "team", "practitioner",
     "contact", "ended_on", "lead_professional", "early_help_assessment"),
    frozenset({"source_system", "person_source_id", "agency", "role", "started_on"}),
    ("person_source_id", "agency", "role", "started_on"),
)

KINDS: dict[str, FeedKind] = {k.name: k for k in (PEOPLE, EVENTS, RELATIONSHIPS, INVOLVEMENTS)}
#: people first, so every other kind can find the people it names
LOAD_ORDER: tuple[str, ...] = ("people", "relationships", "involvements", "events")
FORMATS: dict[str, str] = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}
KEY_SEPARATOR = "\x1f"


def kind_of(path: Path) -> FeedKind | None:
    """The feed kind a file name announces (``people.csv``, ``events.jsonl`` …), if any."""
    if path.suffix.lower() not in FORMATS:
        return None
    return KINDS.get(path.stem.lower())
