"""The rule language: checks one parsed rule file and compiles its ``[match]`` table.

Kept apart from the loader so the grammar lives in one place (docs/rules.md documents the same
keys). Every problem is raised as ``Problem`` naming the key path it concerns; the loader turns the
path into a line number of the file, so an author is pointed at the exact line to fix.
"""

from __future__ import annotations

import json
import re
import string
from dataclasses import dataclass
from typing import Any

from jigsaw.feeds import EVENT_TYPES, INJURY_TYPES, MOBILITY
from jigsaw.rules.deadlines import parse_deadline
from jigsaw.rules.model import MODES, ROUTES, SCOPES, SEVERITIES, STATES, Condition, Match, Source

_REF = re.compile(r"^\{([A-Za-z_][A-Za-z0-9_]*)\}$")
_ID = re.compile(r"^R[0-9]{2}[a-z]?$")
#: details fields whose values come from a closed list in the vocabulary
_CLOSED_VALUES: dict[str, frozenset[str]] = {"injury_type": INJURY_TYPES, "mobility": MOBILITY}

_TOP_REQUIRED: dict[str, type | tuple[str, ...]] = {
    "id": str, "version": int, "title": str, "explanation": str, "source": dict,
    "severity": SEVERITIES, "mode": MODES, "enabled": bool, "route": ROUTES, "scope": SCOPES,
    "match": dict,
}
_TOP_OPTIONAL = {"parameters", "deadline"}
_COND_KEYS = {"details", "age_under_days", "age_between_years", "states", "any"}
_MATCH_KEYS = _COND_KEYS | {"event_types", "count_at_least", "within_days", "distinct_sources_at_least",
                            "subjects"}
_SUBJECT_KEYS = {"age_under_days", "age_between_years"}


@dataclass
class Problem(Exception):
    """What is wrong and where: ``path`` is the key path, ``needle`` an offending value's text."""

    path: tuple[str, ...]
    message: str
    needle: str | None = None


def _type_name(t: type) -> str:
    return {str: "a string", int: "an integer", bool: "true or false", dict: "a table",
            list: "a list"}[t]


def _is(value: Any, t: type) -> bool:
    # bool is an int subclass in Python; TOML keeps them apart and so do we
    return type(value) is t


def check_header(doc: dict[str, Any]) -> None:
    """The keys outside ``[match]``: presence, types, closed values, the explanation's placeholders."""
    for key in doc:
        if key not in _TOP_REQUIRED and key not in _TOP_OPTIONAL:
            raise Problem((key,), f"unknown key {key!r}")
    for key, kind in _TOP_REQUIRED.items():
        if key not in doc:
            raise Problem((), f"missing field {key!r}")
        value = doc[key]
        if isinstance(kind, tuple):
            if value not in kind:
                raise Problem((key,), f"{key} must be one of {', '.join(kind)}, got {value!r}")
        elif not _is(value, kind):
            raise Problem((key,), f"{key} must be {_type_name(kind)}, got {type(value).__name__}")
    if not _ID.match(doc["id"]):
        raise Problem(("id",), f"id must look like R01 or R04b, got {doc['id']!r}")
    if doc["version"] < 1:
        raise Problem(("version",), "version must be 1 or more")
    src = doc["source"]
    for key in src:
        if key not in ("citation", "url"):
            raise Problem(("source", key), f"unknown key {key!r} in [source]")
    for key in ("citation", "url"):
        if not _is(src.get(key), str) or not src[key].strip():
            raise Problem(("source", key) if key in src else ("source",),
                          f"[source] needs a non-empty string {key!r}")
    if "deadline" in doc:
        try:
            parse_deadline(doc["deadline"])
        except ValueError as wrong:
            raise Problem(("deadline",), str(wrong)) from None
    params = doc.get("parameters", {})
    if not _is(params, dict):
        raise Problem(("parameters",), "parameters must be a table")
    for name, value in params.items():
        check_parameter_value(name, value)
    for _, name, _, _ in string.Formatter().parse(doc["explanation"]):
        if name is not None and name not in params:
            raise Problem(("explanation",), f"explanation names {{{name}}}, which is not a parameter")


def check_parameter_value(name: str, value: Any) -> None:
    ok = type(value) in (int, str, bool) or (
        _is(value, list) and all(type(v) in (int, str, bool) for v in value))
    if not ok:
        raise Problem(("parameters", name), f"parameter {name!r} must be a number, text, true/false "
                                            "or a list of those")


def source_of(doc: dict[str, Any]) -> Source:
    return Source(doc["source"]["citation"].strip(), doc["source"]["url"].strip())


class _Compiler:
    """Resolves ``"{parameter}"`` references and builds the ``Match`` of one rule."""

    def __init__(self, params: dict[str, Any], scope: str) -> None:
        self.params, self.scope = params, scope

    def value(self, path: tuple[str, ...], raw: Any) -> tuple[Any, str]:
        """(resolved value, how to name it in a message)."""
        if isinstance(raw, str) and (m := _REF.match(raw)):
            name = m.group(1)
            if name not in self.params:
                raise Problem(path, f"{'.'.join(path)} refers to unknown parameter {name!r}", raw)
            return self.params[name], f"{'.'.join(path)} (parameter {name!r})"
        if isinstance(raw, list) and any(isinstance(x, str) and _REF.match(x) for x in raw):
            return [self.value(path, x)[0] for x in raw], f"{'.'.join(path)} (with parameters)"
        return raw, ".".join(path)

    def int_(self, path: tuple[str, ...], raw: Any, minimum: int = 0) -> int:
        v, what = self.value(path, raw)
        if not _is(v, int) or v < minimum:
            raise Problem(path, f"{what} must be an integer >= {minimum}, got {v!r}")
        return v

    def years(self, path: tuple[str, ...], raw: Any) -> tuple[int, int]:
        v, what = self.value(path, raw)
        if not (_is(v, list) and len(v) == 2 and all(_is(x, int) and x >= 0 for x in v) and v[0] <= v[1]):
            raise Problem(path, f"{what} must be [youngest, oldest] in completed years, got {v!r}")
        return v[0], v[1]

    def str_list(self, path: tuple[str, ...], raw: Any) -> list[str]:
        v, what = self.value(path, raw)
        if not (_is(v, list) and v and all(_is(x, str) for x in v)):
            raise Problem(path, f"{what} must be a non-empty list of strings, got {v!r}")
        return v

    def details(self, path: tuple[str, ...], raw: Any) -> tuple[tuple[str, frozenset[str]], ...]:
        if not _is(raw, dict) or not raw:
            raise Problem(path, "details must be a table of field = { equals = … } or { in = [ … ] }")
        out = []
        for fname, test in raw.items():
            p = (*path, fname)
            if not _is(test, dict) or len(test) != 1 or next(iter(test)) not in ("equals", "in"):
                raise Problem(p, f"details.{fname} must be {{ equals = value }} or {{ in = [values] }}")
            op, arg = next(iter(test.items()))
            v, what = self.value((*p, op), arg)
            values = [v] if op == "equals" else v
            if op == "in" and not (_is(v, list) and v):
                raise Problem((*p, op), f"{what} must be a non-empty list")
            for x in values:
                if type(x) not in (str, int, bool):
                    raise Problem((*p, op), f"{what}: values must be text, numbers or true/false")
                closed = _CLOSED_VALUES.get(fname)
                if closed is not None and x not in closed:
                    raise Problem((*p, op), f"unknown {fname} {x!r} (known: {', '.join(sorted(closed))})",
                                  json.dumps(x))
            out.append((fname, frozenset(json.dumps(x) for x in values)))
        return tuple(out)

    def condition(self, path: tuple[str, ...], raw: dict[str, Any], allowed: set[str]) -> Condition:
        for key in raw:
            if key not in allowed:
                raise Problem((*path, key), f"unknown key {key!r} in [{'.'.join(path)}]")
        states: frozenset[str] = frozenset()
        if "states" in raw:
            names = self.str_list((*path, "states"), raw["states"])
            for n in names:
                if n not in STATES:
                    raise Problem((*path, "states"), f"unknown state {n!r} (known: {', '.join(STATES)})",
                                  json.dumps(n))
            states = frozenset(names)
        any_of: tuple[Condition, ...] = ()
        if "any" in raw:
            alts = raw["any"]
            if not _is(alts, list) or not alts or not all(_is(a, dict) for a in alts):
                raise Problem((*path, "any"), "any must be a non-empty list of condition tables")
            any_of = tuple(self.condition((*path, "any"), a, _COND_KEYS) for a in alts)
        return Condition(
            details=self.details((*path, "details"), raw["details"]) if "details" in raw else (),
            age_under_days=(self.int_((*path, "age_under_days"), raw["age_under_days"], 1)
                            if "age_under_days" in raw else None),
            age_between_years=(self.years((*path, "age_between_years"), raw["age_between_years"])
                               if "age_between_years" in raw else None),
            states=states, any_of=any_of)

    def match(self, raw: dict[str, Any]) -> Match:
        path = ("match",)
        if "event_types" not in raw:
            raise Problem(path, "[match] needs event_types")
        types = self.str_list((*path, "event_types"), raw["event_types"])
        for t in types:
            if t not in EVENT_TYPES:
                raise Problem((*path, "event_types"), f"unknown event type {t!r}", json.dumps(t))
        cond = self.condition(path, {k: v for k, v in raw.items() if k != "subjects"},
                              _MATCH_KEYS - {"subjects"})
        count = self.int_((*path, "count_at_least"), raw["count_at_least"], 1) \
            if "count_at_least" in raw else None
        within = self.int_((*path, "within_days"), raw["within_days"], 1) if "within_days" in raw else None
        sources = (self.int_((*path, "distinct_sources_at_least"), raw["distinct_sources_at_least"], 1)
                   if "distinct_sources_at_least" in raw else None)
        if count is None and (within is not None or sources is not None):
            key = "within_days" if within is not None else "distinct_sources_at_least"
            raise Problem((*path, key), f"{key} needs count_at_least")
        subjects = None
        if "subjects" in raw:
            if self.scope != "household":
                raise Problem((*path, "subjects"), "[match.subjects] is only allowed with scope = household")
            if count is not None:
                raise Problem((*path, "subjects"), "[match.subjects] cannot be combined with count_at_least")
            if not _is(raw["subjects"], dict):
                raise Problem((*path, "subjects"), "subjects must be a table")
            subjects = self.condition((*path, "subjects"), raw["subjects"], _SUBJECT_KEYS)
        return Match(tuple(types), cond, count, within, sources, subjects)


def compile_match(doc: dict[str, Any], params: dict[str, Any]) -> Match:
    """The rule's ``[match]`` with ``params`` (defaults plus overrides) substituted."""
    return _Compiler(params, doc["scope"]).match(doc["match"])
