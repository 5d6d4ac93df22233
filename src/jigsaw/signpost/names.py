"""What a person is called: a display name, birth date and every name variant, from their records.

A person is the set of source records linked to them, each with its own (possibly blank)
fields. The chronology, the household, the alert pages and reviews all show the same words.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime

from jigsaw.records import sql

_NAMES = ("SELECT l.person_id, r.given_name, r.family_name, r.other_names, r.birth_date, r.recorded_at, r.id "
          "FROM records_personrecord r INNER JOIN signpost_recordlink l ON r.id = l.record_id "
          "WHERE l.person_id IN ({ids})")


def people_names(ids: list[int], using: str) -> dict[int, tuple[str, date | None, tuple[str, ...]]]:
    """(display name, birth date, every name variant) per person, from their records.

    The display name and birth date each come from the most recently recorded record that has
    one: a record without names (a DfE return's child, say) never blanks the name its linked
    records give.
    """
    oldest = datetime.min.replace(tzinfo=UTC)
    named: dict[int, tuple] = {}  # person -> ((has a name, rank), display name)
    dated: dict[int, tuple] = {}  # person -> ((has a birth date, rank), birth date)
    variants: dict[int, set[str]] = defaultdict(set)
    for pid, given, family, other, born, recorded, pk in sql.read(_NAMES, ids, using) if ids else ():
        variants[pid].update(n for n in (given, family, f"{given} {family}".strip()) if n)
        variants[pid].update(n.strip() for n in other.replace(";", ",").split(",") if n.strip())
        rank = (sql.as_datetime(recorded) or oldest, pk)
        for best, value in ((named, f"{given} {family}".strip()), (dated, sql.as_date(born))):
            key = (bool(value), rank)
            if pid not in best or key > best[pid][0]:
                best[pid] = (key, value)
    return {pid: (name, dated[pid][1], tuple(sorted(variants[pid], key=lambda n: (-len(n), n))))
            for pid, (_key, name) in named.items()}
