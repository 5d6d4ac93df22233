"""``{% practice_panel person_id reason_code scope %}``: the practice records on a child's page.

Used by the child's page after it has opened the child (gate, vetting, reason, access-log entry);
the panel reads the same child for the same reason within that request.
"""

from __future__ import annotations

from typing import Any

from django import template

from jigsaw.audit.actor import db
from jigsaw.practice.panel import child_panel
from jigsaw.signpost.scope import Scope

register = template.Library()


@register.inclusion_tag("practice/_child_panel.html")
def practice_panel(person_id: int, reason_code: str, scope: Scope) -> dict[str, Any]:
    return child_panel(person_id, reason_code, scope, db())
