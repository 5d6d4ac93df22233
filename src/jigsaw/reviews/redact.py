"""The review's final report redacted by the redaction engine, with the review's own known people.

The known people, professionals and agencies come from the review's frozen evidence pack
(:func:`jigsaw.reviews.known.known_rows`); the engine (:mod:`jigsaw.redaction`) writes the redacted
copy (plain text or .docx, the same format out) and its report, whose items are attached to the
review for a person to approve or change one by one (:mod:`.signoff`). The original is not kept.
"""

from __future__ import annotations

from pathlib import Path

from jigsaw.redaction import KnownEntity, RedactionError, Redactor, redact_file

from .known import known_rows
from .models import RedactionReport, Stage
from .signoff import upload
from .workflow import ReviewError, get_review


def redact_final_report(
    review_id: int, source: Path, target: Path, by: str, *, use_model: bool = True, using: str = "default"
) -> RedactionReport:
    """Redact ``source`` into ``target`` and attach the report's items to the review, undecided."""
    review = get_review(review_id, using)
    if review.stage != Stage.FINAL_REPORT:
        raise ReviewError(f"review {review_id} is not at the final report stage")
    rows = known_rows(review, using)
    known = [KnownEntity(r["category"], r["text"], r["role"], r.get("label", "")) for r in rows]
    try:
        result = redact_file(source, target, Redactor(known, use_model=use_model))
    except RedactionError as exc:
        raise ReviewError(str(exc)) from None
    return upload(review_id, result.report, source.name, by, using)
