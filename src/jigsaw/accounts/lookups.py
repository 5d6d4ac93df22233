"""The user or agency an administration address names, or a 404.

An id past a 64-bit integer cannot name anything, and SQLite raises (a 500) rather than finding
nothing, so such an id is refused before it reaches the database.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

MAX_ID = 2**63 - 1
M = TypeVar("M", bound=Model)


def get_or_404(queryset: QuerySet[M], object_id: int, field: str = "pk", **lookup: Any) -> M:
    if not 0 < object_id <= MAX_ID:
        raise Http404("no such id")
    return get_object_or_404(queryset, **{field: object_id}, **lookup)
