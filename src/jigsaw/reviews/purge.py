"""A purged person's place in the case reviews, once no open review holds them.

An open review's legal hold stops a purge before this is reached (:mod:`jigsaw.reviews.holds`).
For a closed review:
- whose subject is purged: the review goes whole (clocks, evidence pack, contributions, action
  plan, redaction reports); the published report lives outside Jigsaw, at its publication URL;
- that only has the person in its evidence pack (a household member): the pack keeps its
  anonymised chronology and signposts in place of the named ones, and the released hold goes.
"""

from __future__ import annotations

from collections.abc import Sequence

from jigsaw.records.purge import chunks, delete_where

from .evidence import ANONYMOUS_SIGNPOST
from .models import CaseReview, EvidenceSnapshot, LegalHold


def _anonymise(snapshot: EvidenceSnapshot, using: str) -> None:
    snapshot.chronology = snapshot.anonymised
    snapshot.signposts = [
        {
            "whose": s.get("whose_anonymised", ""),
            "whose_anonymised": s.get("whose_anonymised", ""),
            "signposts": [{k: p.get(k) for k in ANONYMOUS_SIGNPOST} for p in s.get("signposts", [])],
        }
        for s in snapshot.signposts
    ]
    snapshot.save(using=using, update_fields=["chronology", "signposts"])


def purge_people(person_ids: Sequence[int], using: str = "default") -> dict[str, int]:
    """Remove these people from closed reviews; rows deleted (or anonymised) per table."""
    ids = list(person_ids)
    reviews: set[int] = set()
    mentioned: set[int] = set()
    for part in chunks(ids):
        reviews |= set(
            CaseReview.objects.using(using).filter(person_id__in=part).values_list("id", flat=True)
        )
        mentioned |= set(
            LegalHold.objects.using(using).filter(person_id__in=part).values_list("review_id", flat=True)
        )
    counts = {"reviews_casereview": 0, "reviews_evidencesnapshot_anonymised": 0}
    for snapshot in EvidenceSnapshot.objects.using(using).filter(review_id__in=sorted(mentioned - reviews)):
        _anonymise(snapshot, using)
        counts["reviews_evidencesnapshot_anonymised"] += 1
    counts["reviews_legalhold"] = delete_where(LegalHold, "person_id", ids, using)
    for review in CaseReview.objects.using(using).filter(id__in=sorted(reviews)):
        deleted, _ = review.delete(using=using)  # few, and many tables hang off each: the ORM cascade
        counts["reviews_casereview"] += deleted
    return counts
