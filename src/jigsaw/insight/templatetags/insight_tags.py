"""``get_item``: a chart by its section's key, in a template."""

from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: dict | None, key: str) -> Any:
    return (mapping or {}).get(key)
