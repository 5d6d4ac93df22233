"""What a trained model falls back on when the data could not teach it something.

A feed from another system may lack a field the model compares, hold no pair the training
rules can find, or show no variation at all in one field. Expectation maximisation then
either fails (a prior of 0 or 1 has no log-odds: Splink stops with "math domain error") or
returns levels with no m or u. Rather than stop a link run, each gap is filled from the model
Jigsaw ships (trained on a synthetic partnership) or, where that has nothing to offer, from a
cautious value that can only count against a match; and each fill is said in one line.
"""

from __future__ import annotations

import math
from typing import Any

#: Random pairs sampled to estimate u (research/anchors-linkage.md 5.3: 1e6 gave the same
#: accuracy as 1e7 on a million records, in half the time).
U_SAMPLE_PAIRS = 1e6


def usable_probability(value: Any) -> bool:
    """True for a probability strictly between 0 and 1 (its log-odds exist)."""
    return isinstance(value, int | float) and math.isfinite(value) and 0.0 < value < 1.0


def cautious_prior(records: int) -> float:
    """A prior for a population whose own could not be estimated: one match per record.

    Two records picked at random are the same person with probability about
    (records per person - 1) / (records - 1); with one duplicate per person on average that
    is 1 / records, which is what the FEBRL files and the synthetic partnership both show
    within a factor of a few, and errs low (a link must then carry more evidence).
    """
    return min(0.5, 1.0 / max(records, 2))


def fill_untrained(model: dict[str, Any]) -> dict[str, Any]:
    """Give levels the training data never showed a cautious weight instead of Splink's default.

    * never seen at all: the smallest m of the comparison's trained levels and a u no smaller
      than that m, so it can only count against a match, never for it (e.g. postcodes in
      different districts when the training partnership covered one district);
    * seen in matches but never among the random pairs: u is taken as one in the
      :data:`U_SAMPLE_PAIRS` sampled (e.g. two records sharing a pupil number).
    """
    for comparison in model["comparisons"]:
        levels = [lv for lv in comparison["comparison_levels"]
                  if not lv.get("is_null_level") and not lv.get("fix_m_probability")]
        ms = [lv["m_probability"] for lv in levels if _positive(lv.get("m_probability"))]
        us = [lv["u_probability"] for lv in levels if _positive(lv.get("u_probability"))]
        for level in levels:
            m, u = level.get("m_probability"), level.get("u_probability")
            if not _positive(m) and not _positive(u):
                m = min(ms, default=1e-6)
                level["m_probability"], level["u_probability"] = m, max([*us, m])
            elif not _positive(u):
                level["u_probability"] = 1.0 / U_SAMPLE_PAIRS
            elif not _positive(m):
                level["m_probability"] = min(ms, default=1e-6)
    return model


def _positive(value: Any) -> bool:
    return isinstance(value, int | float) and math.isfinite(value) and value > 0.0


def _levels(comparison: dict[str, Any]) -> list[dict[str, Any]]:
    return [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]


def _learned_nothing(comparison: dict[str, Any]) -> bool:
    """No level's m or u was estimated (the field is blank everywhere or never varies)."""
    return all(not _positive(lv.get("m_probability")) and not _positive(lv.get("u_probability"))
               for lv in _levels(comparison) if not lv.get("fix_m_probability"))


def borrow(model: dict[str, Any], shipped: dict[str, Any]) -> list[str]:
    """Copy the shipped model's m and u into every comparison training left empty.

    A comparison is borrowed whole, and only when the shipped one has the same level labels
    (else the cautious fill of :func:`fill_untrained` applies). Returns the borrowed names.
    """
    theirs = {c["output_column_name"]: c for c in shipped.get("comparisons", [])}
    borrowed = []
    for comparison in model["comparisons"]:
        other = theirs.get(comparison["output_column_name"])
        if other is None or not _learned_nothing(comparison):
            continue
        mine, donor = _levels(comparison), _levels(other)
        if [lv.get("label_for_charts") for lv in mine] != [lv.get("label_for_charts") for lv in donor]:
            continue
        for level, source in zip(mine, donor, strict=True):
            level["m_probability"], level["u_probability"] = source["m_probability"], source["u_probability"]
        borrowed.append(comparison["output_column_name"])
    return borrowed
