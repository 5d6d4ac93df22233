"""Set-wise SQL that turns the staged rows of one file into stored records.

Each function is one statement or two over the staging table, portable between SQLite (3.33+)
and PostgreSQL, and run inside the file's transaction: either all of them happen or none.
"""

from __future__ import annotations

from jigsaw.feeds.vocabulary import EVENT_TYPES

from .staging import STAGE
from .tables import PERSON_TABLE, TableSpec

DUPES = "jigsaw_dupes"
_JSON_OBJECT = {"sqlite": "json_object", "postgresql": "jsonb_build_object"}
_KEY_WORDS = {"people": "source_id", "events": "event_id",
              "relationships": "relationship", "involvements": "involvement"}


def mark_duplicates(cur, spec: TableSpec) -> None:
    """Rows sharing a key: identical repeats load once; conflicting versions load not at all."""
    cur.execute(f"DROP TABLE IF EXISTS {DUPES}")
    cur.execute(
        f"CREATE TEMPORARY TABLE {DUPES} AS SELECT record_key, MIN(line) AS first_line, "  # noqa: S608
        f"COUNT(DISTINCT row_hash) AS variants FROM {STAGE} WHERE outcome IS NULL "
        "GROUP BY record_key HAVING COUNT(*) > 1"
    )
    what = _KEY_WORDS[spec.kind]
    cur.execute(
        f"UPDATE {STAGE} SET outcome = 'quarantined', reason = "  # noqa: S608
        f"'the same {what} appears more than once in this file with different content (first "
        f"at line ' || (SELECT d.first_line FROM {DUPES} d WHERE d.record_key = {STAGE}.record_key)"
        " || '); none of these rows was loaded: send one row per record' "
        f"WHERE outcome IS NULL AND record_key IN (SELECT record_key FROM {DUPES} WHERE variants > 1)"
    )
    cur.execute(
        f"UPDATE {STAGE} SET outcome = 'quarantined', reason = 'repeats the row at line ' || "  # noqa: S608
        f"(SELECT d.first_line FROM {DUPES} d WHERE d.record_key = {STAGE}.record_key) || "
        "' exactly; loaded once' "
        f"WHERE outcome IS NULL AND line > (SELECT d.first_line FROM {DUPES} d "
        f"WHERE d.record_key = {STAGE}.record_key AND d.variants = 1)"
    )
    cur.execute(f"DROP TABLE {DUPES}")


def mark_dangling(cur, spec: TableSpec, ss_id: int) -> None:
    """Quarantine rows naming a person their source never sent (they load when it does)."""
    for _fk, column in spec.refs:
        cur.execute(
            f"UPDATE {STAGE} SET outcome = 'quarantined', reason = "  # noqa: S608
            f"'{column} names a person this source system has not sent; send the person first' "
            f"WHERE outcome IS NULL AND NOT EXISTS (SELECT 1 FROM {PERSON_TABLE} p "
            f"WHERE p.source_system_id = %s AND p.record_key = {STAGE}.{column})",
            [ss_id],
        )


def classify(cur, spec: TableSpec, ss_id: int) -> None:
    """new (no stored row), unchanged (same content hash) or changed."""
    cur.execute(
        f"UPDATE {STAGE} SET outcome = COALESCE((SELECT CASE WHEN t.row_hash = {STAGE}.row_hash "  # noqa: S608
        f"THEN 'unchanged' ELSE 'changed' END FROM {spec.table} t WHERE t.source_system_id = %s "
        f"AND t.record_key = {STAGE}.record_key), 'new') WHERE outcome IS NULL",
        [ss_id],
    )


def keep_history(cur, spec: TableSpec, ss_id: int, batch_id: int, vendor: str) -> None:
    """Copy each stored row about to change into records_recordversion."""
    pairs = ", ".join(f"'{c}', t.{c}" for c in spec.columns)
    cur.execute(
        "INSERT INTO records_recordversion (kind, source_system_id, record_key, row_hash, data, "  # noqa: S608
        f"loaded_by_id, superseded_by_id) SELECT %s, t.source_system_id, t.record_key, t.row_hash, "
        f"{_JSON_OBJECT[vendor]}({pairs}), t.batch_id, %s FROM {spec.table} t JOIN {STAGE} s "
        "ON s.record_key = t.record_key WHERE t.source_system_id = %s AND s.outcome = 'changed'",
        [spec.kind, batch_id, ss_id],
    )


def _ref_joins(spec: TableSpec) -> tuple[str, list[str], list[str]]:
    joins, fks, ids = [], [], []
    for n, (fk, column) in enumerate(spec.refs):
        alias = f"p{n}"
        joins.append(f"JOIN {PERSON_TABLE} {alias} ON {alias}.source_system_id = %s "
                     f"AND {alias}.record_key = s.{column}")
        fks.append(fk)
        ids.append(f"{alias}.id")
    return " ".join(joins), fks, ids


def update_changed(cur, spec: TableSpec, ss_id: int, batch_id: int) -> None:
    joins, fks, ids = _ref_joins(spec)
    sets = [f"{c} = s.{c}" for c in spec.columns] + [f"{fk} = {i}" for fk, i in zip(fks, ids, strict=True)]
    cur.execute(
        f"UPDATE {spec.table} SET {', '.join(sets)}, row_hash = s.row_hash, batch_id = %s "  # noqa: S608
        f"FROM {STAGE} s {joins} WHERE {spec.table}.source_system_id = %s "
        f"AND {spec.table}.record_key = s.record_key AND s.outcome = 'changed'",
        [batch_id] + [ss_id] * len(spec.refs) + [ss_id],
    )


def insert_new(cur, spec: TableSpec, ss_id: int, batch_id: int) -> None:
    joins, fks, ids = _ref_joins(spec)
    columns = ["source_system_id", "record_key", "row_hash", "batch_id", "first_batch_id",
               *spec.columns, *fks]
    selected = ["%s", "s.record_key", "s.row_hash", "%s", "%s",
                *(f"s.{c}" for c in spec.columns), *ids]
    cur.execute(
        f"INSERT INTO {spec.table} ({', '.join(columns)}) SELECT {', '.join(selected)} "  # noqa: S608
        f"FROM {STAGE} s {joins} WHERE s.outcome = 'new' ORDER BY s.line",
        [ss_id, batch_id, batch_id] + [ss_id] * len(spec.refs),
    )


def fill_late_quarantine(cur, read_lines, text_hash) -> None:
    """Rows quarantined by the SQL checks get the raw text and digest that parsing skipped."""
    cur.execute(f"SELECT line FROM {STAGE} WHERE outcome = 'quarantined' AND raw IS NULL")  # noqa: S608
    lines = {line for (line,) in cur.fetchall()}
    if lines:
        raw = read_lines(lines)
        cur.executemany(
            f"UPDATE {STAGE} SET raw = %s, raw_hash = %s WHERE line = %s",  # noqa: S608
            [(raw[line], text_hash(raw[line]), line) for line in sorted(lines)],
        )


def store_quarantine(cur, kind: str, ss_id: int | None, file_name: str, batch_id: int) -> None:
    """Keep every quarantined row; an identical row already open is counted again, not copied."""
    same_source = "q.source_system_id = %s" if ss_id is not None else "q.source_system_id IS NULL"
    source_args = [ss_id] if ss_id is not None else []
    cur.execute(
        "UPDATE records_quarantinedrow SET last_batch_id = %s, times_seen = times_seen + 1 "  # noqa: S608
        f"WHERE status = 'open' AND file_kind = %s AND "
        f"{same_source.replace('q.', '')} AND raw_hash IN "
        f"(SELECT raw_hash FROM {STAGE} WHERE outcome = 'quarantined')",
        [batch_id, kind, *source_args],
    )
    cur.execute(
        "INSERT INTO records_quarantinedrow (batch_id, last_batch_id, source_system_id, file_kind, "  # noqa: S608
        "file_name, line, record_key, raw, raw_hash, reason, status, times_seen) "
        "SELECT %s, %s, %s, %s, %s, s.line, COALESCE(s.record_key, ''), s.raw, s.raw_hash, "
        f"s.reason, 'open', 1 FROM {STAGE} s WHERE s.outcome = 'quarantined' AND NOT EXISTS "
        f"(SELECT 1 FROM records_quarantinedrow q WHERE q.status = 'open' AND q.file_kind = %s "
        f"AND {same_source} AND q.raw_hash = s.raw_hash AND q.batch_id <> %s) ORDER BY s.line",
        [batch_id, batch_id, ss_id, kind, file_name, kind, *source_args, batch_id],
    )


def resolve_quarantine(cur, kind: str, ss_id: int, batch_id: int) -> int:
    """Open quarantine entries whose record has now loaded are resolved by this batch."""
    cur.execute(
        "UPDATE records_quarantinedrow SET status = 'resolved', resolved_by_id = %s "  # noqa: S608
        "WHERE status = 'open' AND source_system_id = %s AND file_kind = %s AND record_key <> '' "
        "AND last_batch_id <> %s AND record_key IN (SELECT record_key FROM "
        f"{STAGE} WHERE outcome IN ('new', 'changed', 'unchanged'))",
        [batch_id, ss_id, kind, batch_id],
    )
    return cur.rowcount


PREBIRTH_TYPES = tuple(sorted(t.name for t in EVENT_TYPES.values() if t.prebirth_ok))


def warn_before_birth(cur, ss_id: int, batch_id: int) -> int:
    """An event dated before its subject's birth loads, with a warning (unless pre-birth work)."""
    placeholders = ", ".join(["%s"] * len(PREBIRTH_TYPES))
    cur.execute(
        "INSERT INTO records_importwarning (batch_id, line, record_key, field, message) "  # noqa: S608
        "SELECT %s, s.line, s.record_key, 'occurred_at', 'occurred_at is before the person''s "
        f"birth_date' FROM {STAGE} s JOIN {PERSON_TABLE} p ON p.source_system_id = %s "
        "AND p.record_key = s.person_source_id WHERE s.outcome IN ('new', 'changed') "
        "AND p.birth_date IS NOT NULL AND s.occurred_precision IN ('datetime', 'day') "
        f"AND s.occurred_at < p.birth_date AND s.event_type NOT IN ({placeholders})",
        [batch_id, ss_id, *PREBIRTH_TYPES],
    )
    return cur.rowcount


def outcome_counts(cur) -> dict[str, int]:
    cur.execute(f"SELECT outcome, COUNT(*) FROM {STAGE} GROUP BY outcome")  # noqa: S608
    return {outcome: count for outcome, count in cur.fetchall()}


def lines_loaded_with_warnings(cur) -> set[int]:
    cur.execute(
        f"SELECT line FROM {STAGE} WHERE has_warning = 1 AND outcome IN ('new', 'changed')"  # noqa: S608
    )
    return {line for (line,) in cur.fetchall()}
