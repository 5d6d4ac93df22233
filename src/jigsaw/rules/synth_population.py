"""A ``Population`` straight from a ``jigsaw synth`` folder, with the true person ids.

The rule benchmark and the end-to-end test measure the rules, not identity resolution, so they
use synth's truth to resolve people: ``truth/people.csv`` maps every person record to its
``true_person_id``. A person's birth date is the one most of their records agree on (records carry
day/month swaps and mistyped digits); households are the connected groups of people linked by any
relationship row or sharing an address in their GP records (GP addresses are never stale in synth,
postcodes do carry typos, and siblings are often linked by no relationship row); every pair is
listed both ways with an open period (synth does not date memberships).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from itertools import pairwise
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from jigsaw.rules.population import Population

#: DfE codes for "refused" and "information not yet obtained"
UNKNOWN_ETHNICITY = ("NOBT", "REFU")


def _read(folder: Path, name: str, columns: list[str]) -> pa.Table:
    tables = []
    for path in sorted(folder.glob(f"*/{name}")):
        if path.parent.name == "truth":
            continue
        opts = pacsv.ConvertOptions(column_types=dict.fromkeys(columns, pa.string()), include_columns=columns,
                                    strings_can_be_null=True)
        tables.append(pacsv.read_csv(path, convert_options=opts))
    return pa.concat_tables(tables)


class _Resolver:
    """(source_system, source_id) -> integer true person id."""

    def __init__(self, folder: Path) -> None:
        truth = pacsv.read_csv(folder / "truth" / "people.csv",
                               convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(
                                   ["source_system", "source_id", "true_person_id"], pa.string())))
        self.keys = pc.binary_join_element_wise(truth.column("source_system"), truth.column("source_id"),
                                                "\x1f")
        self.ids = true_id(truth.column("true_person_id"))

    def __call__(self, system: pa.ChunkedArray, source_id: pa.ChunkedArray) -> pa.Array:
        key = pc.binary_join_element_wise(system, source_id, "\x1f")
        return self.ids.take(pc.index_in(key, value_set=self.keys))


def true_id(labels: pa.ChunkedArray | pa.Array) -> pa.Array:
    """``P00000301`` -> 301."""
    return pc.cast(pc.utf8_slice_codeunits(labels, 1), pa.int64()).combine_chunks() \
        if isinstance(labels, pa.ChunkedArray) else pc.cast(pc.utf8_slice_codeunits(labels, 1), pa.int64())


def _agencies(folder: Path) -> dict[str, str]:
    out = {}
    for path in folder.glob("*/source.json"):
        meta = json.loads(path.read_text(encoding="utf-8"))
        out[meta["source_system"]] = meta.get("agency", meta["source_system"])
    return out


def _mode(person: pa.Array, value: pa.Array, name: str) -> pa.Table:
    """Most frequent non-null ``value`` per person (ties: the smallest value)."""
    t = pa.table({"person_id": person, name: value}).filter(pc.is_valid(value))
    counts = t.group_by(["person_id", name]).aggregate([([], "count_all")])
    counts = counts.sort_by([("person_id", "ascending"), ("count_all", "descending"), (name, "ascending")])
    pid = counts.column("person_id").to_numpy()
    first = np.r_[True, pid[1:] != pid[:-1]] if len(pid) else np.zeros(0, bool)
    return counts.filter(pa.array(first)).select(["person_id", name])


def _ethnicity(person: pa.Array, code: pa.Array) -> pa.Table:
    """The most common real code per person; refused (REFU) or not obtained (NOBT) only when there is none.

    The same vote as :mod:`jigsaw.alerts.population`: a code that says nothing about the child never
    outvotes one that does.
    """
    unknown = pc.is_in(code, value_set=pa.array(UNKNOWN_ETHNICITY))
    real = _mode(person, pc.if_else(unknown, pa.scalar(None, pa.string()), code), "ethnicity")
    fallback = _mode(person, pc.if_else(unknown, code, pa.scalar(None, pa.string())), "ethnicity")
    missing = pc.invert(pc.is_in(fallback.column("person_id"), value_set=real.column("person_id")))
    return pa.concat_tables([real, fallback.filter(missing)])


def population_from_synth(folder: str | Path) -> Population:
    """Events, people and households of a synth folder, resolved with the truth file."""
    folder = Path(folder)
    resolve = _Resolver(folder)
    ev = _read(folder, "events.csv", ["source_system", "event_id", "person_source_id", "event_type",
                                      "occurred_at", "details"])
    agencies = _agencies(folder)
    systems = pc.unique(ev.column("source_system"))
    agency = pa.array([agencies.get(s, s) for s in systems.to_pylist()], pa.string())
    events = pa.table({
        "event_key": pc.binary_join_element_wise(ev.column("source_system"), ev.column("event_id"), ":"),
        "person_id": resolve(ev.column("source_system"), ev.column("person_source_id")),
        "event_type": ev.column("event_type"),
        "occurred_at": pc.cast(pc.cast(ev.column("occurred_at"), pa.date32()), pa.timestamp("s")),
        "precision": pa.nulls(ev.num_rows, pa.string()),
        "source_system": ev.column("source_system"),
        "agency": agency.take(pc.index_in(ev.column("source_system"), value_set=systems)),
        "details": ev.column("details"),
    })
    pr = _read(folder, "people.csv", ["source_system", "source_id", "birth_date", "sex", "ethnicity",
                                      "address"])
    pid = resolve(pr.column("source_system"), pr.column("source_id"))
    people = _mode(pid, pc.cast(pr.column("birth_date"), pa.date32()).combine_chunks(), "birth_date")
    people = people.join(_mode(pid, pr.column("sex").combine_chunks(), "sex"), "person_id",
                         join_type="full outer")
    people = people.join(_ethnicity(pid, pr.column("ethnicity").combine_chunks()), "person_id",
                         join_type="full outer")
    rel = _read(folder, "relationships.csv", ["source_system", "person_source_id", "related_source_id"])
    a = resolve(rel.column("source_system"), rel.column("person_source_id")).to_numpy()
    b = resolve(rel.column("source_system"), rel.column("related_source_id")).to_numpy()
    ga, gb = _same_gp_address(pr, pid)
    return Population(events, people, _household_pairs(np.r_[a, ga], np.r_[b, gb]))


def _same_gp_address(pr: pa.Table, pid: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Edges chaining the people whose GP records give the same address (the postcode is ignored:
    synth mistypes 2% of them)."""
    gp = pc.starts_with(pr.column("source_system"), "gp")
    key = pr.column("address")
    t = pa.table({"key": key, "person": pid}).filter(pc.and_(gp, pc.is_valid(key)))
    t = t.sort_by([("key", "ascending"), ("person", "ascending")])
    k, person = t.column("key").to_numpy(zero_copy_only=False), t.column("person").to_numpy()
    same = k[1:] == k[:-1]
    return person[:-1][same], person[1:][same]


def _household_pairs(a: np.ndarray, b: np.ndarray) -> pa.Table:
    ids, inv = np.unique(np.r_[a, b], return_inverse=True)
    n = len(ids)
    graph = coo_matrix((np.ones(len(a)), (inv[: len(a)], inv[len(a):])), shape=(n, n))
    _, label = connected_components(graph, directed=False)
    order = np.argsort(label, kind="stable")
    lab = label[order]
    cut = np.flatnonzero(np.r_[True, lab[1:] != lab[:-1], True])
    left, right = [], []
    for s, e in pairwise(cut):
        members = ids[order[s:e]]
        x, y = np.meshgrid(members, members)
        keep = x != y
        left.append(x[keep])
        right.append(y[keep])
    p = np.concatenate(left) if left else np.zeros(0, np.int64)
    m = np.concatenate(right) if right else np.zeros(0, np.int64)
    return pa.table({"person_id": pa.array(p, pa.int64()), "member_id": pa.array(m, pa.int64())})


def read_truth(folder: str | Path, pattern_rules: Mapping[str, str]) -> dict[str, set[int]]:
    """Rule id -> the true person ids synth injected that rule's pattern on.

    ``pattern_rules`` is synth's ``PATTERN_RULES`` (which rule should find each pattern), passed in
    because the rules engine and synth never import each other.
    """
    t = pacsv.read_csv(Path(folder) / "truth" / "patterns.csv")
    out: dict[str, set[int]] = {r: set() for r in pattern_rules.values()}
    for pattern, pid in zip(t.column("pattern").to_pylist(), true_id(t.column("true_person_id")).to_pylist(),
                            strict=True):
        out[pattern_rules[pattern]].add(pid)
    return out


def score(findings: list, truth: dict[str, set[int]]) -> dict[str, dict[str, float | int]]:
    """Per rule: recall over injected subjects, precision over findings (a finding is a true positive
    when one of its subjects carries that rule's pattern)."""
    out = {}
    for rule_id, injected in sorted(truth.items()):
        mine = [f for f in findings if f.rule_id == rule_id]
        found = {p for f in mine for p in f.person_ids}
        tp = sum(1 for f in mine if injected.intersection(f.person_ids))
        out[rule_id] = {
            "injected": len(injected), "found": len(injected & found),
            "recall": round(len(injected & found) / len(injected), 4) if injected else None,
            "findings": len(mine), "true_positive_findings": tp,
            "precision": round(tp / len(mine), 4) if mine else None,
        }
    return out
