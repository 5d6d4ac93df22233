"""The link-review queue as a reader is shown it, on the page and at a terminal alike.

Every record shown is written to the access log first, as a read of its person; a pair with a
record that may be a protected child's (:func:`jigsaw.signpost.gate.protected_records`) shows
neither record's details nor evidence, so the hub is asked instead. A decision is logged against
the person the records belong to.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from jigsaw.audit.actor import Actor
from jigsaw.audit.models import Action

from . import gate
from .models import RecordLink
from .review import SHOWN, decide, explain_pair, open_items


def shown_items(actor: Actor, using: str, limit: int) -> list[dict[str, Any]]:
    """The open review items, protected pairs emptied, each shown record logged before it is read."""
    items = open_items(using, limit=limit)
    record_ids = [r["pk"] for entry in items for r in entry["records"]]
    hidden = gate.protected_records(record_ids, using)
    people = dict(RecordLink.objects.using(using).filter(record_id__in=record_ids)
                  .values_list("record_id", "person_id"))
    shown = [(people.get(r["pk"]), {"item": entry["item"], "record": r["pk"]})
             for entry in items for r in entry["records"] if r["pk"] not in hidden]
    actor.log_many(Action.VIEW_REVIEW, shown, using=using)
    for entry in items:
        a, b = entry["records"]
        entry["protected"] = bool(hidden.intersection((a["pk"], b["pk"])))
        for record in entry["records"]:
            if record["pk"] in hidden:
                record.update(dict.fromkeys(SHOWN, ""), record_key="",
                              source_system__code=gate.PROTECTED_RECORD)
        entry["evidence"] = [] if entry["protected"] else explain_pair(a["pk"], b["pk"], using)
    return items


def record_decision(actor: Actor, using: str, item: int | None, pair: tuple[int, int] | None,
                    decision: str, reason: str):
    """Decide an item (or two records) and log it against their person, in one transaction."""
    with transaction.atomic(using=using):
        row = decide(item, record_a=pair[0] if pair else None, record_b=pair[1] if pair else None,
                     decision=decision, reason=reason, decided_by=actor.username, using=using)
        person = (RecordLink.objects.using(using).filter(record_id=row.record_a_id)
                  .values_list("person_id", flat=True).first())
        actor.log(Action.REVIEW_DECISION, using=using, person_id=person, reason_text=reason,
                  detail={"item": item, "decision": decision,
                          "records": [row.record_a_id, row.record_b_id]})
    return row
