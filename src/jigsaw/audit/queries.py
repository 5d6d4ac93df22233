"""The auditor's questions: "who looked at this child, and why?", "what did this user look at?".

Each returns a lazy queryset in log order, so a caller can count, page or stream it; exports
stream (:func:`export_csv`) so a year of entries never sits in memory.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from django.db.models import QuerySet

from jigsaw.audit.log import query_digest
from jigsaw.audit.models import AccessEntry, Action
from jigsaw.feeds import neutralise_formula

COLUMNS = ("sequence", "at", "actor", "role", "agency", "action", "person_id", "reason_code", "reason_text",
           "detail", "remote_addr", "user_agent", "previous_hash", "entry_hash")


def who_viewed(person_id: int, using: str = "default") -> QuerySet[AccessEntry]:
    """Every entry about ``person_id``: searches that showed them, views, exports, alert actions."""
    return AccessEntry.objects.using(using).filter(person_id=person_id).order_by("sequence")


def what_did(actor: str, since: datetime | None = None, until: datetime | None = None,
             using: str = "default") -> QuerySet[AccessEntry]:
    """Everything ``actor`` did, optionally from ``since`` (inclusive) to ``until`` (exclusive)."""
    entries = AccessEntry.objects.using(using).filter(actor=actor)
    if since is not None:
        entries = entries.filter(at__gte=since)
    if until is not None:
        entries = entries.filter(at__lt=until)
    return entries.order_by("sequence")


def who_searched_for(query: Mapping[str, Any], using: str = "default") -> QuerySet[AccessEntry]:
    """Searches made with exactly these details (normalised as :func:`~jigsaw.audit.log.query_digest`).

    Finds fishing that found nobody, which :func:`who_viewed` cannot: a search with no result
    names no person.
    """
    return (AccessEntry.objects.using(using)
            .filter(action=Action.SEARCH, detail__query_digest=query_digest(query)).order_by("sequence"))


def as_dict(entry: AccessEntry) -> dict[str, Any]:
    """One entry as plain JSON-ready values (timestamps ISO 8601 UTC)."""
    data = {name: getattr(entry, name) for name in COLUMNS}
    data["at"] = entry.at.isoformat()
    return data


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        value = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return neutralise_formula(str(value))


def export_csv(entries: Iterable[AccessEntry] | QuerySet[AccessEntry], path: Path | str) -> int:
    """Write ``entries`` to ``path`` as CSV (one header row); returns the number of entries written.

    Cells a spreadsheet would run as a formula are neutralised: actor names, reasons and user
    agents come from users and browsers. The hashes are exported too, so an outside auditor can
    recompute the chain from the file with :mod:`jigsaw.audit.chain`.
    """
    if isinstance(entries, QuerySet):
        entries = entries.iterator(chunk_size=2000)
    count = 0
    with Path(path).open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(COLUMNS)
        for entry in entries:
            writer.writerow([_cell(v) for v in as_dict(entry).values()])
            count += 1
    return count
