"""`jigsaw export links`: every person record with its person, probability and method."""

from __future__ import annotations

import csv
from pathlib import Path

from django.db import connections

from jigsaw.feeds import neutralise_formula

HEADER = ("source_system", "source_id", "person_id", "match_probability", "method")

_SELECT = """
SELECT ss.code, pr.record_key, l.person_id, l.match_probability, l.method
FROM records_personrecord pr
JOIN records_sourcesystem ss ON ss.id = pr.source_system_id
LEFT JOIN signpost_recordlink l ON l.record_id = pr.id
ORDER BY ss.code, pr.record_key
"""


def export_links(out: Path, using: str = "default") -> tuple[int, int]:
    """Write the links CSV (DESIGN's contract); returns (rows, records not yet linked).

    A record not yet linked is still listed, with a blank person, so nothing is silently
    missing from the file.
    """
    rows = unlinked = 0
    tmp = out.with_name(out.name + ".part")
    with tmp.open("w", newline="", encoding="utf-8") as handle, connections[using].cursor() as cur:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        cur.execute(_SELECT)
        while chunk := cur.fetchmany(50_000):
            for code, key, person, probability, method in chunk:
                if person is None:
                    unlinked += 1
                writer.writerow((neutralise_formula(code), neutralise_formula(key), person if person else "",
                                 "" if probability is None else f"{probability:.6f}", method or ""))
                rows += 1
    tmp.replace(out)
    return rows, unlinked
