"""``{% practice_panel person_id reason_code scope [entries signposts] %}``: the practice records on a
child's page (given the child's own entries and signposts, their record quality is read from them).

Used by the child's page after it has opened the child (gate, vetting, reason, access-log entry);
the panel reads the same child for the same reason within that request.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import template

from jigsaw.audit.actor import db
from jigsaw.practice.panel import child_panel
from jigsaw.signpost.scope import Scope

register = template.Library()


@register.inclusion_tag("practice/_child_panel.html")
def practice_panel(person_id: int, reason_code: str, scope: Scope, entries: Sequence[Any] | None = None,
                   signposts: Sequence[Any] | None = None) -> dict[str, Any]:
    return child_panel(person_id, reason_code, scope, db(), entries, signposts)
