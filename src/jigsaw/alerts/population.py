"""The rules engine's input, read set-wise from the stored records and the resolved people.

Events belong to the person their record is linked to (so one child's events from five agencies
are evaluated together); a person's birth date, sex and ethnicity are the most common values
across their records (one mistyped record does not move a baby's age); households come from the
relationships agencies sent, between the people those records belong to, and from a shared
home: people whose most common address (postcode and address text) is the same. A household is
the connected group those links make, listed as every pair of its members, as the rules engine
expects; groups larger than :data:`MAX_HOUSEHOLD` (a hostel, a mistyped shared address) are not
treated as one household.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date

import numpy as np
import pyarrow as pa
from django.db import connections
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from jigsaw.rules import Population

_EVENTS = """
SELECT ss.code, e.record_key, l.person_id, e.event_type, e.occurred_at, e.occurred_precision, ss.code,
       COALESCE(a.name, ss.code), e.details
FROM records_event e
JOIN signpost_recordlink l ON l.record_id = e.person_id
JOIN records_sourcesystem ss ON ss.id = e.source_system_id
LEFT JOIN records_agency a ON a.id = ss.agency_id
"""
# Each person's most common birth date, sex and ethnicity across their records, voted in the
# database: one row per person comes back, not one per record. Ties go to the lowest value in
# byte order. For ethnicity, "refused" (REFU) and "not yet obtained" (NOBT) say nothing about the
# child, so they never outvote a real code: a person's ethnicity is the most common real code, and
# only a person with none gets the most common of those two. PostgreSQL's mode() does it in one
# grouped pass (its input sorted, the first of equally frequent values wins; NULLs are ignored);
# SQLite ranks the counts with window functions.
# Each person also gets the number of agencies holding a record of them (a source system without
# an agency counts as its own), for the partnership figures, and whether any record says they have
# a disability (true if any does, false if some say not and none does, null if none records it),
# for the fairness report; the rules read neither.
_PEOPLE_POSTGRESQL = """
SELECT l.person_id, mode() WITHIN GROUP (ORDER BY pr.birth_date),
       mode() WITHIN GROUP (ORDER BY NULLIF(NULLIF(pr.sex, 'U'), '') COLLATE "C"),
       COALESCE(mode() WITHIN GROUP (ORDER BY (CASE WHEN pr.ethnicity IN ('NOBT', 'REFU') THEN NULL
                                               ELSE NULLIF(pr.ethnicity, '') END) COLLATE "C"),
                mode() WITHIN GROUP (ORDER BY (CASE WHEN pr.ethnicity IN ('NOBT', 'REFU')
                                               THEN pr.ethnicity END) COLLATE "C")),
       COUNT(DISTINCT COALESCE(ss.agency_id, -ss.id)), bool_or(pr.disability)
FROM signpost_recordlink l JOIN records_personrecord pr ON pr.id = l.record_id
JOIN records_sourcesystem ss ON ss.id = pr.source_system_id {where}
GROUP BY l.person_id ORDER BY l.person_id
"""
_PEOPLE_SQLITE = """
WITH r AS (
  SELECT l.person_id AS p, pr.birth_date AS b, NULLIF(NULLIF(pr.sex, 'U'), '') AS s,
         NULLIF(pr.ethnicity, '') AS e, COALESCE(ss.agency_id, -ss.id) AS a, pr.disability AS d
  FROM signpost_recordlink l JOIN records_personrecord pr ON pr.id = l.record_id
  JOIN records_sourcesystem ss ON ss.id = pr.source_system_id {where}
),
vb AS (SELECT p, b AS v, ROW_NUMBER() OVER (PARTITION BY p ORDER BY COUNT(*) DESC, b) AS k
       FROM r WHERE b IS NOT NULL GROUP BY p, b),
vs AS (SELECT p, s AS v, ROW_NUMBER() OVER (PARTITION BY p ORDER BY COUNT(*) DESC, s) AS k
       FROM r WHERE s IS NOT NULL GROUP BY p, s),
ve AS (SELECT p, e AS v,
              ROW_NUMBER() OVER (PARTITION BY p ORDER BY e IN ('NOBT', 'REFU'), COUNT(*) DESC, e) AS k
       FROM r WHERE e IS NOT NULL GROUP BY p, e)
SELECT people.p, vb.v, vs.v, ve.v, people.agencies, people.disability
FROM (SELECT p, COUNT(DISTINCT a) AS agencies, MAX(d) AS disability FROM r GROUP BY p) AS people
LEFT JOIN vb ON vb.p = people.p AND vb.k = 1
LEFT JOIN vs ON vs.p = people.p AND vs.k = 1
LEFT JOIN ve ON ve.p = people.p AND ve.k = 1
ORDER BY people.p
"""
_HOUSEHOLDS = """
SELECT la.person_id, lb.person_id
FROM records_relationship r
JOIN signpost_recordlink la ON la.record_id = r.person_id
JOIN signpost_recordlink lb ON lb.record_id = r.related_id
WHERE la.person_id <> lb.person_id
"""
_ADDRESSES = """
SELECT l.person_id, pr.postcode, pr.address
FROM signpost_recordlink l JOIN records_personrecord pr ON pr.id = l.record_id
WHERE pr.postcode <> '' AND pr.address <> ''
"""
_CHUNK = 100_000
#: Above this many people a connected "household" is more likely a data error than a home.
MAX_HOUSEHOLD = 20


def _where(sql: str, column: str, persons: list[int] | None) -> tuple[str, list[int]]:
    if persons is None:
        return sql, []
    return sql + f" WHERE {column} IN ({', '.join(['%s'] * len(persons))})", persons


def _fetch(using: str, sql: str, params: list) -> list[tuple]:
    rows: list[tuple] = []
    with connections[using].cursor() as cur:
        cur.execute(sql, params)
        while chunk := cur.fetchmany(_CHUNK):
            rows.extend(chunk)
    return rows


def _text(value: object) -> str | None:
    """``details`` as JSON text: SQLite hands back text, PostgreSQL a decoded object."""
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value)


def _in(column: str, ids: list[int]) -> str:
    return f"{column} IN ({', '.join(['%s'] * len(ids))})"


def _links(using: str, persons: set[int] | None) -> tuple[set[tuple[int, int]], dict[int, Counter]]:
    """Relationship edges and each person's home counts: everyone's, or around ``persons``."""
    edges: set[tuple[int, int]] = set()
    homes: dict[int, Counter] = defaultdict(Counter)
    if persons is None:
        relationship_rows = _fetch(using, _HOUSEHOLDS, [])
        address_rows = _fetch(using, _ADDRESSES, [])
    else:
        relationship_rows, address_rows = [], []
        ids = sorted(persons)
        for start in range(0, len(ids), 400):
            part = ids[start : start + 400]
            relationship_rows += _fetch(
                using,
                _HOUSEHOLDS + f" AND ({_in('la.person_id', part)} OR {_in('lb.person_id', part)})",
                part + part,
            )
            mine = _fetch(using, _ADDRESSES + f" AND {_in('l.person_id', part)}", part)
            postcodes = sorted({row[1] for row in mine})
            for pc_start in range(0, len(postcodes), 400):
                chunk = postcodes[pc_start : pc_start + 400]
                marks = ", ".join(["%s"] * len(chunk))
                address_rows += _fetch(using, _ADDRESSES + f" AND pr.postcode IN ({marks})", chunk)
    for a, b in relationship_rows:
        edges.add((min(a, b), max(a, b)))
    for person, postcode, address in address_rows:
        homes[person][(postcode, " ".join(address.casefold().split()))] += 1
    return edges, homes


def _households(using: str, persons: set[int] | None = None, hops: int = 3) -> list[list[int]]:
    """Households of two or more people: relationship links and shared homes, connected.

    With ``persons``, only the households around them, found by following links ``hops`` steps
    out (a child to their mother to her other children is two).
    """
    if persons is None:
        edges, homes = _links(using, None)
    else:
        edges, homes, seen, frontier = set(), defaultdict(Counter), set(), set(persons)
        for _ in range(hops):
            more_edges, more_homes = _links(using, frontier)
            edges |= more_edges
            for person, counter in more_homes.items():
                homes[person] = counter
            seen |= frontier
            frontier = ({p for e in edges for p in e} | set(homes)) - seen
            if not frontier:
                break
    by_home: dict[tuple[str, str], list[int]] = defaultdict(list)
    for person, counter in homes.items():
        by_home[min(counter.items(), key=lambda kv: (-kv[1], kv[0]))[0]].append(person)
    for members in by_home.values():
        edges.update((members[0], m) for m in members[1:])
    if not edges:
        return []
    nodes = sorted({p for e in edges for p in e})
    index = {p: i for i, p in enumerate(nodes)}
    left = np.array([index[a] for a, _ in edges])
    right = np.array([index[b] for _, b in edges])
    graph = coo_matrix((np.ones(len(edges), np.int8), (left, right)), shape=(len(nodes), len(nodes)))
    labels = connected_components(graph, directed=False)[1]
    groups: dict[int, list[int]] = defaultdict(list)
    for node, label in zip(nodes, labels.tolist(), strict=True):
        groups[label].append(node)
    return [g for g in groups.values() if 2 <= len(g) <= MAX_HOUSEHOLD]


def postcodes(using: str = "default") -> dict[int, str]:
    """Each person's most common postcode across their records (ties: the lowest), for deprivation."""
    counts: dict[int, Counter] = defaultdict(Counter)
    for person, postcode in _fetch(using, "SELECT l.person_id, pr.postcode FROM signpost_recordlink l "
                                          "JOIN records_personrecord pr ON pr.id = l.record_id "
                                          "WHERE pr.postcode <> ''", []):
        counts[person][postcode] += 1
    return {p: min(c.items(), key=lambda kv: (-kv[1], kv[0]))[0] for p, c in counts.items()}


def households(using: str = "default") -> list[list[int]]:
    """Every household of two or more people (relationship links and shared homes, connected)."""
    return _households(using, None)


def load(persons: Iterable[int] | None = None, using: str = "default") -> tuple[Population, set[int] | None]:
    """Everyone's events, people and households, or those of ``persons`` and their households.

    Returns the population and its scope: ``persons`` with every member of their households
    (``None`` for everyone), which is what an incremental evaluation must cover.
    """
    scope: set[int] | None = None
    groups = _households(using, None if persons is None else set(persons))
    if persons is not None:
        touched = set(persons)
        groups = [g for g in groups if touched.intersection(g)]
        scope = touched.union(*groups)
    wanted = None if scope is None else sorted(scope) or [-1]
    sql, params = _where(_EVENTS, "l.person_id", wanted)
    events = _fetch(using, sql, params)
    people = _voted_people(using, wanted)
    pairs = [(a, b) for g in groups for a in g for b in g if a < b]
    return Population(
        events=pa.table(
            {
                "event_key": pa.array([f"{r[0]}:{r[1]}" for r in events], pa.string()),
                "person_id": pa.array([r[2] for r in events], pa.int64()),
                "event_type": pa.array([r[3] for r in events], pa.string()),
                "occurred_at": pa.array([r[4] for r in events], pa.timestamp("s")),
                "precision": pa.array([r[5] for r in events], pa.string()),
                "source_system": pa.array([r[6] for r in events], pa.string()),
                "agency": pa.array([r[7] for r in events], pa.string()),
                "details": pa.array([_text(r[8]) for r in events], pa.string()),
            }
        ),
        people=people,
        households=pa.table(
            {
                "person_id": pa.array([a for a, _ in pairs] + [b for _, b in pairs], pa.int64()),
                "member_id": pa.array([b for _, b in pairs] + [a for a, _ in pairs], pa.int64()),
                "started": pa.nulls(2 * len(pairs), pa.date32()),
                "ended": pa.nulls(2 * len(pairs), pa.date32()),
            }
        ),
    ), scope


def all_people(using: str = "default") -> pa.Table:
    """Every resolved person's birth date, sex and ethnicity (most common across their records),
    how many agencies hold a record of them and whether any records a disability."""
    return _voted_people(using, None)


def _date(value: date | str | None) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _voted_people(using: str, persons: list[int] | None) -> pa.Table:
    """``person_id``, ``birth_date``, ``sex``, ``ethnicity``, ``agencies``, ``disability`` of everyone,
    or of ``persons``."""
    where, params = ("", []) if persons is None else (f"WHERE {_in('l.person_id', persons)}", persons)
    sql = _PEOPLE_POSTGRESQL if connections[using].vendor == "postgresql" else _PEOPLE_SQLITE
    rows = _fetch(using, sql.format(where=where), params)
    return pa.table(
        {
            "person_id": pa.array([r[0] for r in rows], pa.int64()),
            # SQLite hands a date back as text once it has passed through the window functions
            "birth_date": pa.array([_date(r[1]) for r in rows], pa.date32()),
            "sex": pa.array([r[2] for r in rows], pa.string()),
            "ethnicity": pa.array([r[3] for r in rows], pa.string()),
            "agencies": pa.array([r[4] for r in rows], pa.int32()),
            "disability": pa.array([None if r[5] is None else bool(r[5]) for r in rows], pa.bool_()),
        }
    )
