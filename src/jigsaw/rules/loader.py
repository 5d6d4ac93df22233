"""Loads the rule catalogue: every file validated, overrides applied, all or nothing.

A partnership edits rule files and parameter overrides by hand, so an error must say which file,
which line and what is wrong in one line, and a bad file must never leave a half-loaded catalogue
running (the previous catalogue stays in force until a fully valid one replaces it).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from jigsaw.rules.deadlines import parse_deadline
from jigsaw.rules.language import Problem, check_header, check_parameter_value, compile_match, source_of
from jigsaw.rules.model import Catalogue, Rule, RuleFileError

CATALOGUE_DIR = Path(__file__).resolve().parent / "catalogue"
#: keys of an override besides parameter names
_OVERRIDE_SWITCHES = {"enabled": bool}
_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")


def load_catalogue(folder: str | Path | None = None,
                   overrides: dict[str, dict[str, Any]] | None = None) -> Catalogue:
    """Every ``*.toml`` rule in ``folder`` (default: the shipped catalogue), validated.

    ``overrides`` maps a rule id to new parameter values (same type as the default) and
    optionally ``enabled``. Raises ``RuleFileError`` on the first problem; nothing is returned
    unless every file and every override is valid.
    """
    root = Path(folder) if folder is not None else CATALOGUE_DIR
    if not root.is_dir():
        raise RuleFileError(str(root), None, "rule folder not found")
    docs: list[tuple[Path, str, dict[str, Any]]] = []
    seen: dict[str, Path] = {}
    for path in sorted(root.glob("*.toml")):
        text, doc = _parse(path)
        _checked(path, text, lambda d=doc: check_header(d))
        if doc["id"] in seen:
            raise RuleFileError(path.name, _line_of(text, ("id",)),
                                f"duplicate rule id {doc['id']!r} (also in {seen[doc['id']].name})")
        seen[doc["id"]] = path
        docs.append((path, text, doc))
    overrides = dict(overrides or {})
    for rule_id in overrides:
        if rule_id not in seen:
            raise RuleFileError("overrides", None, f"override for unknown rule {rule_id!r}")
    rules = [_build(path, text, doc, overrides.get(doc["id"], {})) for path, text, doc in docs]
    return Catalogue(tuple(sorted(rules, key=lambda r: r.id)))


def _parse(path: Path) -> tuple[str, dict[str, Any]]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise RuleFileError(path.name, None, "not UTF-8 text") from None
    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = re.search(r"\(at line (\d+), column \d+\)", msg)
        line = int(m.group(1)) if m else getattr(exc, "lineno", None)
        raise RuleFileError(path.name, line, "TOML syntax error: " + re.sub(r"\s*\(at .*\)$", "", msg)
                            ) from None


def _checked(path: Path, text: str, fn: Any) -> Any:
    try:
        return fn()
    except Problem as p:
        raise RuleFileError(path.name, _line_of(text, p.path, p.needle), p.message) from None


def _build(path: Path, text: str, doc: dict[str, Any], override: dict[str, Any]) -> Rule:
    params = dict(doc.get("parameters", {}))
    enabled = doc["enabled"]
    for key, value in override.items():
        if key in _OVERRIDE_SWITCHES:
            if type(value) is not _OVERRIDE_SWITCHES[key]:
                raise RuleFileError(path.name, _line_of(text, (key,)),
                                    f"override {doc['id']}.{key} must be true or false")
            enabled = value
            continue
        if key not in params:
            raise RuleFileError(path.name, _line_of(text, ("parameters",)),
                                f"override names unknown parameter {key!r} of {doc['id']}")
        default = params[key]
        if type(value) is not type(default) or (
                isinstance(value, list) and value and default and type(value[0]) is not type(default[0])):
            raise RuleFileError(path.name, _line_of(text, ("parameters", key)),
                                f"override {doc['id']}.{key} must have the type of its default "
                                f"({default!r}), got {value!r}")
        _checked(path, text, lambda k=key, v=value: check_parameter_value(k, v))
        params[key] = value
    match = _checked(path, text, lambda: compile_match(doc, params))
    rule = Rule(id=doc["id"], version=doc["version"], title=doc["title"], explanation=doc["explanation"],
                source=source_of(doc), severity=doc["severity"], mode=doc["mode"], enabled=enabled,
                route=doc["route"], scope=doc["scope"], parameters=params, match=match, path=path,
                deadline=parse_deadline(doc["deadline"]) if "deadline" in doc else None)
    _checked(path, text, lambda: _render(rule))
    return rule


def _render(rule: Rule) -> None:
    try:
        rule.explain()
    except (KeyError, IndexError, ValueError) as exc:
        raise Problem(("explanation",), f"explanation cannot be rendered: {exc}") from None


def _line_of(text: str, path: tuple[str, ...], needle: str | None = None) -> int | None:
    """Best line for a key path: inside the deepest ``[table]`` header on the path, the line of the
    last key found (or of ``needle``, the offending value, when given)."""
    if not path:
        return 1  # a field missing at the top of the file
    lines = text.splitlines()
    headers = [(i, m.group(1).replace(" ", "")) for i, line in enumerate(lines)
               if (m := _HEADER.match(line))]
    start, end, rest, best = 0, (headers[0][0] if headers else len(lines)), list(path), None
    for depth in range(len(path), 0, -1):
        name = ".".join(path[:depth])
        hit = [i for i, h in headers if h == name]
        if hit:
            start = hit[0]
            later = [i for i, _ in headers if i > start]
            end = later[0] if later else len(lines)
            rest, best = list(path[depth:]), start + 1
            break
    pos = start
    for key in rest:
        pattern = re.compile(rf"(^|[\s{{,.]){re.escape(key)}\s*[=.]")
        for i in range(pos, end):
            if pattern.search(lines[i]):
                pos, best = i, i + 1
                break
    if needle is not None:
        for i in range(pos, end):
            if needle in lines[i]:
                return i + 1
    return best
