"""Batch linkage speed and memory at 1,000,000 person records (issue 12: a routine link <= 50.7 s).

Measures the routine run, as `jigsaw link` does it once a model exists: normalise, score the
blocked pairs with the saved model on DuckDB, cluster. Training (needed only when the data
grows) is timed separately, and so is a baseline in the same run: Splink's generic comparisons
trained and predicted with the same blocking. Each measured stage runs in a fresh process so its peak resident
memory is its own; the synthetic feeds are written first by `jigsaw synth`.
Run: ``python benchmarks/linkage_speed.py [--records 1000000]``.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _machine import write_result

#: person records per synthetic child (households, carers, several agencies), measured.
RECORDS_PER_CHILD = 4.46


def _stage(folder: str, name: str, chunks: int) -> dict:
    """Run inside the child process: one linkage, timed by stage (``chunks``: 0, by size)."""
    sys.path.insert(0, str(Path(__file__).parent))
    from _people import read_people
    from jigsaw.identity import cluster, linkage, prepare

    linkage.configure(linkage.RESOURCES.threads, linkage.RESOURCES.memory_limit, chunks)

    started = time.perf_counter()
    people, _ = read_people(Path(folder))
    read = time.perf_counter()
    prepared = prepare(people)
    prep = time.perf_counter()
    out = {"records": people.num_rows, "read_csv_s": round(read - started, 2),
           "prepare_s": round(prep - read, 2)}
    if name == "train":
        linkage.train(prepared)
        out["train_s"] = round(time.perf_counter() - prep, 2)
    else:
        if name == "generic":  # baseline: Splink's generic comparisons, trained then predicted
            from jigsaw.identity import generic_settings

            model = linkage.train(prepared, settings=generic_settings())
            out["train_s"] = round(time.perf_counter() - prep, 2)
            prep = time.perf_counter()
        else:
            model = linkage.default_model()
        pairs = linkage.predict(linkage.make_linker(prepared, model), records=prepared.num_rows)
        scored = time.perf_counter()
        prob = pairs.column("match_probability").to_numpy()
        keep = prob >= linkage.Thresholds().link
        ids = prepared.column("unique_id").to_numpy()
        left = ids.searchsorted(pairs.column("unique_id_l").to_numpy()[keep])
        right = ids.searchsorted(pairs.column("unique_id_r").to_numpy()[keep])
        labels = cluster(len(ids), left, right, prob[keep])
        done = time.perf_counter()
        out.update({"pairs_kept": pairs.num_rows, "predict_s": round(scored - prep, 2),
                    "cluster_s": round(done - scored, 2), "people": int(labels.max()) + 1,
                    "link_s": round(done - prep, 2), "total_s": round(done - started, 2)})
    usage = resource.getrusage(resource.RUSAGE_SELF)
    # CPU seconds of the whole stage (all DuckDB threads): on shared cores wall time follows the
    # load, CPU time much less, so compare code by this
    out["cpu_s"] = round(usage.ru_utime + usage.ru_stime, 1)
    out["peak_rss_gb"] = round(usage.ru_maxrss / 2**20, 2)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--skip-training", action="store_true")
    parser.add_argument("--chunks", type=int, default=0,
                        help="pieces to score in (0: by size, as `jigsaw link`)")
    parser.add_argument("--stage", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stage:
        print(json.dumps(_stage(args.stage[0], args.stage[1], args.chunks)))
        return
    children = int(args.records / RECORDS_PER_CHILD)
    result: dict = {"target_records": args.records, "children": children, "chunks": args.chunks}
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "jigsaw", "synth", "--children", str(children), "--seed",
                        str(args.seed), "--out", tmp], check=True, stdout=subprocess.DEVNULL)
        for name in ("batch", *(() if args.skip_training else ("train", "generic"))):
            print(f"measuring {name} ...", file=sys.stderr)
            command = [sys.executable, __file__, "--stage", tmp, name, "--chunks", str(args.chunks)]
            run = subprocess.run(command, check=True, capture_output=True, text=True)
            result[name] = json.loads(run.stdout.strip().splitlines()[-1])
    write_result("linkage_speed", result)


if __name__ == "__main__":
    main()
