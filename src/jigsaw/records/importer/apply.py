"""Set-wise SQL that turns the staged rows of one file into stored records.

Each function is one statement or two over the staging table, portable between SQLite (3.33+)
and PostgreSQL, and run inside the file's transaction: either all of them happen or none.

Rows that cannot load are moved out of the kind's stage into the quarantine stage; new,
changed and unchanged rows are told apart by joining to the stored table as each statement
needs it, never by marking the stage: updating every staged row would rewrite the whole stage
under PostgreSQL's MVCC, and a filter on a flag would leave its planner guessing sizes.
"""

from __future__ import annotations

from dataclasses import dataclass

from .staging import QUARANTINE_TABLE, stage_name
from .tables import PERSON_TABLE, TableSpec

DUPES = "jigsaw_dupes"
_JSON_OBJECT = {"sqlite": "json_object", "postgresql": "jsonb_build_object"}
_KEY_WORDS = {"people": "source_id", "events": "event_id",
              "relationships": "relationship", "involvements": "involvement"}


@dataclass
class Survey:
    """One read of the stage against what is stored: what the file's rows would become."""

    staged: int  # rows staged to load
    quarantined: int  # rows staged as quarantined
    new: int
    changed: int
    unchanged: int
    duplicates: bool  # some key appears twice: mark_duplicates has work to do
    dangling: bool  # some row names a person not stored: mark_dangling has work to do
    open_quarantine: bool  # the source has open quarantine rows this file may resolve


#: PostgreSQL settings for the rest of the file's transaction, as one SELECT list (they go in
#: with the import lock: one round trip). Its statistics for a source system loaded since the
#: last ANALYZE say "about one row", and it then plans nested loops comparing every staged row
#: with every stored row of the source — minutes for one file. Hash joins cost one pass over
#: each side whatever the statistics say; ANALYZE after each file would cost more than the file.
#: SQLite looks rows up by the unique key in any case.
PG_BULK_SETTINGS = ("set_config('enable_nestloop', 'off', true), "
                    "set_config('work_mem', '64MB', true)")  # a big source's keys hash in memory


def _set_aside(cur, stage: str) -> None:
    """Take rows just copied into the quarantine stage out of the kind's stage."""
    cur.execute(f"DELETE FROM {stage} WHERE line IN (SELECT line FROM {QUARANTINE_TABLE})")  # noqa: S608


def mark_duplicates(cur, spec: TableSpec) -> int:
    """Rows sharing a key: identical repeats load once; conflicting versions load not at all."""
    stage = stage_name(spec.kind)
    cur.execute(f"DROP TABLE IF EXISTS {DUPES}")
    cur.execute(
        f"CREATE TEMPORARY TABLE {DUPES} AS SELECT record_key, MIN(line) AS first_line, "  # noqa: S608
        f"COUNT(DISTINCT row_hash) AS variants FROM {stage} GROUP BY record_key HAVING COUNT(*) > 1"
    )
    what = _KEY_WORDS[spec.kind]
    cur.execute(
        f"INSERT INTO {QUARANTINE_TABLE} (line, record_key, reason) SELECT s.line, s.record_key, "  # noqa: S608
        "CASE WHEN d.variants > 1 THEN "
        f"'the same {what} appears more than once in this file with different content (first "
        "at line ' || d.first_line || '); none of these rows was loaded: send one row per record' "
        "ELSE 'repeats the row at line ' || d.first_line || ' exactly; loaded once' END "
        f"FROM {stage} s JOIN {DUPES} d ON d.record_key = s.record_key "
        "WHERE d.variants > 1 OR s.line > d.first_line"
    )
    marked = cur.rowcount
    cur.execute(f"DROP TABLE {DUPES}")
    _set_aside(cur, stage)
    return marked


def mark_dangling(cur, spec: TableSpec, ss_id: int, child_field: str = "") -> int:
    """Quarantine rows naming a person their source never sent (they load when it does).

    ``child_field``: what a DfE return calls the child's id (``CHILD``, ``LAchildID``), named in
    the reason in place of the canonical column its rows were built into.
    """
    stage, marked = stage_name(spec.kind), 0
    for _fk, column in spec.refs:
        reason = (f"{child_field} names a child the source system has not sent and this return "
                  "did not load; send the child first" if child_field else
                  f"{column} names a person this source system has not sent; send the person first")
        cur.execute(
            f"INSERT INTO {QUARANTINE_TABLE} (line, record_key, reason) SELECT s.line, "  # noqa: S608
            f"s.record_key, %s FROM {stage} s WHERE NOT EXISTS (SELECT 1 FROM {PERSON_TABLE} p "
            f"WHERE p.source_system_id = %s AND p.record_key = s.{column})",
            [reason, ss_id],
        )
        if cur.rowcount:
            marked += cur.rowcount
            _set_aside(cur, stage)
    return marked


#: staged rows up to which PostgreSQL's survey looks each row's stored record up by its unique
#: key, rather than joining the stage to the source's stored rows (see ``survey``)
LOOKUP_ROWS = 5000


def survey_by_lookups(vendor: str, staged: int) -> bool:
    """Whether to survey a stage of ``staged`` rows by key lookups (see ``survey``).

    PostgreSQL only: SQLite already looks each row up by key in the joined form, which was as
    fast or faster there (the lookup form runs its subquery once per use).
    """
    return vendor == "postgresql" and staged <= LOOKUP_ROWS


def _dangling_test(spec: TableSpec, lookups: bool) -> str:
    stage = stage_name(spec.kind)
    if lookups:  # a scalar subquery stays a per-row index lookup (see survey)
        tests = [f"EXISTS (SELECT 1 FROM {stage} s WHERE (SELECT p.id FROM {PERSON_TABLE} p "  # noqa: S608
                 f"WHERE p.source_system_id = %s AND p.record_key = s.{column}) IS NULL)"
                 for _fk, column in spec.refs]
    else:
        tests = [f"EXISTS (SELECT 1 FROM {stage} s WHERE NOT EXISTS (SELECT 1 FROM {PERSON_TABLE} "  # noqa: S608
                 f"p WHERE p.source_system_id = %s AND p.record_key = s.{column}))"
                 for _fk, column in spec.refs]
    return " OR ".join(tests) if tests else "1 = 0"


def _repeats_test(stage: str) -> str:
    return (f"CASE WHEN EXISTS (SELECT 1 FROM {stage} GROUP BY record_key HAVING COUNT(*) > 1) "  # noqa: S608
            "THEN 1 ELSE 0 END")


def _stored_side(spec: TableSpec, lookups: bool) -> str:
    """The survey's counts of staged rows (new, unchanged) against the stored table."""
    stage = stage_name(spec.kind)
    if lookups:
        return ("SELECT COUNT(*) AS staged, COUNT(*) - COUNT(h) AS new, "  # noqa: S608
                "COALESCE(SUM(CASE WHEN h = row_hash THEN 1 ELSE 0 END), 0) AS unchanged FROM "
                f"(SELECT s.row_hash, (SELECT t.row_hash FROM {spec.table} t WHERE "
                f"t.source_system_id = %s AND t.record_key = s.record_key) AS h FROM {stage} s) x")
    return ("SELECT COUNT(*) AS staged, COUNT(*) - COUNT(t.id) AS new, "  # noqa: S608
            "COALESCE(SUM(CASE WHEN t.row_hash = s.row_hash THEN 1 ELSE 0 END), 0) AS unchanged "
            f"FROM {stage} s LEFT JOIN {spec.table} t ON t.source_system_id = %s "
            "AND t.record_key = s.record_key")


def survey(cur, spec: TableSpec, ss_id: int | None, lookups: bool = False,
           repeats: bool = True) -> Survey:
    """Count what the staged rows would become, and whether any check has work: one statement.

    Usually nothing needs quarantining by SQL, so one read decides the whole file; when the
    duplicate or reference checks have work, they move rows out and the survey is run again.

    ``lookups`` (a stage of at most LOOKUP_ROWS rows): each staged row's stored record and
    person are looked up by their unique keys, in scalar subqueries, which PostgreSQL runs as
    index lookups whatever it believes of the tables' sizes. Otherwise the stage is joined to
    the stored rows, and with nested loops turned off (see PG_BULK_SETTINGS) PostgreSQL reads
    every stored row of the source: right for a big file, but for a file of a few hundred rows
    into a source of a hundred thousand it is nearly all of the file's time. The counts are
    the same either way (a record key is unique within its source, and a stored row_hash is
    never NULL), on either database.

    ``repeats``: the stage may hold a key twice. The parse knows when it does not (it saw every
    key once), and then the grouping of the whole stage by key is skipped.
    """
    stage = stage_name(spec.kind)
    if ss_id is None:  # no row named a source system: every row is already quarantined
        cur.execute(f"SELECT (SELECT COUNT(*) FROM {stage}), "  # noqa: S608
                    f"(SELECT COUNT(*) FROM {QUARANTINE_TABLE})")
        staged, quarantined = cur.fetchone()
        return Survey(int(staged), int(quarantined), 0, 0, 0, False, False, False)
    cur.execute(
        "SELECT c.staged, c.new, c.unchanged, c.staged - c.new - c.unchanged, "  # noqa: S608
        f"(SELECT COUNT(*) FROM {QUARANTINE_TABLE}), "
        f"{_repeats_test(stage) if repeats else '0'}, "
        f"CASE WHEN {_dangling_test(spec, lookups)} THEN 1 ELSE 0 END, "
        "CASE WHEN EXISTS (SELECT 1 FROM records_quarantinedrow WHERE status = 'open' AND "
        "source_system_id = %s AND file_kind = %s AND record_key <> '') THEN 1 ELSE 0 END "
        f"FROM ({_stored_side(spec, lookups)}) c",
        [ss_id] * len(spec.refs) + [ss_id, spec.kind, ss_id],
    )
    staged, new, unchanged, changed, quarantined, duplicates, dangling, open_q = cur.fetchone()
    return Survey(int(staged), int(quarantined), int(new), int(changed), int(unchanged),
                  bool(duplicates), bool(dangling), bool(open_q))


def hold_people(cur, spec: TableSpec, ss_id: int, lookups: bool = False) -> None:
    """PostgreSQL: hold the person records the staged rows name, ``FOR KEY SHARE``, until the
    file commits, as a foreign key's check would have (migration ``records.0008`` replaced the
    constraint, a trigger per stored row, with this and a check on deleting a person): a purge
    of one of them waits for the import, then finds its rows and refuses. One statement per
    reference, whatever the number of rows.

    ``lookups`` (a small stage, see ``survey``): each staged row's person is looked up by key,
    rather than the stage joined to every stored person of the source.
    """
    stage = stage_name(spec.kind)
    for _fk, column in spec.refs:
        if lookups:
            named = (f"p.id = ANY(ARRAY(SELECT (SELECT q.id FROM {PERSON_TABLE} q WHERE "  # noqa: S608
                     f"q.source_system_id = %s AND q.record_key = s.{column}) FROM {stage} s))")
        else:
            named = (f"p.source_system_id = %s AND p.record_key IN (SELECT s.{column} FROM "  # noqa: S608
                     f"{stage} s)")
        cur.execute(f"SELECT COUNT(*) FROM (SELECT 1 FROM {PERSON_TABLE} p WHERE {named} "  # noqa: S608
                    "FOR KEY SHARE OF p) x", [ss_id])


def keep_history(cur, spec: TableSpec, ss_id: int, batch_id: int, vendor: str) -> int:
    """Copy each stored row about to change into records_recordversion."""
    pairs = ", ".join(f"'{c}', t.{c}" for c in spec.columns)
    cur.execute(
        "INSERT INTO records_recordversion (kind, source_system_id, record_key, row_hash, data, "  # noqa: S608
        f"loaded_by_id, superseded_by_id) SELECT %s, t.source_system_id, t.record_key, t.row_hash, "
        f"{_JSON_OBJECT[vendor]}({pairs}), t.batch_id, %s FROM {spec.table} t "
        f"JOIN {stage_name(spec.kind)} s ON s.record_key = t.record_key "
        "WHERE t.source_system_id = %s AND t.row_hash <> s.row_hash",
        [spec.kind, batch_id, ss_id],
    )
    return cur.rowcount


def _ref_joins(spec: TableSpec) -> tuple[str, list[str], list[str]]:
    joins, fks, ids = [], [], []
    for n, (fk, column) in enumerate(spec.refs):
        alias = f"p{n}"
        joins.append(f"JOIN {PERSON_TABLE} {alias} ON {alias}.source_system_id = %s "
                     f"AND {alias}.record_key = s.{column}")
        fks.append(fk)
        ids.append(f"{alias}.id")
    return " ".join(joins), fks, ids


def update_changed(cur, spec: TableSpec, ss_id: int, batch_id: int) -> int:
    joins, fks, ids = _ref_joins(spec)
    sets = [f"{c} = s.{c}" for c in spec.columns] + [f"{fk} = {i}" for fk, i in zip(fks, ids, strict=True)]
    cur.execute(
        f"UPDATE {spec.table} SET {', '.join(sets)}, row_hash = s.row_hash, batch_id = %s "  # noqa: S608
        f"FROM {stage_name(spec.kind)} s {joins} WHERE {spec.table}.source_system_id = %s "
        f"AND {spec.table}.record_key = s.record_key "
        f"AND {spec.table}.row_hash <> s.row_hash",
        [batch_id] + [ss_id] * len(spec.refs) + [ss_id],
    )
    return cur.rowcount


def insert_new(cur, spec: TableSpec, ss_id: int, batch_id: int, every: bool = False) -> int:
    """Store the new rows; ``every`` when classify found no staged row already stored."""
    joins, fks, ids = _ref_joins(spec)
    columns = ["source_system_id", "record_key", "row_hash", "batch_id", "first_batch_id",
               *spec.columns, *fks]
    selected = ["%s", "s.record_key", "s.row_hash", "%s", "%s",
                *(f"s.{c}" for c in spec.columns), *ids]
    absent = "" if every else (f"WHERE NOT EXISTS (SELECT 1 FROM {spec.table} t WHERE "  # noqa: S608
                               "t.source_system_id = %s AND t.record_key = s.record_key) ")
    cur.execute(
        f"INSERT INTO {spec.table} ({', '.join(columns)}) SELECT {', '.join(selected)} "  # noqa: S608
        f"FROM {stage_name(spec.kind)} s {joins} {absent}ORDER BY s.line",
        [ss_id, batch_id, batch_id] + [ss_id] * len(spec.refs) + ([] if every else [ss_id]),
    )
    return cur.rowcount
