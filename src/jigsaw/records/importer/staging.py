"""The staging tables and how rows get into them fast on each database.

Every row of a file lands in a temporary table inside the file's transaction — rows that parse
in the kind's stage, rows that cannot load in the quarantine stage — so the rest of the import
(duplicates, references, new/changed/unchanged, history, quarantine) is a handful of set-wise
SQL statements rather than a loop over rows.

A row the SQL checks turn away is moved from the kind's stage to the quarantine stage, never
flagged in place: every statement then reads a whole table, which the PostgreSQL planner sizes
correctly without statistics (ANALYZE per file would cost more than loading a typical file, and
a filter on an unanalysed column is guessed at 0.5% of the rows, which makes it plan nested
loops over "one row" that take minutes).

The tables are made once per kind per import run, not once per file. Each file's transaction
starts by emptying them, and a file whose transaction rolls back takes its rows — or the table
itself, if it was made there — with it, so nothing staged for one file is seen by the next.
"""

from __future__ import annotations

import hashlib

#: bookkeeping columns ahead of the kind's stored columns, in insert order
STAGE_META = ("line", "has_warning", "record_key", "row_hash")
#: rows that cannot load; raw text is staged only for rows quarantined while parsing, rows the
#: SQL checks quarantine later get theirs re-read from the file into RAW_TABLE
QUARANTINE_TABLE = "jigsaw_stage_quarantine"
QUARANTINE_COLUMNS = ("line", "record_key", "raw", "raw_hash", "reason")
RAW_TABLE = "jigsaw_stage_raw"


def content_hash(values: list[str]) -> str:
    """A digest of a row's field texts in canonical column order.

    Taken over what the source sent (not our normalised form), so a re-sent row is unchanged
    whatever its column order, quoting or format (CSV or JSONL), and a change in our own
    normalisation never makes stored rows look changed.
    """
    return text_hash("\x1f".join(values))


def text_hash(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_text(rows: list[tuple]) -> bytes:
    """Staged rows (see ``Stager.load``) as PostgreSQL COPY text, so a worker process can
    format them (see pipeline.py).

    Fields are joined unescaped, then counting tabs, newlines and backslashes over the whole
    batch proves no field needed escaping (each NULL's ``\\N`` is one backslash); usually
    none does, and otherwise the batch is formatted again with every field escaped.
    """
    if not rows:
        return b""
    text = _join(rows)
    nulls = sum([row.count(None) for row in rows])
    if (text.count("\t") != len(rows) * (len(rows[0]) - 1) or text.count("\n") != len(rows)
            or text.count("\\") != nulls or "\r" in text):
        text = _join([row[:2] + tuple(v if v is None else v.translate(_ESCAPES) for v in row[2:])
                      for row in rows])
    return text.encode("utf-8")


def _join(rows: list[tuple]) -> str:
    """(line, has_warning, texts or None ...) rows as tab-separated lines, NULL as ``\\N``."""
    lines = [f"{row[0]}\t{row[1]}\t" + "\t".join(["\\N" if v is None else v for v in row[2:]])
             for row in rows]
    lines.append("")
    return "\n".join(lines)


#: PostgreSQL: rows staged since the tables were last truncated above which the next file
#: truncates them rather than deleting its predecessor's rows
TRUNCATE_ROWS = 20_000


def stage_name(kind: str) -> str:
    return f"jigsaw_stage_{kind}"


class Stager:
    """One kind's staging tables on one connection, reused by every file of an import run."""

    def __init__(self, connection, kind: str, table: str, columns: tuple[str, ...]) -> None:
        self.connection = connection  # Django connection wrapper
        self.vendor = connection.vendor
        self.name = stage_name(kind)
        self.table = table
        self.columns = STAGE_META + columns
        self._load_sql = self._insert_sql(self.name, self.columns)
        self._dead_rows = 0  # rows deleted from (or about to be) since the last TRUNCATE
        self.staged = 0  # rows staged to load for the current file
        self._created = False  # made by this run (forgotten when a file rolls back)
        self._quarantine_sql = self._insert_sql(QUARANTINE_TABLE, QUARANTINE_COLUMNS)

    def _insert_sql(self, table: str, columns: tuple[str, ...]) -> str:
        if self.vendor == "postgresql":
            return f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        marks = ", ".join(["?"] * len(columns))
        return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608

    def begin(self) -> None:
        """Make sure the tables exist and are empty; call inside the file's transaction.

        Emptied here rather than by ON COMMIT DELETE ROWS, which costs PostgreSQL about 10 ms
        at every commit; and by DELETE, which costs little for a small file, until the dead
        rows it leaves behind are worth a TRUNCATE (a few milliseconds, then none left).
        """
        data = ", ".join(self.columns[2:])
        statements = [
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {self.name} AS SELECT CAST(NULL AS INTEGER) "  # noqa: S608
            f"AS line, CAST(NULL AS INTEGER) AS has_warning, {data} FROM {self.table} WHERE 1 = 0",
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {QUARANTINE_TABLE} (line INTEGER, "
            "record_key TEXT, raw TEXT, raw_hash TEXT, reason TEXT)",
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {RAW_TABLE} (line INTEGER PRIMARY KEY, "
            "raw TEXT, raw_hash TEXT)",  # keyed: looked up by line for each late quarantine
        ]
        tables = (self.name, QUARANTINE_TABLE, RAW_TABLE)
        self.staged = 0
        if self._created:
            statements = []
        self._created = True
        if self.vendor == "postgresql" and self._dead_rows >= TRUNCATE_ROWS:
            emptying = [f"TRUNCATE {', '.join(tables)}"]
            self._dead_rows = 0
        else:
            emptying = [f"DELETE FROM {table}" for table in tables]  # noqa: S608
        with self.connection.cursor() as cur:
            if self.vendor == "postgresql":  # one round trip
                cur.execute("; ".join(statements + emptying))
                return
            for statement in statements + emptying:
                cur.execute(statement)

    def forget(self) -> None:
        """A file's transaction rolled back: the tables may have gone with it."""
        self._created = False

    def load(self, rows: list[tuple] | bytes) -> None:
        """Stage rows that parsed: (line, has_warning, record_key, row_hash, *values).

        On PostgreSQL they may come already as COPY text (``copy_text``).
        """
        self.staged += rows.count(b"\n") if isinstance(rows, bytes) else len(rows)
        self._write(self._load_sql, rows)

    def quarantine(self, rows: list[tuple]) -> None:
        """Stage rows that cannot load: (line, record_key, raw, raw_hash, reason)."""
        self._write(self._quarantine_sql, rows)

    def _write(self, sql: str, rows: list[tuple] | bytes) -> None:
        if not rows:
            return
        self._dead_rows += rows.count(b"\n") if isinstance(rows, bytes) else len(rows)
        raw = self.connection.connection  # the DB-API connection, inside Django's transaction
        if self.vendor == "postgresql":
            with raw.cursor() as cur, cur.copy(sql) as copy:
                if isinstance(rows, bytes):
                    copy.write(rows)
                    return
                for row in rows:
                    copy.write_row(row)
        else:
            raw.executemany(sql, rows)

    def drop(self) -> None:
        """Remove the tables at the end of a run (outside any file's transaction)."""
        with self.connection.cursor() as cur:
            for table in (self.name, QUARANTINE_TABLE, RAW_TABLE):
                cur.execute(f"DROP TABLE IF EXISTS {table}")
