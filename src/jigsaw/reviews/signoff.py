"""Redaction sign-off: a person approves or changes every replacement before publication.

The report is the redaction engine's output in the DESIGN.md format: a JSON list of
replacements, each with ``start`` and ``end`` (offsets in the original text), ``category``,
``replacement`` (``null`` for a word only listed for a person to check) and ``reason``, and
optionally ``check`` (a person should look at it); it never holds the original text, and one
that does is refused (it would put unredacted names into the review's record). The report is
uploaded to the review (``jigsaw reviews redaction ID REPORT.json`` or the review's page);
sign-off is refused while any item is undecided, and publication needs sign-off (:mod:`.workflow`).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.db import transaction
from django.utils import timezone

from .models import CaseReview, RedactionItem, RedactionReport, Stage
from .workflow import ReviewError, advance, check_day, get_review

REQUIRED = ("start", "end", "category", "replacement", "reason")
#: keys that would carry the original text: refused
FORBIDDEN = ("text", "original", "original_text", "source_text")


#: the largest offset an item may have: a 64-bit integer column holds it (no report is that long)
MAX_OFFSET = 2**63 - 1


def parse_report(raw: str | bytes | list | dict) -> list[dict[str, Any]]:
    """The replacements of a report, checked; raises :class:`ReviewError` with the first problem."""
    if isinstance(raw, str | bytes):
        try:
            raw = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            raise ReviewError("the redaction report is not JSON") from None
    if isinstance(raw, dict):
        raw = raw.get("replacements")
    if not isinstance(raw, list):
        raise ReviewError("the redaction report must be a JSON list of replacements")
    items = []
    last_end = -1
    for n, item in enumerate(raw, 1):
        if not isinstance(item, dict):
            raise ReviewError(f"replacement {n} is not an object")
        missing = [k for k in REQUIRED if k not in item]
        if missing:
            raise ReviewError(f"replacement {n} has no {', '.join(missing)}")
        leaked = [k for k in FORBIDDEN if k in item]
        if leaked:
            raise ReviewError(f"replacement {n} carries the original text ({leaked[0]}): refused")
        start, end = item["start"], item["end"]
        if (
            not (isinstance(start, int) and isinstance(end, int))
            or isinstance(start, bool)
            or not 0 <= start < end <= MAX_OFFSET
        ):
            raise ReviewError(f"replacement {n} has bad offsets")
        if start < last_end:
            raise ReviewError(f"replacement {n} overlaps the one before")
        last_end = end
        replacement = item["replacement"]
        if replacement is not None and not isinstance(replacement, str):
            raise ReviewError(f"replacement {n} has a replacement that is not text")
        if any("\x00" in str(item[k] or "") for k in ("category", "replacement", "reason") if k in item):
            raise ReviewError(f"replacement {n} holds a NUL character, which cannot be stored")
        items.append(
            {
                "start": start,
                "end": end,
                "category": str(item["category"])[:40],
                "replacement": (replacement or "")[:200],
                "reason": str(item["reason"])[:200],
                "to_check": bool(item.get("check", False)) or replacement is None,
            }
        )
    return items


def upload(
    review_id: int, raw: str | bytes | list | dict, file_name: str, by: str, using: str = "default"
) -> RedactionReport:
    """Attach a redaction report of the final report; every item starts undecided."""
    items = parse_report(raw)
    with transaction.atomic(using=using):
        review = get_review(review_id, using, lock=True)
        if review.stage != Stage.FINAL_REPORT:
            raise ReviewError(
                f"review {review_id} is not at the final report stage; a redaction report "
                "is checked between the final report and sign-off"
            )
        report = RedactionReport.objects.using(using).create(
            review=review, file_name=file_name[:200], uploaded_by=by.strip()[:150]
        )
        RedactionItem.objects.using(using).bulk_create(
            [RedactionItem(report=report, index=i, **item) for i, item in enumerate(items, 1)]
        )
    return report


def current_report(review: CaseReview, using: str = "default") -> RedactionReport | None:
    return RedactionReport.objects.using(using).filter(review=review).first()


def decide_item(
    review_id: int, index: int, decision: str, by: str, replacement: str = "", using: str = "default"
) -> RedactionItem:
    """Approve an item as proposed, or change its replacement (which must then be given)."""
    if decision not in (RedactionItem.APPROVED, RedactionItem.CHANGED):
        raise ReviewError("decide 'approved' or 'changed'")
    if decision == RedactionItem.CHANGED and not replacement.strip():
        raise ReviewError("give the replacement to use instead")
    review = get_review(review_id, using)
    if review.stage != Stage.FINAL_REPORT:
        raise ReviewError(
            f"review {review_id}'s redaction is {'signed off' if review.signed_off_on else 'not open'}"
        )
    report = current_report(review, using)
    item = report and RedactionItem.objects.using(using).filter(report=report, index=index).first()
    if item is None:
        raise ReviewError(f"review {review_id}'s redaction report has no item {index}")
    item.decision = decision
    item.final = item.replacement if decision == RedactionItem.APPROVED else replacement.strip()[:200]
    item.decided_by, item.decided_at = by.strip()[:150], timezone.now()
    item.save(using=using)
    return item


def pending(report: RedactionReport, using: str = "default") -> int:
    return RedactionItem.objects.using(using).filter(report=report, decision=RedactionItem.PENDING).count()


def sign_off(
    review_id: int, by: str, on: dt.date, *, today: dt.date | None = None, using: str = "default"
) -> CaseReview:
    """Sign the redaction off: only with a report whose every item is decided."""
    with transaction.atomic(using=using):
        review = get_review(review_id, using, lock=True)
        check_day(
            on, "the sign-off date", today, review.final_report_on or review.aware_on, "the final report"
        )
        if review.stage == Stage.FINAL_REPORT:
            report = current_report(review, using)
            if report is None:
                raise ReviewError(f"review {review_id} has no redaction report to sign off")
            left = pending(report, using)
            if left:
                raise ReviewError(
                    f"review {review_id}'s redaction has {left} undecided item(s); decide each first"
                )
        return advance(
            review, "sign_off", on, by, using=using, fields={"signed_off_by": by.strip(), "signed_off_on": on}
        )


def apply_decisions(text: str, items: list[RedactionItem]) -> str:
    """The original text with every decided replacement applied (for the published version)."""
    out, at = [], 0
    for item in sorted(items, key=lambda i: i.start):
        if item.decision == RedactionItem.PENDING:
            raise ReviewError("a replacement is undecided")
        if item.end > len(text):
            raise ReviewError("the report's offsets do not fit this text")
        if not item.final:  # a listed word a person decided to keep
            continue
        out += [text[at : item.start], item.final]
        at = item.end
    return "".join(out) + text[at:]
