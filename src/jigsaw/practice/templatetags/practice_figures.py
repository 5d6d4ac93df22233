"""``{{ n|small }}``: a count on the practice figures page, with small counts withheld.

Counts from 1 below ``JIGSAW_SUPPRESS_BELOW`` are shown as "fewer than N", the partnership
figures' primary suppression (docs/aggregates.md); zeros are shown. The board's own pages (the
insight app) add secondary suppression when they show these figures beside totals.
"""

from __future__ import annotations

from django import template
from django.conf import settings

register = template.Library()


@register.filter
def small(count: int | None) -> str:
    below = int(getattr(settings, "JIGSAW_SUPPRESS_BELOW", 5))
    if count is None:
        return ""
    return f"fewer than {below}" if 0 < count < below else f"{count:,}"
