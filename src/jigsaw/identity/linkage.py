"""Batch linkage on DuckDB: train the model, score blocked pairs, cluster them into people.

Splink does the Fellegi-Sunter work; this module decides the order and what is kept. A saved
model is reused (predict only), as the Ministry of Justice runs Splink in production: training
is about half of a run's time and need not be repeated for each feed.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

import duckdb
import pyarrow as pa
from splink import DuckDBAPI, Linker, SettingsCreator
from splink.internals.blocking import BlockingRule
from splink.internals.splink_dataframe import SplinkDataFrame

from jigsaw.identity import fallback
from jigsaw.identity.blocking import DETERMINISTIC_RULES, TRAINING_RULES, blocked_pairs
from jigsaw.identity.contract import Thresholds  # noqa: F401 - defined without Splink, kept here too
from jigsaw.identity.model import settings as jigsaw_settings
from jigsaw.identity.twins import apply_twins_prior, household_pairs

#: The model shipped with Jigsaw, trained on a synthetic partnership at default noise, so that
#: linkage works from the very first small import (see ``identity/data/README.md``).
DEFAULT_MODEL = "default_model.json"

#: Assumed recall of :data:`~jigsaw.identity.blocking.DETERMINISTIC_RULES` when estimating the prior.
DETERMINISTIC_RECALL = 0.7

#: Below this many records EM has too few pairs to estimate from; the shipped model is kept.
#: 2,000 rather than a round 5,000: a feed of "5,000 people" loses a few rows to quarantine, and
#: the shipped model, trained on a partnership with twins and NHS numbers, suits a foreign feed
#: far worse than its own training (FEBRL 3, 4,994 records: F1 0.889 shipped, 0.986 trained).
MIN_RECORDS_TO_TRAIN = 2_000

#: Random pairs sampled to estimate u (see :mod:`jigsaw.identity.fallback`).
U_SAMPLE_PAIRS = fallback.U_SAMPLE_PAIRS

#: Pairs scored below this probability are not kept (they can never link nor reach review).
KEEP_PROBABILITY = 0.01

# Splink logs every step, and warns of each level the data never showed; an operator wants
# Jigsaw's account (untrained levels are filled by _fill_untrained), not Splink's.
logging.getLogger("splink").setLevel(logging.ERROR)


def default_model() -> dict[str, Any]:
    """The shipped trained model as a Splink settings dict."""
    text = resources.files("jigsaw.identity").joinpath("data", DEFAULT_MODEL).read_text("utf-8")
    return json.loads(text)


@dataclass
class Resources:
    """What a link run may use: DuckDB threads and memory, and chunks to score in (0: by size).

    With 2 threads and 1GB a batch link of a million records peaks under 2 GB in all
    (benchmarks/linkage_speed.py). A batch link sets them from settings (``JIGSAW_LINK_*``).
    """

    threads: int = 2
    memory_limit: str = "1GB"
    chunks: int = 0


#: The resources every run uses unless told otherwise (see :func:`configure`).
RESOURCES = Resources()


def configure(threads: int, memory_limit: str, chunks: int = 0) -> None:
    """Set the resources of later runs (called once at start-up with the deployment's settings)."""
    RESOURCES.threads, RESOURCES.memory_limit, RESOURCES.chunks = threads, memory_limit, chunks


def connect(threads: int | None = None, memory_limit: str | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with bounded threads and memory; beyond the limit it spills to disk."""
    threads = threads or RESOURCES.threads
    memory_limit = memory_limit or RESOURCES.memory_limit
    con = duckdb.connect()
    con.execute(f"SET threads = {int(threads)}")
    if memory_limit:
        con.execute(f"SET memory_limit = '{memory_limit}'")
    con.execute("SET preserve_insertion_order = false")
    return con


def columns_read(model: dict[str, Any], available: list[str]) -> list[str]:
    """The columns of ``available`` that a saved model reads: its ids, comparisons and blocking.

    Splink carries every input column through blocking and scoring, so one the model never
    reads still costs memory (a 200,000-record run sits near DuckDB's 1 GB): a model saved
    before a column was added must not pay for it, and none pays for ``source_system``.
    """
    texts = [json.dumps(model.get("comparisons", [])),
             json.dumps(model.get("blocking_rules_to_generate_predictions", [])),
             str(model.get("unique_id_column_name", "unique_id")),
             json.dumps(model.get("additional_columns_to_retain", []))]
    words = set(re.findall(r"[a-z_]+", " ".join(texts)))
    return [name for name in available
            if name in words or f"{name}_l" in words or f"{name}_r" in words]


def make_linker(prepared: pa.Table, model: dict[str, Any] | SettingsCreator | None,
                con: duckdb.DuckDBPyConnection | None = None) -> Linker:
    """A Splink linker over ``prepared`` with ``model`` (untrained settings when ``None``).

    A saved model (a dict) is given only the columns it reads (:func:`columns_read`).
    """
    if isinstance(model, dict):
        prepared = prepared.select(columns_read(model, prepared.column_names))
    db_api = DuckDBAPI(con if con is not None else connect())
    frame = db_api.register(prepared, dataset_display_name="records")
    return Linker(frame, model if model is not None else jigsaw_settings(), log_level=logging.ERROR)


def train(prepared: pa.Table, con: duckdb.DuckDBPyConnection | None = None, seed: int = 1,
          settings: SettingsCreator | None = None, notes: list[str] | None = None) -> dict[str, Any]:
    """EM-train the model on ``prepared`` and return it as a settings dict; never fails on data.

    The prior comes from deterministic rules, u from random sampling, m from two EM passes
    blocked on different fields (:data:`~jigsaw.identity.blocking.TRAINING_RULES`). A step the
    data cannot support (no pairs, a prior of 0 or 1, a field blank everywhere) is skipped and
    its values come from the shipped model or cautious defaults (:mod:`jigsaw.identity.fallback`);
    each such fallback is appended to ``notes`` as one line.
    """
    notes = notes if notes is not None else []
    own = settings is None
    linker = make_linker(prepared, jigsaw_settings(household=None) if own else settings, con)
    training = linker.training
    records = prepared.num_rows
    with contextlib.suppress(Exception):
        training.estimate_probability_two_random_records_match(list(DETERMINISTIC_RULES),
                                                               recall=DETERMINISTIC_RECALL)
    prior = linker._settings_obj._probability_two_random_records_match
    if not fallback.usable_probability(prior):
        prior = fallback.cautious_prior(records)
        linker._settings_obj._probability_two_random_records_match = prior
        notes.append("no pairs the prior's exact rules accept; assumed one match per record "
                     f"(prior {prior:.2g})")
    try:
        # one chunk: Splink's default (ten, after a probe) runs ~90 queries for the same
        # pairs and the same u, a quarter slower on a ten-thousand-record feed
        training.estimate_u_using_random_sampling(max_pairs=u_sample_pairs(records), seed=seed,
                                                  num_chunks=1)
    except Exception as exc:
        notes.append(f"u could not be estimated by random sampling ({_one_line(exc)}); shipped values used")
    for rule in TRAINING_RULES:
        try:
            training.estimate_parameters_using_expectation_maximisation(rule, record_sample_proportion=1.0)
        except Exception as exc:
            notes.append(f"training pass on {_rule_fields(rule)} skipped: {_one_line(exc)}")
    model = linker.misc.save_model_to_json()
    if own:  # only the Jigsaw model has a shipped twin to borrow from, and a twins prior
        borrowed = fallback.borrow(model, default_model())
        if borrowed:
            notes.append("nothing learned for " + ", ".join(borrowed) + "; the shipped model's values used")
        notes.append(apply_twins_prior(model, household_pairs(prepared)))
    return fallback.fill_untrained(model)


def u_sample_pairs(records: int) -> float:
    """Random pairs to sample for u: :data:`U_SAMPLE_PAIRS`, fewer for a small population.

    Twenty per record (at least 200,000) is a few percent of all pairs of ten thousand records,
    enough for a u as small as an exact birth date's (1 in 10,000) to be seen twenty times,
    and keeps training a ten-thousand-record feed to seconds.
    """
    return float(min(U_SAMPLE_PAIRS, max(200_000, 20 * records)))


def _one_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:160]


def _rule_fields(rule: Any) -> str:
    """A blocking rule's field names ("family_name, birth_date") for a note."""
    text = (rule.get_blocking_rule("duckdb").blocking_rule_sql if hasattr(rule, "get_blocking_rule")
            else str(rule))
    return ", ".join(dict.fromkeys(re.findall(r'l\."?([a-z_]+)"?', text))) or text


def chunks_for(records: int) -> int:
    """How many pieces to score a table of ``records`` in: one per half million, to bound memory.

    ``Resources.chunks`` overrides it. The pieces split the blocked pairs, which are made once.
    At 1M records two pieces took 28.6 s and peaked at 2.00 GB, one 27.9 s and 2.04 GB
    (``benchmarks/linkage_speed.py --chunks``, quiet host).
    """
    return RESOURCES.chunks or max(1, -(-records // 500_000))


def predict(linker: Linker, keep_probability: float = KEEP_PROBABILITY, records: int = 0) -> pa.Table:
    """Every blocked pair scoring at least ``keep_probability``, with per-field evidence.

    Only what linkage keeps is fetched (the compared values stay in DuckDB, then are dropped),
    which keeps a million-record run near 2 GB. Columns:
    ``unique_id_l, unique_id_r, match_weight, match_probability`` and, per comparison
    ``c``, ``gamma_c`` (the level) and ``mw_c`` / ``mw_tf_adj_c`` (its weight in bits).
    ``records`` (the input size) chooses how many chunks to score in (:func:`chunks_for`).
    The pairs come from :func:`~jigsaw.identity.blocking.blocked_pairs` and Splink scores them;
    a linker it cannot serve (a link between tables, an exploding rule) is blocked by Splink.
    """
    settings = linker._settings_obj
    rules = settings._blocking_rules_to_generate_predictions
    inputs = list(linker._input_tables_dict.values())
    if (settings._link_type != "dedupe_only" or len(inputs) != 1 or not rules
            or any(type(rule) is not BlockingRule for rule in rules)):
        return _splink_predict(linker, keep_probability, chunks_for(records))
    con = linker._db_api._con
    unique_id = settings.column_info_settings.unique_id_input_column.name
    # a DuckDB table, not the registered Arrow table: 27 joins over it take 40% less time
    source = inputs[0].physical_name  # Splink's name for the registered input
    con.execute(f"CREATE OR REPLACE TEMP TABLE __jigsaw_block_input AS SELECT * FROM {source}")  # noqa: S608
    try:
        blocked_pairs(con, "__jigsaw_block_input", [rule.blocking_rule_sql for rule in rules],
                      "__jigsaw_pairs", unique_id)
    finally:
        con.execute("DROP TABLE IF EXISTS __jigsaw_block_input")
    chunks = chunks_for(records)
    parts = []
    try:
        for chunk in range(chunks):
            name = "__jigsaw_pairs"
            if chunks > 1:
                name = f"__jigsaw_pairs_{chunk}"
                con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM __jigsaw_pairs"  # noqa: S608
                            f" WHERE join_key_l % {chunks} = {chunk}")
            registered = linker.table_management.register_blocked_pairs_for_predict(
                linker._db_api.table_to_splink_dataframe(name, name))
            try:
                frame = linker.inference.predict(threshold_match_probability=keep_probability)
            finally:  # dropped: a later predict on this linker must not score these pairs again
                registered.drop_table_from_database_and_remove_from_cache(force_non_splink_table=True)
            parts.append(_kept(frame))
    finally:
        con.execute("DROP TABLE IF EXISTS __jigsaw_pairs")
    return pa.concat_tables(parts)


def _splink_predict(linker: Linker, keep_probability: float, chunks: int) -> pa.Table:
    """:func:`predict` with Splink's own blocking, for a linker the own blocking does not serve."""
    frame = linker.inference.predict(threshold_match_probability=keep_probability,
                                     num_chunks_left=chunks if chunks > 1 else None,
                                     num_chunks_right=1 if chunks > 1 else None)
    return _kept(frame)


def _kept(frame: SplinkDataFrame) -> pa.Table:
    """The columns linkage keeps of Splink's predictions, fetched; the DuckDB table is dropped."""
    relation = frame.as_duckdbpyrelation()
    keep = ("unique_id_l", "unique_id_r", "match_weight", "match_probability")
    wanted = [c for c in relation.columns if c in keep or c.startswith(("gamma_", "mw_"))]
    pairs = relation.select(*wanted).to_arrow_table()
    frame.drop_table_from_database_and_remove_from_cache()
    return pairs
