"""The clerical review queue: uncertain pairs, and decisions that every later run obeys."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from jigsaw.identity import prepare, probability, waterfall, weights_from_row
from jigsaw.records.models import PersonRecord
from jigsaw.signpost import records
from jigsaw.signpost.evidence import FIELDS
from jigsaw.signpost.matching import current_model, scorer
from jigsaw.signpost.models import LinkDecision, ReviewItem

#: What a reviewer sees of each record: enough to judge identity, no case detail.
SHOWN = ("given_name", "family_name", "other_names", "birth_date", "sex", "nhs_number", "postcode")


class ReviewError(ValueError):
    """A decision that cannot be recorded as asked (the message says why)."""


def open_items(using: str = "default", limit: int | None = None) -> list[dict[str, Any]]:
    """Open review items, most uncertain (closest to an even chance) first."""
    items = list(ReviewItem.objects.using(using).order_by("kind", "-match_probability", "pk")[:limit])
    ids = {i.record_a_id for i in items} | {i.record_b_id for i in items}
    shown = {r["pk"]: r for r in PersonRecord.objects.using(using).filter(pk__in=ids)
             .values("pk", "source_system__code", "record_key", *SHOWN)}
    return [{"item": i.pk, "kind": i.kind, "match_probability": round(i.match_probability, 4),
             "records": [shown[i.record_a_id], shown[i.record_b_id]]} for i in items]


def explain_pair(record_a: int, record_b: int, using: str = "default") -> list[dict[str, Any]]:
    """The waterfall of two records scored now by the current model."""
    prepared = prepare(records.load([record_a, record_b], using).drop_columns(["row_hash"]))
    first, second = prepared.to_pylist()
    row = scorer(using).score_rows(first, [second])[0]
    gammas, weights = weights_from_row(row, list(FIELDS))
    model = current_model(using)
    if model is None:  # no link run yet: the packaged model (this loads Splink, so only here)
        from jigsaw.identity import linkage

        settings = linkage.default_model()
    else:
        settings = model.settings
    steps = waterfall(settings, gammas, weights)
    return [s.as_dict() for s in steps] + [{"field": "total", "level": "match probability",
                                            "weight": round(probability(steps), 4)}]


def decide(item_id: int | None = None, *, record_a: int | None = None, record_b: int | None = None,
           decision: str, reason: str, decided_by: str, using: str = "default") -> LinkDecision:
    """Record "same" or "different" for a review item (or any two records) and close the item."""
    if decision not in (LinkDecision.SAME, LinkDecision.DIFFERENT):
        raise ReviewError(f"decision must be 'same' or 'different', not {decision!r}")
    if not reason.strip():
        raise ReviewError("give a reason for the decision (it is kept with who made it)")
    if not decided_by.strip():
        raise ReviewError("say who is deciding")
    with transaction.atomic(using=using):
        if item_id is not None:
            item = ReviewItem.objects.using(using).filter(pk=item_id).first()
            if item is None:
                raise ReviewError(f"there is no open review item {item_id}; list them with "
                                  "`jigsaw review links`")
            record_a, record_b = item.record_a_id, item.record_b_id
            item.delete()
        if record_a is None or record_b is None or record_a == record_b:
            raise ReviewError("name two different records")
        a, b = sorted((record_a, record_b))
        if PersonRecord.objects.using(using).filter(pk__in=(a, b)).count() != 2:
            raise ReviewError(f"record {a} or {b} does not exist")
        decision_row, _ = LinkDecision.objects.using(using).update_or_create(
            record_a_id=a, record_b_id=b,
            defaults={"decision": decision, "reason": reason.strip(), "decided_by": decided_by.strip()})
        ReviewItem.objects.using(using).filter(record_a_id=a, record_b_id=b).delete()
    return decision_row
