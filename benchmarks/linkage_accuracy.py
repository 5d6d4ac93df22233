"""Linkage accuracy on the synthetic partnership's truth, beside two baselines in the same run.

* ``jigsaw``: the Jigsaw model (trained on this data, as `jigsaw link` retrains at this size),
  clustered at the link threshold.
* ``nhs_exact``: records with the same valid NHS number are one person, every other record is
  alone — the CP-IS approach.
* ``splink_generic``: Splink's library comparisons on the same normalised columns and blocking,
  trained the same way, clustered at the same threshold.

Pairwise precision/recall count pairs of records put together; B-cubed averages per record.
Also reports blocking recall (true pairs the blocking rules ever compare) and, separately, how
many pairs of twins (different children, same family name, birth date and home) were kept apart.
Run: ``python benchmarks/linkage_accuracy.py [--children N] [--seed S]``; writes
``benchmarks/results/linkage_accuracy.json``.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from _machine import write_result
from _people import read_people
from jigsaw.identity import cluster, generic_settings, linkage, prepare
from jigsaw.synth import write_partnership

#: What training said (fallbacks, the twins prior), reported with the result.
NOTES: list[str] = []


def _pairs_in(labels: np.ndarray) -> int:
    counts = np.unique(labels, return_counts=True)[1].astype(np.int64)
    return int((counts * (counts - 1) // 2).sum())


def scores(predicted: np.ndarray, truth: np.ndarray) -> dict[str, float]:
    """Pairwise and B-cubed precision, recall and F1 of a clustering against the truth."""
    joint = predicted.astype(np.int64) * (int(truth.max()) + 1) + truth
    together = _pairs_in(joint)
    p, r = together / max(_pairs_in(predicted), 1), together / max(_pairs_in(truth), 1)
    _, joint_inv, joint_n = np.unique(joint, return_inverse=True, return_counts=True)
    _, pred_inv, pred_n = np.unique(predicted, return_inverse=True, return_counts=True)
    _, true_inv, true_n = np.unique(truth, return_inverse=True, return_counts=True)
    overlap = joint_n[joint_inv]
    bp = float(np.mean(overlap / pred_n[pred_inv]))
    br = float(np.mean(overlap / true_n[true_inv]))
    return {"pairwise_precision": round(p, 5), "pairwise_recall": round(r, 5),
            "pairwise_f1": round(2 * p * r / (p + r), 5) if p + r else 0.0,
            "bcubed_precision": round(bp, 5), "bcubed_recall": round(br, 5),
            "bcubed_f1": round(2 * bp * br / (bp + br), 5)}


def nhs_exact(prepared: pa.Table) -> np.ndarray:
    nhs = prepared.column("nhs_number").combine_chunks()
    ids = pc.index_in(nhs, value_set=pc.unique(nhs).drop_null()).to_numpy(zero_copy_only=False)
    singles = np.arange(prepared.num_rows) + len(ids) + 1
    return np.where(np.isnan(ids.astype(float)), singles, ids).astype(np.int64)


#: Every scored pair is kept (probability 0 and up, with each field's level) to measure
#: blocking recall and the bands; at 20,000 children that outgrows DuckDB's 1 GB in one piece,
#: so the pairs are scored in this many chunks, as a million-record run is.
SCORING_CHUNKS = 4


def splink_clusters(prepared: pa.Table, settings, threshold: float) -> tuple[np.ndarray, pa.Table, float]:
    started = time.perf_counter()
    linkage.configure(linkage.RESOURCES.threads, linkage.RESOURCES.memory_limit, SCORING_CHUNKS)
    model = linkage.train(prepared, settings=settings, notes=NOTES if settings is None else [])
    pairs = linkage.predict(linkage.make_linker(prepared, model), keep_probability=0.0)
    left = pairs.column("unique_id_l").to_numpy()
    right = pairs.column("unique_id_r").to_numpy()
    prob = pairs.column("match_probability").to_numpy()
    keep = prob >= threshold
    labels = cluster(prepared.num_rows, left[keep], right[keep], prob[keep])
    return labels, pairs, time.perf_counter() - started


def twin_pairs(prepared: pa.Table, labels: np.ndarray, truth: np.ndarray) -> dict[str, float]:
    """Pairs of records of *different* children sharing family name, birth date and home.

    These are twins (and the odd same-birthday cousin at one address): the pairs the twins prior
    is for. ``precision`` is the share of them the clustering kept apart.
    """
    street = pc.binary_join_element_wise(prepared.column("house_number"), prepared.column("street"), " ")
    home = pc.coalesce(prepared.column("postcode"), street)
    key = pc.binary_join_element_wise(prepared.column("family_name"), prepared.column("birth_date"), home,
                                      "|")
    groups: dict[str, list[int]] = {}
    for pos, value in enumerate(key.to_pylist()):
        if value is not None:
            groups.setdefault(value, []).append(pos)
    total = merged = 0
    for members in groups.values():
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                if truth[a] != truth[b]:
                    total += 1
                    merged += int(labels[a] == labels[b])
    return {"twin_pairs": total, "twin_pairs_merged": merged,
            "twin_pair_precision": round(1 - merged / total, 5) if total else 1.0}


def blocking_recall(pairs: pa.Table, truth: np.ndarray) -> float:
    left = pairs.column("unique_id_l").to_numpy()
    right = pairs.column("unique_id_r").to_numpy()
    return round(int((truth[left] == truth[right]).sum()) / max(_pairs_in(truth), 1), 5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--children", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        write_partnership(Path(tmp), args.children, seed=args.seed)
        people, truth = read_people(Path(tmp))
    prepared = prepare(people)
    threshold = linkage.Thresholds().link
    result: dict = {"children": args.children, "seed": args.seed, "records": people.num_rows,
                    "true_people": len(np.unique(truth)), "link_threshold": threshold}
    labels, pairs, seconds = splink_clusters(prepared, None, threshold)
    result["jigsaw"] = {**scores(labels, truth), "blocking_recall": blocking_recall(pairs, truth),
                        **twin_pairs(prepared, labels, truth), "seconds": round(seconds, 1),
                        "notes": NOTES}
    for band in (0.5, 0.9, 0.999):
        prob = pairs.column("match_probability").to_numpy()
        keep = prob >= band
        at = cluster(prepared.num_rows, pairs.column("unique_id_l").to_numpy()[keep],
                     pairs.column("unique_id_r").to_numpy()[keep], prob[keep])
        result["jigsaw"][f"at_{band}"] = scores(at, truth)
    result["nhs_exact"] = scores(nhs_exact(prepared), truth)
    labels, pairs, seconds = splink_clusters(prepared, generic_settings(), threshold)
    result["splink_generic"] = {**scores(labels, truth), **twin_pairs(prepared, labels, truth),
                                "seconds": round(seconds, 1)}
    write_result("linkage_accuracy", result)
    for name in ("jigsaw", "nhs_exact", "splink_generic"):
        print(name, {k: v for k, v in result[name].items() if not k.startswith("at_")})


if __name__ == "__main__":
    main()
