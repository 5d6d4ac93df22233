"""Unscheduled-care notices (CP-IS): tell the allocated social worker straight after the import.

When a child on a child protection plan or looked after attends an emergency department or
another unscheduled-care setting, CP-IS sends the responsible local authority a notification in
"async real time" (NHS England, Child Protection - Information Sharing; see docs/notices.md).
Jigsaw's equivalent is rule R04c, whose alert is routed to the allocated social worker's account
(:mod:`jigsaw.alerts.assign`). ``jigsaw import`` calls :func:`notify` as soon as the import's
records are linked, before the rest of the catalogue runs, so the notice does not wait for the
other rules:

* the people to look at come from one query: the people whose records gained or changed an
  unscheduled-care attendance in the import's batches (set-wise, however big the import);
* only the notice rules run, over those people and their households -- the same engine, so the
  alert (its pattern key) is the one a full run would raise, and the full run that follows
  finds it already there;
* the state ("on a plan", "looked after") comes from the chronology: a ``cp_plan_start`` with
  no ``cp_plan_end`` on or after it covers the attendance day, likewise ``looked_after_start``
  and ``looked_after_end`` (:mod:`jigsaw.rules.conditions`);
* an attendance imported again unchanged is in no new batch, and an open notice is never raised
  twice for the same pattern: re-importing notifies nobody again.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from jigsaw.alerts.evidence import NOTICE_RULES
from jigsaw.alerts.run import run
from jigsaw.feeds import UNSCHEDULED_CARE
from jigsaw.records.models import Event
from jigsaw.signpost.models import RecordLink


def persons_attending(batch_ids: Iterable[int], using: str = "default") -> set[int]:
    """The people whose records gained or changed an unscheduled-care attendance in these batches."""
    records = Event.objects.using(using).filter(
        batch_id__in=list(batch_ids), event_type__in=UNSCHEDULED_CARE).values("person_id")
    return set(RecordLink.objects.using(using).filter(record_id__in=records)
               .values_list("person_id", flat=True).distinct())


def notify(batch_ids: Iterable[int], using: str = "default") -> dict[str, Any]:
    """Raise (or extend) the unscheduled-care notices these import batches call for."""
    started = time.perf_counter()
    persons = persons_attending(batch_ids, using)
    if not persons:
        return {"people": 0, "raised": 0, "updated": 0, "seconds": round(time.perf_counter() - started, 3)}
    result = run(persons=persons, using=using, rules=NOTICE_RULES)
    return {"people": len(persons), "raised": result["raised"], "updated": result["updated"],
            "seconds": round(time.perf_counter() - started, 3)}
