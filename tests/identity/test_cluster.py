"""Clustering: connected components, with "same" and "not the same" decisions obeyed."""

from __future__ import annotations

import numpy as np

from jigsaw.identity.cluster import cluster


def _groups(labels: np.ndarray) -> set[frozenset[int]]:
    out: dict[int, set[int]] = {}
    for node, label in enumerate(labels.tolist()):
        out.setdefault(label, set()).add(node)
    return {frozenset(g) for g in out.values()}


def edges(*pairs: tuple[int, int, float]):
    a = np.array(pairs, dtype=float).reshape(-1, 3)
    return a[:, 0].astype(np.int64), a[:, 1].astype(np.int64), a[:, 2]


def test_links_chain_into_one_person_and_the_rest_stay_alone():
    labels = cluster(5, *edges((0, 1, 0.999), (1, 2, 0.995)))
    assert _groups(labels) == {frozenset({0, 1, 2}), frozenset({3}), frozenset({4})}


def test_a_same_decision_joins_records_with_no_link():
    labels = cluster(4, *edges((0, 1, 0.999)), same=[(2, 3)])
    assert _groups(labels) == {frozenset({0, 1}), frozenset({2, 3})}


def test_a_not_the_same_decision_breaks_the_weakest_link_of_the_chain():
    # 0-1 strong, 1-2 weaker, 2-3 strong; a person said 0 and 3 are different people
    labels = cluster(4, *edges((0, 1, 0.9999), (1, 2, 0.991), (2, 3, 0.9998)), different=[(0, 3)])
    assert _groups(labels) == {frozenset({0, 1}), frozenset({2, 3})}


def test_decisions_on_records_already_apart_change_nothing():
    plain = cluster(4, *edges((0, 1, 0.999)))
    decided = cluster(4, *edges((0, 1, 0.999)), different=[(2, 3)])
    assert _groups(plain) == _groups(decided)


def test_no_records_no_people():
    assert len(cluster(0, *edges())) == 0
