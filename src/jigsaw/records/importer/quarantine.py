"""Set-wise SQL for rows that did not load, or loaded with warnings.

Quarantined rows are stored with file, line, raw text and reason; a row already open is counted
again rather than copied, and open rows resolve when their record loads. Like apply.py, each
function runs inside the file's transaction.
"""

from __future__ import annotations

from jigsaw.feeds import EVENT_TYPES

from .staging import QUARANTINE_TABLE, RAW_TABLE, stage_name
from .tables import PERSON_TABLE, TableSpec


def late_quarantine_lines(cur) -> set[int]:
    """Lines the SQL checks quarantined, whose raw text parsing did not keep."""
    cur.execute(f"SELECT line FROM {QUARANTINE_TABLE} WHERE raw IS NULL")  # noqa: S608
    return {line for (line,) in cur.fetchall()}


def store_raw(cur, rows: list[tuple[int, str, str]]) -> None:
    """Give late quarantines the (line, raw, raw_hash) read again from the file."""
    cur.executemany(f"INSERT INTO {RAW_TABLE} (line, raw, raw_hash) VALUES (%s, %s, %s)", rows)  # noqa: S608
    cur.execute(f"UPDATE {QUARANTINE_TABLE} SET raw = r.raw, raw_hash = r.raw_hash "  # noqa: S608
                f"FROM {RAW_TABLE} r WHERE r.line = {QUARANTINE_TABLE}.line")


def store_quarantine(cur, kind: str, ss_id: int | None, file_name: str, batch_id: int,
                     vendor: str) -> None:
    """Keep every quarantined row; an identical row already open is counted again, not copied.

    SQLite is steered to look rows up by raw_hash (``+`` keeps it off the status index, which
    would read every open row of the source for each quarantined row: minutes for a file of
    rows that were all quarantined before); PostgreSQL hash-joins either way.
    """
    plus = "+" if vendor == "sqlite" else ""
    open_here = (f"{plus}q.status = 'open' AND {plus}q.file_kind = %s AND "
                 + (f"{plus}q.source_system_id = %s" if ss_id is not None
                    else "q.source_system_id IS NULL"))
    source_args = [ss_id] if ss_id is not None else []
    cur.execute(
        "UPDATE records_quarantinedrow SET last_batch_id = %s, times_seen = times_seen + 1 "  # noqa: S608
        f"WHERE {open_here.replace('q.', '')} AND raw_hash IN (SELECT raw_hash FROM "
        f"{QUARANTINE_TABLE})",
        [batch_id, kind, *source_args],
    )
    cur.execute(
        "INSERT INTO records_quarantinedrow (batch_id, last_batch_id, source_system_id, file_kind, "  # noqa: S608
        "file_name, line, record_key, raw, raw_hash, reason, status, times_seen) "
        "SELECT %s, %s, %s, %s, %s, s.line, COALESCE(s.record_key, ''), s.raw, s.raw_hash, "
        f"s.reason, 'open', 1 FROM {QUARANTINE_TABLE} s WHERE NOT EXISTS "
        f"(SELECT 1 FROM records_quarantinedrow q WHERE {open_here} AND q.raw_hash = s.raw_hash "
        "AND q.batch_id <> %s) ORDER BY s.line",
        [batch_id, batch_id, ss_id, kind, file_name, kind, *source_args, batch_id],
    )


def resolve_quarantine(cur, kind: str, ss_id: int, batch_id: int) -> int:
    """Open quarantine entries whose record has now loaded are resolved by this batch."""
    cur.execute(
        "UPDATE records_quarantinedrow SET status = 'resolved', resolved_by_id = %s "  # noqa: S608
        "WHERE status = 'open' AND source_system_id = %s AND file_kind = %s AND record_key <> '' "
        f"AND last_batch_id <> %s AND record_key IN (SELECT record_key FROM {stage_name(kind)})",
        [batch_id, ss_id, kind, batch_id],
    )
    return cur.rowcount


PREBIRTH_TYPES = tuple(sorted(t.name for t in EVENT_TYPES.values() if t.prebirth_ok))


def _loaded_now(table: str) -> str:
    """A condition on stage row ``s``: this batch (%s) stored it, i.e. it was new or changed.

    A scalar subquery, so both databases look the row up by its unique key for just the few
    stage rows that reach it, whatever the planner believes about the stored table's size.
    """
    return (f"(SELECT t.batch_id FROM {table} t WHERE t.source_system_id = %s "  # noqa: S608
            "AND t.record_key = s.record_key) = %s")


def warn_before_birth(cur, ss_id: int, batch_id: int) -> int:
    """An event dated before its subject's birth loads, with a warning (unless pre-birth work).

    Whether this batch stored the event is asked only of events dated before the birth (the
    CASE keeps PostgreSQL from asking it of every event while scanning the stage).
    """
    placeholders = ", ".join(["%s"] * len(PREBIRTH_TYPES))
    cur.execute(
        "INSERT INTO records_importwarning (batch_id, line, record_key, field, message) "  # noqa: S608
        "SELECT %s, s.line, s.record_key, 'occurred_at', 'occurred_at is before the person''s "
        f"birth_date' FROM {stage_name('events')} s JOIN {PERSON_TABLE} p "
        "ON p.source_system_id = %s AND p.record_key = s.person_source_id "
        "WHERE p.birth_date IS NOT NULL AND s.occurred_precision IN ('datetime', 'day') "
        f"AND s.event_type NOT IN ({placeholders}) AND CASE WHEN s.occurred_at < p.birth_date "
        f"THEN {_loaded_now('records_event')} ELSE 0 = 1 END ORDER BY s.line",
        [batch_id, ss_id, *PREBIRTH_TYPES, ss_id, batch_id],
    )
    return cur.rowcount


def lines_loaded_with_warnings(cur, spec: TableSpec, ss_id: int, batch_id: int) -> set[int]:
    """Lines with parse warnings whose row this batch stored (new or changed, not unchanged)."""
    cur.execute(
        f"SELECT s.line FROM {stage_name(spec.kind)} s WHERE s.has_warning = 1 "  # noqa: S608
        f"AND {_loaded_now(spec.table)}",
        [ss_id, batch_id],
    )
    return {line for (line,) in cur.fetchall()}
