"""Small controlled values for optional feed fields.

Source: DESIGN.md "Canonical feed format": ``sex (M|F|U)``, ``is_child (true|false)``,
``kind (fact|judgement)``, ``significance (low|medium|high)``. Parsers are lenient about the
spellings source systems commonly export and return ``None`` for anything else, because a blank
or odd optional field is simply unknown rather than a reason to reject the row.
"""

from __future__ import annotations

KIND: frozenset[str] = frozenset({"fact", "judgement"})
SIGNIFICANCE: frozenset[str] = frozenset({"low", "medium", "high"})

_SEX = {"m": "M", "male": "M", "f": "F", "female": "F", "u": "U", "unknown": "U"}
_BOOL = {
    "true": True, "yes": True, "y": True, "1": True,
    "false": False, "no": False, "n": False, "0": False,
}


def parse_sex(text: str | None) -> str | None:
    """``"M"``, ``"F"`` or ``"U"`` from M/F/U or male/female/unknown (any case); else ``None``."""
    if not isinstance(text, str):
        return None
    return _SEX.get(text.strip().lower())


def parse_bool(text: str | bool | None) -> bool | None:
    """True/False from true/false, yes/no, y/n or 1/0 (any case); else ``None``.

    A real JSON boolean (from a JSONL feed) passes through unchanged.
    """
    if isinstance(text, bool):
        return text
    if not isinstance(text, str):
        return None
    return _BOOL.get(text.strip().lower())
