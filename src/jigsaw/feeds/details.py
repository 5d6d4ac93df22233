"""The typed ``details`` object carried by an event.

Source: DESIGN.md "Canonical feed format" (which keys each event type carries) and the
vocabulary in :mod:`jigsaw.feeds.vocabulary`; ``dash_yes_count`` is the number of "yes" answers
on the SafeLives DASH Risk Identification Checklist, which has 27 questions.

Problems are returned as plain-language strings and never quote the field's content, which
may be personal data; JSON errors give positions only. Unknown extra keys are kept.
"""

from __future__ import annotations

import json

from jigsaw.feeds.vocabulary import INJURY_TYPES, MOBILITY, URGENT_CARE_SETTINGS, Area, by_area

DASH_QUESTIONS = 27
BODY_SITE_MAX = 100

_HEALTH = frozenset(t.name for t in by_area(Area.HEALTH))
_CHECKED = _HEALTH | {"domestic_abuse_incident"}
_INJURY_LIST = ", ".join(sorted(INJURY_TYPES))
_MOBILITY_LIST = ", ".join(sorted(MOBILITY))
_JSON_TYPES = {list: "a list", str: "text", int: "a number", float: "a number", bool: "true/false"}


def _kind(value: object) -> str:
    """What a JSON value is, in words, without showing it."""
    return "null" if value is None else _JSON_TYPES.get(type(value), type(value).__name__)


def _bad_constant(name: str) -> object:
    raise ValueError(f"{name} is not allowed")


#: built once: ``json.loads`` with any option builds a new decoder on every call
_DECODER = json.JSONDecoder(parse_constant=_bad_constant)


def parse_details(text: str) -> tuple[dict | None, str | None]:
    """(object, None) for a JSON object or blank text; (None, reason) otherwise."""
    if not text or text.isspace():
        return {}, None
    try:
        value = _DECODER.decode(text)
    except json.JSONDecodeError as exc:
        return None, f"details is not valid JSON: {exc.msg} (line {exc.lineno} column {exc.colno})"
    except RecursionError:
        return None, "details is not valid JSON: nested too deeply"
    except ValueError as exc:  # NaN/Infinity, or an integer too long to convert
        reason = str(exc).split(":")[0].split(";")[0]
        return None, f"details is not valid JSON: {reason}"
    if not isinstance(value, dict):
        return None, f"details must be a JSON object, got {_kind(value)}"
    return value, None


def _check_str(details: dict, key: str, problems: list[str], limit: int | None = None) -> None:
    value = details.get(key)
    if value is None:
        return
    if not isinstance(value, str):
        problems.append(f"{key} must be text, got {_kind(value)}")
    elif limit is not None and len(value) > limit:
        problems.append(f"{key} must be at most {limit} characters (it has {len(value)})")


def validate_details(event_type: str, details: object) -> list[str]:
    """Problems with ``details`` for an event of ``event_type``; an empty list means fine.

    Optional keys may be absent or null. Only types with typed extras are checked, so the
    common case (no extras for the type) costs one set lookup.
    """
    if not isinstance(details, dict):
        return [f"details must be a JSON object, got {_kind(details)}"]
    if event_type not in _CHECKED:
        return []
    problems: list[str] = []
    if event_type == "injury":
        injury_type = details.get("injury_type")
        if injury_type is None:
            problems.append(f"injury details need injury_type (one of {_INJURY_LIST})")
        elif not isinstance(injury_type, str) or injury_type not in INJURY_TYPES:
            problems.append(f"injury_type must be one of {_INJURY_LIST}")
        _check_str(details, "body_site", problems, BODY_SITE_MAX)
        _check_str(details, "explanation", problems)
    elif event_type == "domestic_abuse_incident":
        present = details.get("children_present")
        if present is None:
            problems.append("domestic_abuse_incident details need children_present (true/false)")
        elif not isinstance(present, bool):
            problems.append(f"children_present must be true or false, got {_kind(present)}")
        count = details.get("dash_yes_count")
        if count is not None and (
            type(count) is not int or not 0 <= count <= DASH_QUESTIONS
        ):
            problems.append(f"dash_yes_count must be a whole number from 0 to {DASH_QUESTIONS}")
    elif event_type == "ed_attendance":
        _check_str(details, "presenting_complaint", problems)
    elif event_type == "urgent_care_attendance":
        _check_str(details, "presenting_complaint", problems)
        setting = details.get("setting")
        if setting is not None and (not isinstance(setting, str) or setting not in URGENT_CARE_SETTINGS):
            problems.append(f"setting must be one of {', '.join(sorted(URGENT_CARE_SETTINGS))}")
    if event_type in _HEALTH:
        mobility = details.get("mobility")
        if mobility is not None and (not isinstance(mobility, str) or mobility not in MOBILITY):
            problems.append(f"mobility must be one of {_MOBILITY_LIST}")
    return problems
