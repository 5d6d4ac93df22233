"""Choosing and labelling the evidence each record's link keeps."""

from __future__ import annotations

from typing import Any

import numpy as np

from jigsaw.identity import level_labels

#: The model's comparisons, in the order evidence is shown.
FIELDS = ("given_name", "family_name", "birth_date", "sex", "nhs_number", "upn", "postcode", "address")


def best_links(labels: np.ndarray, left: np.ndarray, right: np.ndarray, prob: np.ndarray) -> dict[int, int]:
    """For each record, the index of its strongest pair inside its own cluster."""
    inside = np.flatnonzero(labels[left] == labels[right])
    ends = np.concatenate([left[inside], right[inside]])
    edges = np.concatenate([inside, inside])
    order = np.lexsort((-prob[edges], ends))  # by record, strongest first
    nodes, first = np.unique(ends[order], return_index=True)
    return dict(zip(nodes.tolist(), edges[order][first].tolist(), strict=True))


def exact_gamma(model: dict[str, Any], field: str) -> int:
    """The level number of an exact agreement on ``field`` (the model's most specific level)."""
    return max(level_labels(model)[field])


def method_of(gammas: dict[str, int], model: dict[str, Any]) -> str:
    """How a link was made: on an identifier (the rest not contradicting it) or by probability."""
    if gammas.get("nhs_number") == exact_gamma(model, "nhs_number"):
        return "nhs_number"
    if gammas.get("upn") == exact_gamma(model, "upn"):
        return "upn"
    return "probabilistic"
