"""Wall time and peak memory of ``write_partnership`` (target: 1M children in 120 s, 4 GB).

    python benchmarks/synth_speed.py [--children 1000000] [--seed 1] [--keep DIR]

Writes ``benchmarks/results/synth_speed.json`` and prints it. Peak RSS is the larger of this
process and its worker processes (``getrusage`` RUSAGE_SELF / RUSAGE_CHILDREN maxima). CPU
seconds and the load average before the run are recorded too, because other work on a 2-CPU
machine stretches the wall time.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _machine import write_result
from jigsaw.synth import write_partnership

TARGET_SECONDS = 120
TARGET_RSS_BYTES = 4 * 1024**3


def peak_rss_bytes() -> tuple[int, int]:
    """(this process, largest finished child process) peak RSS in bytes."""
    scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss is KiB on Linux
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * scale
    return own, workers


def cpu_seconds() -> float:
    """User + system CPU time of this process and its finished workers."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description="Time and memory of the synthetic generator.")
    ap.add_argument("--children", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--keep", type=Path, help="write the feeds here and keep them")
    args = ap.parse_args(argv)

    out = args.keep or Path(tempfile.mkdtemp(prefix="jigsaw-synth-"))
    load_before = os.getloadavg()[0]
    cpu_before = cpu_seconds()
    started = time.perf_counter()
    try:
        summary = write_partnership(out, args.children, seed=args.seed)
        wall = time.perf_counter() - started
        size = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
    finally:
        if args.keep is None:
            shutil.rmtree(out, ignore_errors=True)
    cpu = cpu_seconds() - cpu_before
    own, workers = peak_rss_bytes()
    peak = max(own, workers)
    counts = {k: v for k, v in asdict(summary).items() if k not in ("source_systems", "seconds")}
    result = {
        "command": " ".join(["python benchmarks/synth_speed.py", *(argv or sys.argv[1:])]),
        "children": args.children,
        "seed": args.seed,
        "wall_seconds": round(wall, 2),
        "cpu_seconds": round(cpu, 1),  # all processes; wall ~ cpu / 2 on two idle CPUs
        "peak_rss_bytes": peak,
        "peak_rss_gib": round(peak / 1024**3, 3),
        "peak_rss_parent_bytes": own,
        "peak_rss_worker_bytes": workers,
        "load_average_1min_before": round(load_before, 2),
        "output_bytes": size,
        "counts": counts,
        "source_systems": len(summary.source_systems),
        "targets": {"wall_seconds": TARGET_SECONDS, "peak_rss_bytes": TARGET_RSS_BYTES},
        "meets_targets": wall <= TARGET_SECONDS and peak <= TARGET_RSS_BYTES,
    }
    write_result("synth_speed", result)
    return result


if __name__ == "__main__":
    main()
