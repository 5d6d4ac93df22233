"""`jigsaw link`: resolve every person record into people, in one transaction.

Read all records, normalise, score blocked pairs with Splink on DuckDB, cluster (obeying every
human decision), give each cluster the stable person id its records already had, and write the
links, the match keys and the review queue back. A run that fails writes nothing.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from django.conf import settings as django_settings
from django.db import connections, transaction
from django.utils import timezone

from jigsaw.identity import (
    Thresholds,
    cluster,
    linkage,
    missing_fields,
    pairwise,
    prepare,
    term_frequencies,
    weights,
)
from jigsaw.records.models import PersonRecord
from jigsaw.signpost import records
from jigsaw.signpost.bulk import bulk_insert
from jigsaw.signpost.evidence import FIELDS, best_links, exact_gamma
from jigsaw.signpost.matching import MATCH_KEY_COLUMNS, current_model
from jigsaw.signpost.models import LinkDecision, LinkModel, LinkRun, MatchKey, Person, RecordLink, ReviewItem

Step = Callable[[str], None]

#: Above this many new match keys on an empty table, indexes are built after the load.
REBUILD_INDEXES_ABOVE = 100_000

#: PostgreSQL advisory lock id held while a run writes people and links.
LINK_LOCK = 4_810_517


def _needs_training(model: LinkModel | None, n: int) -> bool:
    """Train when there is enough data and the model has not seen data this size."""
    if n < linkage.MIN_RECORDS_TO_TRAIN:
        return False
    return model is None or model.trained_on == 0 or n >= 2 * model.trained_on


def _model(prepared: pa.Table, retrain: bool, using: str, timings: dict[str, float],
           notes: list[str]) -> LinkModel:
    existing = current_model(using)
    started = time.perf_counter()
    if retrain or _needs_training(existing, prepared.num_rows):
        if prepared.num_rows < linkage.MIN_RECORDS_TO_TRAIN and retrain:
            raise ValueError(f"only {prepared.num_rows} person records; at least "
                             f"{linkage.MIN_RECORDS_TO_TRAIN} are needed to train a model")
        try:
            settings, trained_on = linkage.train(prepared, notes=notes), prepared.num_rows
        except Exception as exc:
            reason = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
            notes.append(f"training failed ({reason});"
                         " the shipped model is used")
            settings, trained_on = (existing.settings, existing.trained_on) if existing else (
                linkage.default_model(), 0)
        timings["train"] = time.perf_counter() - started
    elif existing is not None:
        settings, trained_on = existing.settings, existing.trained_on
    else:
        settings, trained_on = linkage.default_model(), 0
    # Below the training size every value looks common (two Smiths in seven records): weigh
    # names by the model's own u instead of by this population's frequencies.
    frequencies = term_frequencies(prepared) if prepared.num_rows >= linkage.MIN_RECORDS_TO_TRAIN else {}
    return LinkModel(settings=settings, trained_on=trained_on, term_frequencies=frequencies)


def link_all(*, retrain: bool = False, thresholds: Thresholds | None = None, using: str = "default",
             step: Step | None = None, truth: dict[tuple[str, str], str] | None = None) -> dict[str, Any]:
    """Resolve every person record; returns counts, timings (seconds per stage) and the model report.

    The report (``model``) holds what training said in one line each (a fallback, the twins
    prior), every comparison's m, u and weights, and ``warnings`` for a source system that
    sends none of a core field. ``truth`` (``(source system, source id) -> true person``, as
    ``jigsaw synth`` writes it) adds blocking recall and pairwise precision, recall and F1.
    """
    thresholds = thresholds or Thresholds()
    conf = django_settings  # the resources this deployment gives a link run
    linkage.configure(conf.JIGSAW_LINK_THREADS, conf.JIGSAW_LINK_MEMORY, conf.JIGSAW_LINK_CHUNKS)
    say = step or (lambda _msg: None)
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[name] = round(timings.get(name, 0.0) + now - clock, 3)
        clock = now

    say("reading person records")
    raw = records.load(using=using)
    n = raw.num_rows
    if n == 0:
        raise ValueError("there are no person records to link; run `jigsaw import` first")
    prepared = prepare(raw.drop_columns(["row_hash"]))
    lap("read")
    say("choosing the model")
    notes: list[str] = []
    model = _model(prepared, retrain, using, timings, notes)
    clock = time.perf_counter()
    say(f"scoring pairs among {n:,} records")
    pairs = linkage.predict(linkage.make_linker(prepared, model.settings), records=n)
    lap("predict")
    say("clustering into people")
    ids = prepared.column("unique_id").to_numpy()
    position = {int(i): p for p, i in enumerate(ids)}
    left = np.searchsorted(ids, pairs.column("unique_id_l").to_numpy())
    right = np.searchsorted(ids, pairs.column("unique_id_r").to_numpy())
    prob = pairs.column("match_probability").to_numpy()
    same, different = _decisions(position, using)
    linked = prob >= thresholds.link
    if different:  # a "not the same" decision also removes the direct link
        banned = {tuple(sorted(p)) for p in different}
        linked &= np.array([(min(a, b), max(a, b)) not in banned
                            for a, b in zip(left.tolist(), right.tolist(), strict=True)], bool)
    labels = cluster(n, left[linked], right[linked], prob[linked], same, different)
    lap("cluster")
    say("writing people and links")
    with transaction.atomic(using=using):
        _lock(using)
        run = LinkRun.objects.using(using).create(kind="batch")
        model.save(using=using)
        run.model = model
        person_of = _assign_people(ids, labels, using)
        lap("write_people")
        links = _write_links(ids, labels, person_of, pairs, left, right, prob, same, run,
                             model.settings, using)
        lap("write_links")
        reviews = _write_reviews(ids, labels, pairs, left, right, prob, thresholds, run,
                                 prepared.column("nhs_number").combine_chunks(), using)
        _write_match_keys(prepared, raw, using)
        lap("write_keys")
        people = len(set(person_of.values()))
        run.counts = {"records": n, "pairs_scored": pairs.num_rows, "links": int(linked.sum()),
                      "people": people, "review_items": reviews, "trained": "train" in timings,
                      "decisions_applied": len(same) + len(different), "methods": links}
        run.timings = timings
        run.finished_at = timezone.now()
        run.save(using=using)
    _refresh_statistics(using)
    report = {"trained_on": model.trained_on, "notes": notes, "warnings": missing_fields(prepared),
              "prior": model.settings.get("probability_two_random_records_match"),
              "comparisons": weights(model.settings)}
    result = {**run.counts, "run_id": run.pk, "timings": timings, "model": report}
    if truth is not None:
        result["truth"] = pairwise(left, right, linked, labels, _truth_labels(ids, truth, using))
    return result


def _truth_labels(ids: np.ndarray, truth: dict[tuple[str, str], str], using: str) -> np.ndarray:
    """The true person of each record position (-1 where the truth does not name the record)."""
    key_of = {pk: (code, key) for pk, code, key in PersonRecord.objects.using(using)
              .values_list("pk", "source_system__code", "record_key")}
    names: dict[str, int] = {}
    out = np.full(len(ids), -1, np.int64)
    for pos, record_id in enumerate(ids.tolist()):
        person = truth.get(key_of.get(record_id, ("", "")))
        if person is not None:
            out[pos] = names.setdefault(person, len(names))
    return out


#: Tables whose planner statistics a bulk run changes: pages join through them per child.
ANALYZED = ("signpost_recordlink", "signpost_matchkey", "signpost_person", "records_personrecord",
            "records_event", "records_involvement", "records_relationship")


def _refresh_statistics(using: str) -> None:
    """ANALYZE on PostgreSQL after a bulk run, so a child's page is planned with index lookups.

    Straight after a bulk load autovacuum has not yet sampled the tables, and the planner's
    guesses turn per-child joins into scans of every event.
    """
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cur:
        for table in ANALYZED:
            cur.execute(f"ANALYZE {table}")


def _lock(using: str) -> None:
    """One linkage write at a time (SQLite's IMMEDIATE transactions already serialise writers)."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", [LINK_LOCK])


def _decisions(position: dict[int, int], using: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    same, different = [], []
    for a, b, decision in LinkDecision.objects.using(using).values_list("record_a", "record_b", "decision"):
        if a in position and b in position:
            (same if decision == LinkDecision.SAME else different).append((position[a], position[b]))
    return same, different


def _assign_people(ids: np.ndarray, labels: np.ndarray, using: str) -> dict[int, int]:
    """Cluster label -> person id, keeping each existing id on the cluster holding most of its records."""
    before = dict(RecordLink.objects.using(using).values_list("record_id", "person_id"))
    votes: Counter[tuple[int, int]] = Counter()
    for record_id, label in zip(ids.tolist(), labels.tolist(), strict=True):
        if record_id in before:
            votes[(label, before[record_id])] += 1
    person_of: dict[int, int] = {}
    taken: set[int] = set()
    for (label, person_id), _count in sorted(votes.items(), key=lambda kv: (-kv[1], kv[0][1])):
        if label not in person_of and person_id not in taken:
            person_of[label] = person_id
            taken.add(person_id)
    fresh = sorted(set(labels.tolist()) - set(person_of))
    if fresh:
        start = _next_person_ids(len(fresh), using)
        for label, person_id in zip(fresh, start, strict=True):
            person_of[label] = person_id
    _carry_shields(before, ids, labels, person_of, using)
    return person_of


def _next_person_ids(count: int, using: str) -> list[int]:
    """Create ``count`` people with ids after the largest so far (bulk; the run holds the lock)."""
    connection = connections[using]
    with connection.cursor() as cur:
        cur.execute("SELECT COALESCE(MAX(id), 0) FROM signpost_person")
        start = int(cur.fetchone()[0]) + 1
    ids = list(range(start, start + count))
    now = timezone.now()
    bulk_insert("signpost_person", ("id", "created_at", "shielded", "shield_contact", "shield_reason",
                                    "shielded_by"), ((i, now, False, "", "", "") for i in ids), using)
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT setval(pg_get_serial_sequence('signpost_person', 'id'), %s)", [ids[-1]])
    return ids


def _carry_shields(before: dict[int, int], ids: np.ndarray, labels: np.ndarray,
                   person_of: dict[int, int], using: str) -> None:
    """A shield follows the child: any person holding a shielded person's record is shielded."""
    shielded = {p.pk: p for p in Person.objects.using(using).filter(shielded=True)}
    if not shielded:
        return
    for record_id, label in zip(ids.tolist(), labels.tolist(), strict=True):
        old = before.get(record_id)
        new = person_of[label]
        if old in shielded and new != old:
            source = shielded[old]
            Person.objects.using(using).filter(pk=new, shielded=False).update(
                shielded=True, shield_contact=source.shield_contact, shield_reason=source.shield_reason,
                shielded_by=source.shielded_by, shielded_at=source.shielded_at)


def _write_links(ids, labels, person_of, pairs, left, right, prob, same, run, model_settings,
                 using) -> dict[str, int]:
    """Bring every record's link up to date; returns how many records each method linked.

    Only links whose person, method or probability changed are rewritten (a routine run over
    unchanged feeds rewrites almost nothing).
    """
    best = best_links(labels, left, right, prob)
    decided = {p for pair in same for p in pair}
    fields = [f for f in FIELDS if f"gamma_{f}" in pairs.column_names]  # a model saved before "address"
    gammas = {f: pairs.column(f"gamma_{f}").to_numpy() for f in fields}
    weights = {f: pc.add(pc.fill_null(pairs.column(f"mw_{f}"), 0.0),
                         pc.fill_null(pairs.column(f"mw_tf_adj_{f}"), 0.0)
                         if f"mw_tf_adj_{f}" in pairs.column_names else 0.0).to_numpy() for f in fields}
    methods: Counter[str] = Counter()
    stored = {r: (p, m, round(x, 6)) for r, p, m, x in RecordLink.objects.using(using).values_list(
        "record_id", "person_id", "method", "match_probability")}
    changed: list[int] = []
    # the method of every pair at once (an identifier agreed exactly, or the score alone)
    by_nhs = gammas["nhs_number"] == exact_gamma(model_settings, "nhs_number")
    by_upn = gammas["upn"] == exact_gamma(model_settings, "upn")
    edge_method = np.where(by_nhs, "nhs_number", np.where(by_upn, "upn", "probabilistic"))

    def rows():
        for pos, record_id in enumerate(ids.tolist()):
            edge = best.get(pos)
            person = person_of[int(labels[pos])]
            if edge is None:
                method, probability = ("clerical" if pos in decided else "singleton"), 1.0
            else:
                method, probability = str(edge_method[edge]), float(prob[edge])
            methods[method] += 1
            if stored.get(record_id) == (person, method, round(probability, 6)):
                continue  # the same person, by the same pair: nothing to rewrite
            changed.append(record_id)
            evidence = "{}"
            if edge is not None:
                other = right[edge] if left[edge] == pos else left[edge]
                evidence = _json({"with": int(ids[other]), "gamma": {f: int(gammas[f][edge]) for f in fields},
                                  "weight": {f: round(float(weights[f][edge]), 2) for f in fields}})
            yield (record_id, person, probability, method, evidence, run.pk)

    new_rows = list(rows())
    gone = set(stored) - set(ids.tolist())
    stale = [r for r in changed if r in stored] + sorted(gone)
    for start in range(0, len(stale), 900):
        RecordLink.objects.using(using).filter(record_id__in=stale[start:start + 900]).delete()
    bulk_insert("signpost_recordlink", ("record_id", "person_id", "match_probability", "method",
                                        "evidence", "run_id"), new_rows, using)
    _drop_empty_people(using)
    return dict(methods)


def _drop_empty_people(using: str) -> None:
    """People left with no record go, unless something refers to them (a shield, a search)."""
    Person.objects.using(using).filter(links__isnull=True, shielded=False,
                                       shielded_searches__isnull=True).delete()


def _write_reviews(ids, labels, pairs, left, right, prob, thresholds, run, nhs, using) -> int:
    """The uncertain pairs left in different people, and one NHS number on different people."""
    decided = set(LinkDecision.objects.using(using).values_list("record_a", "record_b"))
    split = labels[left] != labels[right]
    uncertain = split & (prob >= thresholds.review) & (prob < thresholds.link)
    found = {tuple(sorted((int(ids[left[e]]), int(ids[right[e]])))): (ReviewItem.UNCERTAIN, float(prob[e]))
             for e in np.flatnonzero(uncertain).tolist()}
    for a, b in _shared_numbers(ids, labels, nhs):
        found.setdefault((a, b), (ReviewItem.SHARED_NUMBER, 0.0))
    now = timezone.now()
    items = [(a, b, kind, p, "{}", now, run.pk)
             for (a, b), (kind, p) in found.items() if (a, b) not in decided]
    ReviewItem.objects.using(using).all().delete()
    return bulk_insert("signpost_reviewitem", ("record_a_id", "record_b_id", "kind", "match_probability",
                                               "evidence", "created_at", "run_id"), items, using)


def _shared_numbers(ids: np.ndarray, labels: np.ndarray, nhs: pa.Array) -> list[tuple[int, int]]:
    """One record pair for each NHS number held by more than one person (flagged, never merged)."""
    table = pa.table({"nhs": nhs, "label": labels, "id": ids}).filter(pc.is_valid(nhs))
    groups = table.group_by(["nhs", "label"]).aggregate([("id", "min")])
    by_number: dict[str, list[int]] = {}
    numbers, firsts_of = groups.column("nhs").to_pylist(), groups.column("id_min").to_pylist()
    for number, first in zip(numbers, firsts_of, strict=True):
        by_number.setdefault(number, []).append(first)
    out = []
    for firsts in by_number.values():
        firsts.sort()
        out.extend((firsts[0], other) for other in firsts[1:])
    return out


def _write_match_keys(prepared: pa.Table, raw: pa.Table, using: str) -> None:
    """Bring the match keys up to date, rewriting only records that are new or changed."""
    hashes = raw.column("row_hash").to_pylist()
    ids = prepared.column("unique_id").to_pylist()
    stored = dict(MatchKey.objects.using(using).values_list("record_id", "row_hash"))
    current = dict(zip(ids, hashes, strict=True))
    stale = [i for i, h in stored.items() if current.get(i) != h]
    for start in range(0, len(stale), 900):
        MatchKey.objects.using(using).filter(record_id__in=stale[start:start + 900]).delete()
    wanted = [p for p, (i, h) in enumerate(zip(ids, hashes, strict=True)) if stored.get(i) != h]
    if not wanted:
        return
    subset = prepared.take(wanted)
    columns = [subset.column(c).to_pylist() for c in MATCH_KEY_COLUMNS[2:]]
    rows = zip([ids[p] for p in wanted], [hashes[p] for p in wanted], *columns, strict=True)
    with _indexes_rebuilt_after(MatchKey, using, bulk=not stored and len(wanted) > REBUILD_INDEXES_ABOVE):
        bulk_insert("signpost_matchkey", MATCH_KEY_COLUMNS, rows, using)


@contextmanager
def _indexes_rebuilt_after(model, using: str, bulk: bool):
    """Load a big empty table without its secondary indexes, then build them once (same DDL)."""
    if not bulk:
        yield
        return
    connection = connections[using]
    editor = connection.SchemaEditorClass(connection)  # only to render Django's own index DDL
    editor.deferred_sql = []
    with connection.cursor() as cur:
        for index in model._meta.indexes:
            cur.execute(str(index.remove_sql(model, editor)))
    yield
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            # the load left deferred foreign-key checks pending, and PostgreSQL will not build an
            # index on a table with pending trigger events: run the checks now
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for index in model._meta.indexes:
            cur.execute(str(index.create_sql(model, editor)))


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))
