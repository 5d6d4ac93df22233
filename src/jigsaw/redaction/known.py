"""The people, organisations, addresses and places a review already knows (``KNOWN.csv``).

The columns are fixed by DESIGN.md: ``category`` (person, organisation, address, place),
``text``, ``role`` (for people: child, mother, father, sibling, carer, relative, professional,
other) and an optional ``label``, the pseudonym to use. A case review's records supply the same
list through :class:`KnownEntity` without a file. A text or label Jigsaw neutralised for
spreadsheets (``'=...``) is read back as it was.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from jigsaw.feeds import restore_formula

CATEGORIES = ("person", "organisation", "address", "place")
ROLES = ("child", "mother", "father", "sibling", "carer", "relative", "professional", "other")
REQUIRED_COLUMNS = ("category", "text", "role")


class RedactionError(ValueError):
    """Input the redaction engine cannot use; the message is one line, fit to show a user."""


@dataclass(frozen=True, slots=True)
class KnownEntity:
    """One known person, organisation, address or place.

    ``role`` is required for people and ignored otherwise; ``label`` overrides the pseudonym the
    role would give (``"Health Visitor 1"``, ``"the nursery"``).
    """

    category: str
    text: str
    role: str = ""
    label: str = ""

    def validated(self, where: str = "") -> KnownEntity:
        """The same entity, trimmed, or :class:`RedactionError` naming what is wrong."""
        at = f"{where}: " if where else ""
        category = self.category.strip().lower()
        text = " ".join(self.text.split())
        role = self.role.strip().lower()
        if category not in CATEGORIES:
            raise RedactionError(f"{at}unknown category {category!r} "
                                 f"(expected one of {', '.join(CATEGORIES)})")
        if not text:
            raise RedactionError(f"{at}the text is empty")
        if category == "person" and role not in ROLES:
            raise RedactionError(f"{at}unknown role {role!r} for a person "
                                 f"(expected one of {', '.join(ROLES)})")
        if category != "person" and role:
            raise RedactionError(f"{at}a role is only for people, not for a {category}")
        return KnownEntity(category, text, role, " ".join(self.label.split()))


def validate_known(entities: Iterable[KnownEntity]) -> list[KnownEntity]:
    """Every entity checked; the first problem raises :class:`RedactionError`."""
    return [entity.validated(f"known entity {n}") for n, entity in enumerate(entities, 1)]


def read_known_csv(path: Path) -> list[KnownEntity]:
    """Read and check a ``KNOWN.csv``; any problem is a one-line :class:`RedactionError`."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RedactionError(f"{path}: cannot read ({exc.strerror or exc})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RedactionError(f"{path}: not UTF-8 text") from None
    return parse_known_csv(text, str(path))


def parse_known_csv(text: str, name: str = "KNOWN.csv") -> list[KnownEntity]:
    """Parse the text of a ``KNOWN.csv`` (see :func:`read_known_csv`)."""
    reader = csv.DictReader(io.StringIO(text))
    columns = [c.strip().lower() for c in reader.fieldnames or []]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise RedactionError(f"{name}: missing column(s) {', '.join(missing)}")
    reader.fieldnames = columns
    entities = []
    try:
        for row in reader:
            if not any((v or "").strip() for k, v in row.items() if k is not None):
                continue
            entity = KnownEntity(row["category"] or "", restore_formula((row["text"] or "").strip()),
                                 row["role"] or "", restore_formula((row.get("label") or "").strip()))
            entities.append(entity.validated(f"{name} line {reader.line_num}"))
    except csv.Error as exc:
        raise RedactionError(f"{name} line {reader.line_num}: {exc}") from None
    if not entities:
        raise RedactionError(f"{name}: no known entities")
    return entities
