"""Match newly imported (or changed) person records to people straight away, without a batch run.

Each such record is scored against its stored candidates by the same trained model as the batch
(:mod:`jigsaw.signpost.matching`) and joins the best person at or above the link threshold, or
becomes a new person; a score in the review band also queues the pair for a person to decide.
Records of one import are matched in id order, each seeing the ones before it, so two new
records of the same child find each other. A large import goes to the batch linker instead,
which is faster per record and re-clusters everything.
"""

from __future__ import annotations

import time
from typing import Any

import pyarrow as pa
from django.db import transaction
from django.db.models import F, Q

from jigsaw.identity import Thresholds, prepare
from jigsaw.records.models import PersonRecord
from jigsaw.signpost import records
from jigsaw.signpost.evidence import FIELDS, method_of
from jigsaw.signpost.matching import MATCH_KEY_COLUMNS, match_key_row, score_record, scorer
from jigsaw.signpost.models import LinkDecision, LinkRun, MatchKey, Person, RecordLink, ReviewItem

#: Above this many waiting records (or a tenth of all records) a batch run is quicker.
BATCH_INSTEAD = 2_000


def waiting_ids(using: str = "default") -> list[int]:
    """Records with no person yet, or whose details changed since they were matched."""
    unlinked = PersonRecord.objects.using(using).filter(link__isnull=True)
    changed = PersonRecord.objects.using(using).filter(
        Q(match_key__isnull=True) | ~Q(match_key__row_hash=F("row_hash")), link__isnull=False)
    return sorted(set(unlinked.values_list("pk", flat=True)) | set(changed.values_list("pk", flat=True)))


def should_batch(waiting: int, using: str = "default") -> bool:
    total = PersonRecord.objects.using(using).count()
    return waiting > BATCH_INSTEAD or (total and waiting > total / 10 and waiting > 100)


def match_waiting(using: str = "default", thresholds: Thresholds | None = None) -> dict[str, Any]:
    """Match every waiting record; returns counts and the per-record times (ms)."""
    thresholds = thresholds or Thresholds()
    ids = waiting_ids(using)
    counts = {"matched": 0, "joined": 0, "new_people": 0, "review_items": 0}
    if not ids:
        return {**counts, "ms": []}
    prepared = prepare(records.load(ids, using).drop_columns(["row_hash"]))
    hashes = dict(PersonRecord.objects.using(using).filter(pk__in=ids).values_list("pk", "row_hash"))
    model = scorer(using).model
    times: list[float] = []
    with transaction.atomic(using=using):
        run = LinkRun.objects.using(using).create(kind="incremental")
        for row in range(prepared.num_rows):
            started = time.perf_counter()
            outcome = _match_one(prepared.slice(row, 1), hashes, model, thresholds, run, using)
            counts[outcome] += 1
            counts["matched"] += 1
            times.append((time.perf_counter() - started) * 1000)
        counts["review_items"] = ReviewItem.objects.using(using).filter(run=run).count()
        run.counts = counts
        run.save(using=using)
    return {**counts, "ms": times}


def _match_one(one: pa.Table, hashes: dict[int, str], model: dict[str, Any], thresholds: Thresholds,
               run: LinkRun, using: str) -> str:
    record_id = one.column("unique_id")[0].as_py()
    MatchKey.objects.using(using).filter(record_id=record_id).delete()
    scored = score_record(one, using, exclude={record_id})
    person, edge = _best_person(record_id, scored, using)
    previous = RecordLink.objects.using(using).filter(record_id=record_id).first()
    if person is not None and edge["match_probability"] >= thresholds.link:
        outcome = "joined"
    else:
        if edge is not None and edge["match_probability"] >= thresholds.review:
            a, b = sorted((record_id, edge["unique_id_r"]))
            ReviewItem.objects.using(using).get_or_create(
                record_a_id=a, record_b_id=b,
                defaults={"kind": ReviewItem.UNCERTAIN, "match_probability": edge["match_probability"],
                          "run": run})
        person, edge, outcome = None, None, "new_people"
        if previous is not None and not previous.person.links.exclude(record_id=record_id).exists():
            person = previous.person  # alone before, alone now: keep the id it had
    if person is None:
        person = Person.objects.using(using).create()
    _save_link(record_id, person, edge, model, run, using)
    if previous is not None and previous.person_id != person.pk:
        Person.objects.using(using).filter(pk=previous.person_id, links__isnull=True, shielded=False,
                                           shielded_searches__isnull=True).delete()
    key = match_key_row(one.to_pylist()[0], hashes[record_id])
    MatchKey.objects.using(using).create(**dict(zip(MATCH_KEY_COLUMNS, key, strict=True)))
    return outcome


def _best_person(record_id: int, scored: pa.Table, using: str) -> tuple[Person | None, dict | None]:
    """The person of the best-scoring candidate a person has not ruled out."""
    if scored.num_rows == 0:
        return None, None
    rows = scored.to_pylist()
    decided = _decisions(record_id, using)
    person_of = dict(RecordLink.objects.using(using)
                     .filter(record_id__in=[r["unique_id_r"] for r in rows])
                     .values_list("record_id", "person_id"))
    for other, decision in decided.items():
        if decision == LinkDecision.SAME and other in person_of:
            return Person.objects.using(using).get(pk=person_of[other]), {
                "unique_id_r": other, "match_probability": 1.0, "clerical": True}
    banned = {person_of.get(o) for o, d in decided.items() if d == LinkDecision.DIFFERENT}
    for row in rows:  # already sorted strongest first
        pid = person_of.get(row["unique_id_r"])
        if pid is not None and pid not in banned:
            return Person.objects.using(using).get(pk=pid), row
    return None, rows[0]


def _decisions(record_id: int, using: str) -> dict[int, str]:
    out = {}
    rows = LinkDecision.objects.using(using).filter(Q(record_a_id=record_id) | Q(record_b_id=record_id))
    for a, b, decision in rows.values_list("record_a", "record_b", "decision"):
        out[b if a == record_id else a] = decision
    return out


def _save_link(record_id: int, person: Person, edge: dict | None, model: dict[str, Any], run: LinkRun,
               using: str) -> None:
    if edge is None:
        values = {"match_probability": 1.0, "method": "singleton", "evidence": {}}
    elif edge.get("clerical"):
        values = {"match_probability": 1.0, "method": "clerical", "evidence": {"with": edge["unique_id_r"]}}
    else:
        fields = [f for f in FIELDS if f"gamma_{f}" in edge]  # a model saved before "address"
        gammas = {f: int(edge[f"gamma_{f}"]) for f in fields}
        weights = {f: round(float(edge.get(f"mw_{f}") or 0) + float(edge.get(f"mw_tf_adj_{f}") or 0), 2)
                   for f in fields}
        values = {"match_probability": float(edge["match_probability"]), "method": method_of(gammas, model),
                  "evidence": {"with": edge["unique_id_r"], "gamma": gammas, "weight": weights}}
    RecordLink.objects.using(using).update_or_create(record_id=record_id,
                                                     defaults={"person": person, "run": run, **values})
