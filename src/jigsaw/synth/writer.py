"""Runs the chunks (in up to two worker processes) and appends their output in chunk order.

Workers return encoded CSV bytes; the parent only appends them, in chunk order, to one file per
(source system, kind), so the output is byte-identical whatever the number of workers and memory
stays flat: at most a few chunks are in flight at once.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import shutil
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import date
from pathlib import Path
from time import perf_counter
from typing import BinaryIO

import pyarrow as pa

from jigsaw.synth import csvout
from jigsaw.synth.chunk import ChunkResult, build_chunk
from jigsaw.synth.config import SynthConfig, SynthSummary
from jigsaw.synth.plan import CHUNK_CHILDREN, RunPlan, make_plan

TRUTH = "truth"
PARTIAL = ".partial"  # truth files carry this suffix until the run has finished
_PLAN: RunPlan | None = None


def write_partnership(out_dir: Path, children: int, seed: int = 1,
                      config: SynthConfig | None = None, as_of: date = date(2026, 6, 30),
                      progress: Callable[[int, int], None] | None = None,
                      workers: int | None = None) -> SynthSummary:
    """Write a synthetic partnership of ``children`` children to ``out_dir``.

    One folder of canonical feed files per source system plus ``truth/``; the same arguments
    always give byte-identical files. ``progress(done_children, total_children)`` is called as
    chunks are written. ``truth/people.csv`` appears only once the run is complete, so its
    presence marks a finished output. Previous synth output in ``out_dir`` (folders holding a
    ``source.json``, and ``truth/``) is replaced; anything else there is left alone.
    """
    return run(Path(out_dir), children, seed, config or SynthConfig(), as_of, progress, workers)


def run(out_dir: Path, children: int, seed: int, config: SynthConfig, as_of: date,
        progress: Callable[[int, int], None] | None = None, workers: int | None = None,
        chunk_children: int = CHUNK_CHILDREN) -> SynthSummary:
    """``write_partnership`` with the worker count and chunk size exposed (tests, benchmarks)."""
    started = perf_counter()
    plan = make_plan(children, seed, as_of, config, chunk_children)
    if workers is None:
        workers = min(2, os.cpu_count() or 1)
    workers = max(1, min(workers, plan.n_chunks))
    _prepare(out_dir, plan)
    systems = plan.catalogue.systems
    files: dict[tuple[int, str], BinaryIO] = {}
    totals = dict.fromkeys(("people", "person_records", "events", "relationships",
                            "involvements", "patterns"), 0)
    done = 0
    try:
        for kind in csvout.KINDS:
            for i, system in enumerate(systems):
                files[(i, kind)] = (out_dir / system / f"{kind}.csv").open("ab")
        truth_people = (out_dir / TRUTH / f"people.csv{PARTIAL}").open("ab")
        truth_patterns = (out_dir / TRUTH / f"patterns.csv{PARTIAL}").open("ab")
        for res in _results(plan, workers):
            for kind, parts in res.files.items():
                for src, data in parts:
                    files[(src, kind)].write(data)
            truth_people.write(res.truth_people)
            truth_patterns.write(res.truth_patterns)
            for key, value in res.counts.items():
                totals[key] += value
            done += res.children
            if progress is not None:
                progress(done, children)
        truth_people.close()
        truth_patterns.close()
    finally:
        for f in files.values():
            f.close()
    for name in ("patterns.csv", "people.csv"):  # truth/people.csv last: it marks completion
        (out_dir / TRUTH / f"{name}{PARTIAL}").replace(out_dir / TRUTH / name)
    return SynthSummary(children=children, source_systems=systems,
                        seconds=round(perf_counter() - started, 3), **totals)


def _prepare(out_dir: Path, plan: RunPlan) -> None:
    """Create the folders, ``source.json`` files and CSV headers (replacing old synth output)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for entry in out_dir.iterdir():
        if entry.is_dir() and (entry.name == TRUTH or (entry / "source.json").is_file()):
            shutil.rmtree(entry)
    for source in plan.catalogue.sources:
        folder = out_dir / source.system
        folder.mkdir()
        (folder / "source.json").write_text(
            json.dumps(source.meta(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        for kind, columns in csvout.KINDS.items():
            (folder / f"{kind}.csv").write_bytes(csvout.header(columns))
    (out_dir / TRUTH).mkdir()
    (out_dir / TRUTH / f"people.csv{PARTIAL}").write_bytes(csvout.header(csvout.TRUTH_PEOPLE))
    (out_dir / TRUTH / f"patterns.csv{PARTIAL}").write_bytes(csvout.header(csvout.TRUTH_PATTERNS))


def _init_worker(plan: RunPlan) -> None:
    global _PLAN
    _PLAN = plan
    pa.set_cpu_count(1)
    pa.set_io_thread_count(1)


def _work(k: int) -> ChunkResult:
    assert _PLAN is not None
    return build_chunk(_PLAN, k)


def _results(plan: RunPlan, workers: int) -> Iterator[ChunkResult]:
    """Chunk results in chunk order, built in-process or by a pool of ``workers``."""
    n = plan.n_chunks
    if workers <= 1:
        for k in range(n):
            yield build_chunk(plan, k)
        return
    context = mp.get_context("spawn")  # no fork: Arrow's thread pools do not survive it
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker,
                             initargs=(plan,)) as pool:
        pending: deque[Future[ChunkResult]] = deque()
        submitted = 0
        while submitted < n and len(pending) < 2 * workers:
            pending.append(pool.submit(_work, submitted))
            submitted += 1
        while pending:
            result = pending.popleft().result()
            if submitted < n:
                pending.append(pool.submit(_work, submitted))
                submitted += 1
            yield result
