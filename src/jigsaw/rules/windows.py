"""Counting events in a sliding window of days, set-wise.

A rule such as "3 missing episodes within 90 days" holds for a group (a person, or a household
seen from one member) when some run of occurrences starting on one day and ending at most
``within_days`` days later (so 90 days after the first still counts, 91 does not) holds
``count_at_least`` occurrences. Overlapping qualifying windows
are merged into one chain, so an open pattern that keeps growing is one finding, not one per day.
"""

from __future__ import annotations

import numpy as np

_BIG = np.int64(1 << 26)
_SHIFT = np.int64(1 << 25)


def chains(group: np.ndarray, day: np.ndarray, occurrence: np.ndarray, source: np.ndarray,
           count_at_least: int, within_days: int | None, sources_at_least: int | None,
           ) -> list[tuple[int, int]]:
    """Row ranges ``[lo, hi)`` of the merged qualifying windows.

    Rows must be sorted by (group, day, occurrence). ``occurrence`` identifies what is counted
    once: rows with the same group, day and occurrence value are one occurrence (the same event
    type on the same day for the same person, e.g. sent by two feeds) but all stay as evidence,
    and all their sources count towards ``sources_at_least``.
    """
    n = len(group)
    if n == 0:
        return []
    gkey = group.astype(np.int64) * _BIG + day.astype(np.int64) + _SHIFT
    same_day = np.r_[False, gkey[1:] == gkey[:-1]]
    new_occ = ~(same_day & np.r_[False, occurrence[1:] == occurrence[:-1]])
    cum = np.cumsum(new_occ)
    starts = np.flatnonzero(~same_day)
    group_end = np.searchsorted(gkey, (group[starts].astype(np.int64) + 1) * _BIG, side="left")
    if within_days is None:
        ends = group_end
    else:
        ends = np.minimum(np.searchsorted(gkey, gkey[starts] + within_days, side="right"), group_end)
    before = np.where(starts > 0, cum[np.maximum(starts - 1, 0)], 0)
    ok = cum[ends - 1] - before >= count_at_least
    if sources_at_least and sources_at_least > 1 and ok.any():
        cand = np.flatnonzero(ok)
        ok[cand] = _enough_sources(source, starts[cand], ends[cand], sources_at_least)
    lo, hi = starts[ok], ends[ok]
    if not len(lo):
        return []
    reach = np.maximum.accumulate(hi)
    new_chain = np.r_[True, lo[1:] >= reach[:-1]]
    first = np.flatnonzero(new_chain)
    chain_hi = np.maximum.reduceat(hi, first)
    return list(zip(lo[first].tolist(), chain_hi.tolist(), strict=True))


def _enough_sources(source: np.ndarray, lo: np.ndarray, hi: np.ndarray, k: int) -> np.ndarray:
    """Whether each range ``source[lo:hi]`` holds at least ``k`` distinct values."""
    if k == 2:
        padded = np.r_[source, source[-1:]].astype(np.int64)
        idx = np.empty(2 * len(lo), np.int64)
        idx[0::2], idx[1::2] = lo, hi
        return np.minimum.reduceat(padded, idx)[0::2] != np.maximum.reduceat(padded, idx)[0::2]
    return np.array([len(np.unique(source[a:b])) >= k for a, b in zip(lo.tolist(), hi.tolist(),
                                                                       strict=True)], bool)
