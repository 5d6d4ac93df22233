"""Clustering scored pairs into people, respecting what a person has decided.

Connected components over the pairs at or above the link threshold, with two kinds of human
decision layered on: "the same" adds a link whatever the score; "not the same" is a
cannot-link constraint that no chain of links may break. Components holding a cannot-link pair
are rebuilt greedily from their strongest links (Kruskal order), refusing any union that would
join two records a person said are different; every other component is taken as it is.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import numpy as np


def components(n: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Component label (0..k-1) of each of ``n`` nodes joined by the edges ``left``-``right``."""
    # SciPy loads here, not with the package: a search or a match imports identity, never clusters
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    graph = coo_matrix((np.ones(len(left), np.int8), (left, right)), shape=(n, n))
    return connected_components(graph, directed=False)[1]


def cluster(n: int, left: np.ndarray, right: np.ndarray, weight: np.ndarray,
            same: Iterable[tuple[int, int]] = (), different: Iterable[tuple[int, int]] = ()) -> np.ndarray:
    """Cluster label of each of ``n`` records.

    ``left``, ``right`` and ``weight`` are the links to use (already above the threshold), as
    positions 0..n-1; ``same`` and ``different`` are human decisions on pairs of positions.
    """
    same = list(same)
    if same:
        extra = np.array(same, dtype=np.int64).reshape(-1, 2)
        left = np.concatenate([left, extra[:, 0]])
        right = np.concatenate([right, extra[:, 1]])
        weight = np.concatenate([weight, np.full(len(extra), np.inf)])
    labels = components(n, left, right)
    conflicted = {int(labels[a]) for a, b in different if labels[a] == labels[b]}
    if not conflicted:
        return labels
    cannot = defaultdict(set)
    for a, b in different:
        cannot[a].add(b)
        cannot[b].add(a)
    in_conflict = np.isin(labels[left], list(conflicted))
    order = np.argsort(-weight[in_conflict], kind="stable")
    _constrained_union(labels, left[in_conflict][order], right[in_conflict][order], cannot,
                       conflicted, next_label=int(labels.max()) + 1)
    return labels


def _constrained_union(labels: np.ndarray, left: np.ndarray, right: np.ndarray,
                       cannot: dict[int, set[int]], conflicted: set[int], next_label: int) -> None:
    """Re-cluster the conflicted components in place, strongest link first."""
    members = {int(i): {int(i)} for i in np.flatnonzero(np.isin(labels, list(conflicted)))}
    root = {i: i for i in members}

    def find(i: int) -> int:
        while root[i] != i:
            root[i] = root[root[i]]
            i = root[i]
        return i

    for a, b in zip(left.tolist(), right.tolist(), strict=True):
        ra, rb = find(a), find(b)
        if ra == rb:
            continue
        small, big = sorted((ra, rb), key=lambda r: len(members[r]))
        if any(cannot.get(m, set()) & members[big] for m in members[small]):
            continue
        root[small] = big
        members[big] |= members.pop(small)
    for group in members.values():
        labels[list(group)] = next_label
        next_label += 1
