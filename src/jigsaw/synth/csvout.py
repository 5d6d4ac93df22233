"""CSV encoding of Arrow columns, quoting only the fields that need it.

pyarrow's CSV writer quotes every string; the feed contract asks for quotes only where needed, so
rows are assembled with Arrow string kernels (join, newline) and the resulting contiguous buffer
is sliced per source system without copying row by row. Columns arrive CSV-ready: identifiers,
dates, codes and names never contain a delimiter (the name data is checked for that), free text
comes from small tables escaped once with ``escape``, and addresses are always quoted.
"""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from jigsaw.feeds import KINDS as FEED_KINDS

#: optional feed columns synth never fills (the feed format lets a file leave them out)
NOT_WRITTEN: dict[str, frozenset[str]] = {"people": frozenset({"recorded_at", "disability"})}
#: each feed file's columns, in the ``feeds`` engine's order: the feed format has one home
KINDS: dict[str, tuple[str, ...]] = {
    name: tuple(c for c in kind.columns if c not in NOT_WRITTEN.get(name, frozenset()))
    for name, kind in FEED_KINDS.items()
}
PEOPLE, EVENTS = KINDS["people"], KINDS["events"]
RELATIONSHIPS, INVOLVEMENTS = KINDS["relationships"], KINDS["involvements"]
#: ``ethnicity`` is the person's true DfE code, whatever their records say (refused, missing …)
TRUTH_PEOPLE = ("source_system", "source_id", "true_person_id", "ethnicity")
TRUTH_PATTERNS = ("true_person_id", "pattern", "first_event", "last_event")


def header(columns: tuple[str, ...]) -> bytes:
    """The header line of a file with these columns."""
    return (",".join(columns) + "\n").encode("utf-8")


def escape(col: pa.Array) -> pa.Array:
    """Values quoted (with inner quotes doubled) where they hold a comma, quote or newline."""
    needs = pc.match_substring_regex(col, r'[",\r\n]')
    if not pc.any(needs).as_py():
        return col
    quoted = pc.binary_join_element_wise('"', pc.replace_substring(col, '"', '""'), '"', "")
    return pc.if_else(needs, quoted, col)


def quote(col: pa.Array) -> pa.Array:
    """Values always quoted (for columns, like addresses, that always hold a comma)."""
    return pc.binary_join_element_wise('"', col, '"', "")


def _field(col: pa.Array) -> pa.Array:
    if not pa.types.is_string(col.type):
        col = pc.cast(col, pa.string())
    return pc.fill_null(col, "")


def encode(cols: dict[str, pa.Array], names: tuple[str, ...]) -> tuple[memoryview, np.ndarray]:
    """CSV body (no header) of the columns in ``names`` order and each row's byte offset."""
    fields = [_field(cols[n]) for n in names]
    line = pc.binary_join_element_wise(*fields, ",") if len(fields) > 1 else fields[0]
    line = pc.binary_join_element_wise(line, "", "\n")
    if isinstance(line, pa.ChunkedArray):
        line = line.combine_chunks()
    if len(line) == 0:
        return memoryview(b""), np.zeros(1, "int64")
    bufs = line.buffers()
    offsets = np.frombuffer(bufs[1], dtype="int32")[line.offset: line.offset + len(line) + 1]
    return memoryview(bufs[2]), offsets.astype("int64")


def split(cols: dict[str, pa.Array], names: tuple[str, ...], src: np.ndarray,
          ) -> list[tuple[int, bytes]]:
    """Encoded rows grouped by source (``src`` must be sorted): [(source, bytes), ...]."""
    data, offsets = encode(cols, names)
    if len(src) == 0:
        return []
    cuts = np.flatnonzero(np.r_[True, src[1:] != src[:-1], True])
    return [(int(src[a]), bytes(data[offsets[a]:offsets[b]]))
            for a, b in pairwise(cuts)]


def body(cols: dict[str, pa.Array], names: tuple[str, ...]) -> bytes:
    """All rows encoded as one block (for files that are not split by source)."""
    data, offsets = encode(cols, names)
    return bytes(data[offsets[0]:offsets[-1]])
