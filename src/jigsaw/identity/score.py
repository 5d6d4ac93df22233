"""Score one record against a few candidates with Splink's own SQL: the reference scorer.

The same Splink model and SQL as the batch run, through Splink's ``compare_records`` with its
SQL cached, on a private in-memory DuckDB (about 12 ms a call). The real-time paths use
:mod:`jigsaw.identity.fastscore`, which tests check against this scorer pair by pair. Term
frequencies are the shares :func:`term_frequencies` computes, as the batch run stores them.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from splink import DuckDBAPI
from splink.internals.realtime import compare_records

from jigsaw.identity.linkage import connect

#: Columns whose exact-match weight is adjusted by how common the value is.
TF_COLUMNS = ("given_name", "family_name", "postcode")


class Scorer:
    """A trained model ready to score pairs; one per process, safe to share between threads."""

    def __init__(self, model: Mapping[str, Any], term_frequencies: Mapping[str, Mapping[str, float]]):
        self.model = dict(model)
        self.term_frequencies = {col: dict(term_frequencies.get(col, {})) for col in TF_COLUMNS}
        self._db_api = DuckDBAPI(connect(threads=1))
        self._lock = threading.Lock()
        self._cache_key = f"jigsaw-score-{id(self)}"

    def _with_tf(self, table: pa.Table) -> pa.Table:
        for col in TF_COLUMNS:
            freq = self.term_frequencies[col]
            values = table.column(col).to_pylist()
            table = table.append_column(f"tf_{col}", pa.array([freq.get(v) for v in values], pa.float64()))
        return table

    def _drop(self, result_name: str) -> None:
        """Drop the three tables one comparison made (Splink leaves them to the caller)."""
        uid = result_name.rsplit("_", 1)[-1]
        con = self._db_api._con
        for name in (result_name, f"__splink__compare_records_left_{uid}",
                     f"__splink__compare_records_right_{uid}"):
            kinds = con.execute("SELECT table_type FROM information_schema.tables WHERE table_name = ?",
                                [name]).fetchall()
            for (kind,) in kinds:
                con.execute(f"DROP {'VIEW' if kind == 'VIEW' else 'TABLE'} {name}")

    def score(self, record: pa.Table, candidates: pa.Table) -> pa.Table:
        """Each of ``candidates`` scored against ``record`` (both prepared tables).

        Returns Splink's output: ``unique_id_l`` (the record), ``unique_id_r`` (a candidate),
        ``match_weight``, ``match_probability`` and per-field ``gamma_*`` and ``bf_*``.
        """
        if candidates.num_rows == 0:
            return pa.table({"unique_id_l": pa.array([], pa.int64()), "unique_id_r": pa.array([], pa.int64()),
                             "match_weight": pa.array([], pa.float64()),
                             "match_probability": pa.array([], pa.float64())})
        left, right = self._with_tf(record), self._with_tf(candidates)
        with self._lock:
            frame = compare_records(left, right, self.model, self._db_api, sql_cache_key=self._cache_key)
            result = frame.as_duckdbpyrelation().to_arrow_table()
            self._drop(frame.physical_name)
        order = pc.sort_indices(result, [("match_weight", "descending")])
        return result.take(order)


def term_frequencies(prepared: pa.Table) -> dict[str, dict[str, float]]:
    """Relative frequency of each value of the :data:`TF_COLUMNS` in ``prepared``."""
    out: dict[str, dict[str, float]] = {}
    for col in TF_COLUMNS:
        values = prepared.column(col).drop_null()
        total = len(values)
        if not total:
            out[col] = {}
            continue
        counts = pc.value_counts(values)
        out[col] = {str(v): c / total for v, c in zip(counts.field("values").to_pylist(),
                                                       counts.field("counts").to_pylist(), strict=True)}
    return out
