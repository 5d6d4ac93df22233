"""Per-field evidence for a link: the waterfall a practitioner or reviewer can read.

A Fellegi-Sunter score is a sum: the prior plus one weight (log2 Bayes factor) per field. Each
link keeps its comparison levels and weights, and this module turns them back into words
("birth date: day and month swapped, +7.4") using the labels of the model that scored it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

#: Words a practitioner uses for each field of the model.
FIELD_LABELS = {"prior": "Starting point", "given_name": "Given name", "family_name": "Family name",
                "birth_date": "Date of birth", "sex": "Sex", "nhs_number": "NHS number",
                "upn": "Unique pupil number", "postcode": "Postcode", "address": "Address",
                "total": "Match probability"}


@dataclass(frozen=True)
class Step:
    """One bar of the waterfall."""

    field: str
    level: str
    weight: float  # log2 Bayes factor: positive is evidence for the same person

    def as_dict(self) -> dict[str, Any]:
        return {"field": self.field, "label": FIELD_LABELS.get(self.field, self.field.replace("_", " ")),
                "level": self.level, "weight": round(self.weight, 2)}


def level_labels(model: Mapping[str, Any]) -> dict[str, dict[int, str]]:
    """``{field: {gamma: label}}`` for a Splink settings dict (gamma -1 is the null level)."""
    out: dict[str, dict[int, str]] = {}
    for comparison in model["comparisons"]:
        levels = comparison["comparison_levels"]
        labels: dict[int, str] = {}
        gamma = sum(1 for level in levels if not level.get("is_null_level")) - 1
        for level in levels:
            label = level.get("label_for_charts") or level["sql_condition"]
            if level.get("is_null_level"):
                labels[-1] = "not recorded on one side"
            else:
                labels[gamma] = _plain(label)
                gamma -= 1
        out[comparison["output_column_name"]] = labels
    return out


def _plain(label: str) -> str:
    """Splink's default chart labels, in words a practitioner uses."""
    if label.startswith("Exact match"):
        return "agrees exactly"
    if label.startswith("Damerau-Levenshtein"):
        return "one character differs"
    if label.startswith("Jaro-Winkler"):
        return "similar spelling"
    if label.startswith("All other"):
        return "differs"
    return label


def prior_weight(model: Mapping[str, Any]) -> float:
    """The starting point: log2 odds that two records picked at random are the same person."""
    lam = float(model["probability_two_random_records_match"])
    return math.log2(lam / (1 - lam))


def waterfall(model: Mapping[str, Any], gammas: Mapping[str, int],
              weights: Mapping[str, float]) -> list[Step]:
    """The steps from the prior to the final score, one per field of ``model``."""
    labels = level_labels(model)
    steps = [Step("prior", "two records picked at random", prior_weight(model))]
    for field, by_gamma in labels.items():
        gamma = int(gammas.get(field, -1))
        steps.append(Step(field, by_gamma.get(gamma, "not compared"), float(weights.get(field, 0.0))))
    return steps


def probability(steps: list[Step]) -> float:
    """The match probability the steps add up to."""
    total = sum(step.weight for step in steps)
    return 1.0 / (1.0 + 2.0 ** -total) if total > -1000 else 0.0


def weights_from_row(row: Mapping[str, Any], fields: list[str]) -> tuple[dict[str, int], dict[str, float]]:
    """Gammas and weights (term-frequency adjustment included) from a Splink output row."""
    gammas, weights = {}, {}
    for field in fields:
        if f"gamma_{field}" not in row:  # scored by a model saved before this field existed
            continue
        gammas[field] = int(row[f"gamma_{field}"])
        weights[field] = float(row.get(f"mw_{field}") or 0.0) + float(row.get(f"mw_tf_adj_{field}") or 0.0)
    return gammas, weights
