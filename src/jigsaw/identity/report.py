"""What a trained model learned, in numbers an operator can check, and what a feed lacks.

``jigsaw link --json`` carries this report so that a partnership loading a new feed sees, per
comparison, each level's m (how often true matches show it), u (how often random pairs do)
and the weight in bits that follows, and is warned when a source system sends none of a field
the model compares (a feed with no postcode column, or no NHS numbers): the model still runs,
but without that evidence its links rest on what remains.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

#: Input columns that carry each comparison's evidence (any one present is enough).
EVIDENCE = {"given_name": ("given_name",), "family_name": ("family_name",), "birth_date": ("birth_date",),
            "sex": ("sex",), "nhs_number": ("nhs_number",), "upn": ("upn",),
            "postcode": ("postcode", "locality"), "address": ("house_number", "street")}

#: Fields whose absence from a whole feed is warned of (all the model compares).
CORE = tuple(EVIDENCE)


def weights(model: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Per comparison, each level's label, m, u and weight (log2 m/u); fixed levels marked."""
    out = []
    for comparison in model["comparisons"]:
        levels = []
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            m, u = level.get("m_probability"), level.get("u_probability")
            weight = math.log2(m / u) if m and u else None
            levels.append({"level": level.get("label_for_charts") or level["sql_condition"],
                           "m": _round(m), "u": _round(u),
                           "weight": round(weight, 2) if weight is not None else None,
                           "fixed": bool(level.get("fix_m_probability"))})
        out.append({"comparison": comparison["output_column_name"], "levels": levels})
    return out


def _round(value: float | None) -> float | None:
    return float(f"{value:.4g}") if value is not None else None


def missing_fields(prepared: pa.Table) -> list[str]:
    """One warning per source system that sends none of a core field the model compares."""
    warnings = []
    sources = prepared.column("source_system").combine_chunks()
    for source in sorted(s for s in pc.unique(sources).to_pylist() if s is not None):
        rows = prepared.filter(pc.equal(sources, source))
        absent = [field for field in CORE
                  if all(rows.column(c).null_count == rows.num_rows for c in EVIDENCE[field])]
        if absent:
            warnings.append(f"{source}: no {', '.join(absent)} in any of its {rows.num_rows:,} records; "
                            "links to its records rest on the other fields")
    return warnings


def pairwise(left: np.ndarray, right: np.ndarray, linked: np.ndarray, labels: np.ndarray,
             truth: np.ndarray) -> dict[str, Any]:
    """Blocking recall and pairwise precision, recall and F1 of a run against known truth.

    ``truth`` holds a true person label per record position (-1 where unknown); ``labels`` the
    clusters the run made. Pairs are counted among records whose truth is known.
    """
    known = truth >= 0
    true_total = _pairs_within(truth[known])
    same = (truth[left] == truth[right]) & known[left] & known[right]
    blocked = {(int(a), int(b)) for a, b in zip(np.minimum(left, right)[same], np.maximum(left, right)[same],
                                                 strict=True)}
    joint = labels[known].astype(np.int64) * (int(truth.max()) + 2) + truth[known]
    together, predicted = _pairs_within(joint), _pairs_within(labels[known])
    precision = together / predicted if predicted else 1.0
    recall = together / true_total if true_total else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"true_pairs": true_total,
            "blocking_recall": round(len(blocked) / true_total, 5) if true_total else None,
            "pairwise_precision": round(precision, 5), "pairwise_recall": round(recall, 5),
            "pairwise_f1": round(f1, 5), "linked_pairs_scored": int(linked.sum())}


def _pairs_within(labels: np.ndarray) -> int:
    counts = np.unique(labels, return_counts=True)[1].astype(np.int64)
    return int((counts * (counts - 1) // 2).sum())
