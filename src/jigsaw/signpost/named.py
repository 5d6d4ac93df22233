"""People by exact name, for the audit pages' "who looked at this child?" (``jigsaw.audit.people``).

Apart from the scoring (:mod:`jigsaw.signpost.matching`) on purpose: the index hands this question
to the access log when Django starts, and starting Django must not load PyArrow, whose first
table asks whether pandas is installed and so imports it (most of a one-shot ``jigsaw search``).
"""

from __future__ import annotations

from jigsaw.identity import name_tokens, normalise_name
from jigsaw.signpost.models import MatchKey, RecordLink


def people_named(given: str, family: str, using: str = "default") -> list[int]:
    """Ids of the people with a record of exactly this given and family name (normalised as the
    match keys are), for an auditor's "who looked at this child?". Shielded people are left
    out: a name must not confirm that a protected child is in the index (their id still works).
    """
    tokens = name_tokens(given)
    g, f = (tokens[0] if tokens else ""), normalise_name(family, drop_titles=False)
    if not g or not f:
        return []
    records = MatchKey.objects.using(using).filter(given_name=g, family_name=f).values("record_id")
    return sorted(set(RecordLink.objects.using(using).filter(record_id__in=records, person__shielded=False)
                      .values_list("person_id", flat=True)))
