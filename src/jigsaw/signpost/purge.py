"""A purged person's part of the signposting index: links, match keys, decisions, the person.

Called by :mod:`jigsaw.lifecycle.purge` inside its transaction, before the records go. The
linkage model's term frequencies are keyed by name and postcode values; a value that only the
purged records held is taken out of every stored model, so no name outlives its person there.
"""

from __future__ import annotations

from collections.abc import Sequence

from jigsaw.records.purge import chunks, delete_where

from .models import LinkDecision, LinkModel, MatchKey, Person, RecordLink, ReviewItem, ShieldedSearch

TF_FIELDS = ("given_name", "family_name", "postcode")


def _scrub_term_frequencies(record_ids: Sequence[int], using: str) -> int:
    """Remove term-frequency entries no remaining record holds; returns entries removed."""
    gone: dict[str, set[str]] = {f: set() for f in TF_FIELDS}
    for part in chunks(list(record_ids)):
        for values in MatchKey.objects.using(using).filter(record_id__in=part).values_list(*TF_FIELDS):
            for field, value in zip(TF_FIELDS, values, strict=True):
                if value:
                    gone[field].add(value)
    doomed = set(record_ids)
    for field, values in gone.items():  # keep a value another record still holds
        still = set()
        for part in chunks(sorted(values)):
            rows = (
                MatchKey.objects.using(using).filter(**{f"{field}__in": part}).values_list(field, "record_id")
            )
            still |= {value for value, rid in rows if rid not in doomed}
        values -= still
    removed = 0
    for model in LinkModel.objects.using(using).only("term_frequencies"):
        changed = False
        for field, values in gone.items():
            table = model.term_frequencies.get(field) or {}
            for value in values & set(table):
                del table[value]
                removed += 1
                changed = True
        if changed:
            model.save(using=using, update_fields=["term_frequencies"])
    return removed


def purge_people(
    person_ids: Sequence[int], record_ids: Sequence[int], using: str = "default"
) -> dict[str, int]:
    """Delete the signpost rows of these people and records; rows deleted per table."""
    counts = {"signpost_linkmodel_terms": _scrub_term_frequencies(record_ids, using)}
    counts["signpost_shieldedsearch"] = delete_where(ShieldedSearch, "person_id", person_ids, using)
    counts["signpost_linkdecision"] = delete_where(
        LinkDecision, "record_a_id", record_ids, using
    ) + delete_where(LinkDecision, "record_b_id", record_ids, using)
    counts["signpost_reviewitem"] = delete_where(ReviewItem, "record_a_id", record_ids, using) + delete_where(
        ReviewItem, "record_b_id", record_ids, using
    )
    counts["signpost_matchkey"] = delete_where(MatchKey, "record_id", record_ids, using)
    counts["signpost_recordlink"] = delete_where(RecordLink, "record_id", record_ids, using)
    counts["signpost_recordlink"] += delete_where(RecordLink, "person_id", person_ids, using)
    counts["signpost_person"] = delete_where(Person, "id", person_ids, using)
    return counts
