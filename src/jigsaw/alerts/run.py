"""Running the rules: in full on demand, or only for the people an import touched."""

from __future__ import annotations

import time
from collections.abc import Collection, Iterable
from dataclasses import replace
from datetime import date
from typing import Any

from django.utils import timezone

from jigsaw.alerts import evidence, population
from jigsaw.alerts.store import store
from jigsaw.rules import evaluate, load_catalogue
from jigsaw.signpost.models import RecordLink

#: Above this many touched people the rules run over everyone instead.
FULL_RUN_ABOVE = 2_000


def run(
    persons: Iterable[int] | None = None,
    as_of: date | None = None,
    using: str = "default",
    overrides: dict[str, dict] | None = None,
    rules: Collection[str] | None = None,
) -> dict[str, Any]:
    """Evaluate the catalogue (for ``persons`` and their households, or everyone) and store alerts.

    ``rules`` limits the run to those rule ids (the unscheduled-care notices run alone first,
    :mod:`jigsaw.alerts.notices`). The notices' alerts then get their attendances written in.
    """
    started = time.perf_counter()
    catalogue = load_catalogue(overrides=overrides)
    if rules is not None:
        catalogue = replace(catalogue, rules=tuple(r for r in catalogue if r.id in rules))
    if persons is not None:
        persons = set(persons)
        if len(persons) > FULL_RUN_ABOVE:  # a big import: one full pass is quicker than many lookups
            persons = None
    pop, scope = population.load(persons, using)
    loaded = time.perf_counter()
    findings = evaluate(catalogue, pop, as_of=as_of or timezone.now().date(), persons=scope)
    evaluated = time.perf_counter()
    stored = store(findings, using)
    if evidence.NOTICE_RULES & {f.rule_id for f in findings}:
        evidence.attach(persons, using)
    return {
        "events": pop.events.num_rows,
        "people": pop.people.num_rows,
        "findings": len(findings),
        "raised": stored.raised,
        "updated": stored.updated,
        "unchanged": stored.unchanged,
        "seconds": {
            "load": round(loaded - started, 3),
            "evaluate": round(evaluated - loaded, 3),
            "store": round(time.perf_counter() - evaluated, 3),
        },
    }


def persons_of_batches(batch_ids: Iterable[int], using: str = "default") -> set[int]:
    """The people whose records gained or changed events in these import batches."""
    from jigsaw.records.models import Event

    records = (
        Event.objects.using(using).filter(batch_id__in=list(batch_ids)).values_list("person_id", flat=True)
    )
    return set(
        RecordLink.objects.using(using).filter(record_id__in=records).values_list("person_id", flat=True)
    )
