"""Where each feed kind is stored and which person records its rows point at."""

from __future__ import annotations

from dataclasses import dataclass

from jigsaw.feeds import STORED_COLUMNS


@dataclass(frozen=True, slots=True)
class TableSpec:
    kind: str
    table: str
    columns: tuple[str, ...]
    #: (foreign-key column, staged column holding the person's source id)
    refs: tuple[tuple[str, str], ...] = ()


PERSON_TABLE = "records_personrecord"

SPECS: dict[str, TableSpec] = {
    "people": TableSpec("people", PERSON_TABLE, STORED_COLUMNS["people"]),
    "events": TableSpec("events", "records_event", STORED_COLUMNS["events"],
                        (("person_id", "person_source_id"),)),
    "relationships": TableSpec("relationships", "records_relationship",
                               STORED_COLUMNS["relationships"],
                               (("person_id", "person_source_id"),
                                ("related_id", "related_source_id"))),
    "involvements": TableSpec("involvements", "records_involvement",
                              STORED_COLUMNS["involvements"], (("person_id", "person_source_id"),)),
}
