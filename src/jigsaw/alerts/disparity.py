"""The statistics of the fairness report: is a group alerted more, or less, than the rest?

Plain NumPy and SciPy, no Django, so the benchmark can test the method on thousands of synthetic
alert populations. For one rule (or all rules together) and one dimension (ethnic group, sex …),
each group gets:

- ``children``, ``alerted`` (distinct children) and the crude ``per_1000`` rate;
- ``expected``: the children it would have had alerted at the rule's own rate for each *need*
  stratum (the age bands: a rule about babies is meant to alert babies), summed over the group's
  children — indirect standardisation, so a group with more babies is not called over-alerted;
- ``ratio`` = alerted / expected, and a 95% interval for it and for the rate;
- ``p_value`` of the test of "the group's share of the alerted children is the share its
  children and ages predict", two-sided (under- and over-alerting both; a mid-p value, see
  :func:`mid_p`), and ``p_adjusted``
  after Holm's step-down correction over every cell of the report's family (Holm, S. (1979) "A
  simple sequentially rejective multiple test procedure", Scand. J. Statist. 6, 65–70): a cell
  is ``flagged`` when its adjusted p-value is below ``alpha``, which holds the chance of any
  false flag in the whole table to ``alpha``.

Children in one household are not independent (a domestic abuse incident alerts every child
present), so counts are first divided by the rule's *design effect* — the variance of the
alerted share with households as clusters over its variance were children independent (Kish,
L. (1965) Survey Sampling, §5.4) — as Rao and Scott's first-order correction does (Rao, J. N. K.
& Scott, A. J. (1981) JASA 76, 221–230). The test is then an exact binomial test on those
effective counts (mid-p), and the interval a Clopper–Pearson interval on the effective sample size, as
Korn and Graubard propose for clustered proportions (Korn, E. L. & Graubard, B. I. (1998)
Survey Methodology 24, 193–201). The binomial is conservative when need strata differ in rate
(its variance is the largest a stratified count can have).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

ALPHA = 0.05
#: Below this many expected alerted children a cell is pooled over a longer period if one is given.
MIN_EXPECTED = 5.0


@dataclass(frozen=True)
class Cohort:
    """The children a report counts, one position each: their household and their groups.

    ``household`` is any integer per child (a child in no known household gets a number of its own);
    ``need`` is the need stratum (age band) each child is in; ``groups`` maps a dimension to each
    child's group label in it.
    """

    household: np.ndarray
    need: np.ndarray
    groups: Mapping[str, np.ndarray]

    def __len__(self) -> int:
        return len(self.household)

    def coded(self, dimension: str | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(distinct labels, each child's index among them) of a group ``dimension``, or of the need
        strata when None, worked out once: a report asks it of every rule, and sorting the labels
        of 100,000 children was most of the report's time."""
        coded = self.__dict__.setdefault("_coded", {})  # frozen, and may come pickled from the cache
        if dimension not in coded:
            coded[dimension] = np.unique(self.need if dimension is None else self.groups[dimension],
                                         return_inverse=True)
        return coded[dimension]


def design_effect(alerted: np.ndarray, household: np.ndarray) -> float:
    """Variance of the alerted share with households as clusters over that of independent children (>= 1).

    The cluster-robust (linearised ratio) variance, with the usual C/(C-1) small-sample factor; 1 when
    nobody or everybody is alerted, or there is only one household.
    """
    n = len(alerted)
    if n == 0:
        return 1.0
    p = float(alerted.mean())
    if p in (0.0, 1.0):
        return 1.0
    _, cluster = np.unique(household, return_inverse=True)
    a_c = np.bincount(cluster, weights=alerted.astype(float))
    m_c = np.bincount(cluster).astype(float)
    c = len(m_c)
    if c < 2:
        return 1.0
    clustered = c / (c - 1) * float(((a_c - p * m_c) ** 2).sum()) / n**2
    return max(1.0, clustered / (p * (1 - p) / n))


def _clopper_pearson(x: float, m: float, alpha: float) -> tuple[float, float]:
    """Exact interval for a binomial share, counts allowed to be fractional (effective counts)."""
    low = 0.0 if x <= 0 else float(stats.beta.ppf(alpha / 2, x, m - x + 1))
    high = 1.0 if x >= m else float(stats.beta.ppf(1 - alpha / 2, x + 1, m - x))
    return low, high


def cells(alerted: np.ndarray, cohort: Cohort, dimension: str, standardise: bool = True,
          alpha: float = ALPHA, deff: float | None = None) -> dict[str, dict]:
    """Every group of ``dimension``: counts, expected count, interval and unadjusted p-value.

    ``standardise`` computes the expected counts within need strata (False for the need dimension
    itself, where the strata are the groups).
    """
    labels, group = cohort.coded(dimension)
    strata = cohort.coded()[1] if standardise else np.zeros(len(cohort), int)
    b = int(strata.max(initial=0)) + 1
    key = group * b + strata
    n_gb = np.bincount(key, minlength=len(labels) * b).reshape(len(labels), b).astype(float)
    a_gb = np.bincount(key, weights=alerted.astype(float), minlength=len(labels) * b).reshape(len(labels), b)
    n_b, a_b = n_gb.sum(0), a_gb.sum(0)
    rate_b = np.divide(a_b, n_b, out=np.zeros(b), where=n_b > 0)
    expected = (n_gb * rate_b).sum(1)
    observed, children = a_gb.sum(1), n_gb.sum(1)
    total = float(observed.sum())
    deff = design_effect(alerted, cohort.household) if deff is None else deff
    out = {}
    for i, label in enumerate(labels.tolist()):
        o, e, n = float(observed[i]), float(expected[i]), float(children[i])
        cell = {"children": int(n), "alerted": int(o), "per_1000": round(1000 * o / n, 2) if n else None,
                "expected": round(e, 2), "ratio": round(o / e, 3) if e > 0 else None,
                "low_per_1000": None, "high_per_1000": None, "ratio_low": None, "ratio_high": None,
                "design_effect": round(deff, 3), "p_value": None,
                # a dimension of two groups asks one question (each group against the other)
                "test": dimension if len(labels) == 2 else f"{dimension}:{label}"}
        if total > 0 and 0 < e < total:
            share = e / total
            m_eff, x_eff = total / deff, o / deff
            low, high = _clopper_pearson(x_eff, m_eff, alpha)
            cell["ratio_low"], cell["ratio_high"] = round(low / share, 3), round(high / share, 3)
            cell["low_per_1000"] = round(1000 * low / share * e / n, 2)
            cell["high_per_1000"] = round(1000 * high / share * e / n, 2)
            trials = max(1, round(m_eff))
            cell["p_value"] = float(f"{mid_p(min(round(x_eff), trials), trials, share):.4g}")
        out[str(label)] = cell
    return out


def mid_p(x: int, trials: int, share: float) -> float:
    """Two-sided mid-p value of ``x`` successes in ``trials`` at ``share`` (Lancaster's mid-p).

    Half the probability of the observed count is counted, so the test is not made conservative by
    the count's discreteness, as an exact test is at small counts (Lancaster, H. O. (1961) JASA 56,
    223–234; recommended for exact tests of rates by Rothman, Greenland & Lash, Modern
    Epidemiology, ch. 14).
    """
    at = float(stats.binom.pmf(x, trials, share))
    below = float(stats.binom.cdf(x - 1, trials, share)) if x > 0 else 0.0
    above = float(stats.binom.sf(x, trials, share))
    return min(1.0, 2 * min(below + at / 2, above + at / 2))


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm's step-down adjusted p-values (each at most 1, never below an earlier one's)."""
    p = np.asarray(p_values, float)
    m = len(p)
    if m == 0:
        return []
    order = np.argsort(p, kind="stable")
    stepped = np.maximum.accumulate(np.minimum(1.0, (m - np.arange(m)) * p[order]))
    out = np.empty(m)
    out[order] = stepped
    return out.tolist()


def correct(family: Sequence[dict], alpha: float = ALPHA) -> int:
    """Add ``p_adjusted``, ``flagged`` and ``direction`` to every cell of one family; how many are flagged.

    The family's hypotheses are its distinct ``test``s with a p-value: a cell with nothing to
    test (a dimension with one group, no alerts) does not dilute the others' correction.
    ``direction`` is ``over`` or ``under`` (alerted more or fewer than expected) on a flagged cell.
    """
    tests: dict[str, float] = {}
    for cell in family:
        if cell["p_value"] is not None:
            tests[cell.get("test", str(id(cell)))] = cell["p_value"]
    adjusted = dict(zip(tests, holm(list(tests.values())), strict=True))
    flagged = 0
    for cell in family:
        p = adjusted.get(cell.get("test", str(id(cell)))) if cell["p_value"] is not None else None
        cell["p_adjusted"] = None if p is None else float(f"{p:.4g}")
        cell["flagged"] = p is not None and p < alpha
        over = cell["alerted"] > cell["expected"]
        cell["direction"] = ("over" if over else "under") if cell["flagged"] else ""
        flagged += cell["flagged"]
    return flagged


Tables = dict[str, dict[str, dict]]


def assess(alerted: np.ndarray, cohort: Cohort, protected: Sequence[str], need: Sequence[str] = (),
           alpha: float = ALPHA, longer: np.ndarray | None = None) -> tuple[Tables, float]:
    """One rule's cells in every dimension, corrected, and its design effect.

    Its protected cells are one family for the correction, its need cells another: a rule alerting
    mostly babies is doing its job, so those cells never share a correction with (or mask) an
    unfair one. With ``longer`` (who the rule alerted over a longer period), a group expecting fewer
    than :data:`MIN_EXPECTED` alerted children is tested over that period instead, marked
    ``pooled``, with ``alerted_in_dates`` keeping its own count.
    """
    deff = design_effect(alerted, cohort.household)
    by: dict[str, dict[str, dict]] = {}
    for dim in (*protected, *need):
        standardise = dim not in need
        table = cells(alerted, cohort, dim, standardise=standardise, alpha=alpha, deff=deff)
        if longer is not None:
            wider = cells(longer, cohort, dim, standardise=standardise, alpha=alpha)
            for group, cell in table.items():
                if cell["expected"] < MIN_EXPECTED and wider[group]["expected"] > cell["expected"]:
                    table[group] = {**wider[group], "pooled": "all dates",
                                    "alerted_in_dates": cell["alerted"]}
        by[dim] = table
    correct([c for dim in protected for c in by[dim].values()], alpha)
    correct([c for dim in need for c in by[dim].values()], alpha)
    return by, deff
