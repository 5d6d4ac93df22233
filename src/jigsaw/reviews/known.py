"""The review's known people, places and organisations, as the redaction input ``KNOWN.csv``.

DESIGN.md fixes the format: ``category`` (person, organisation, address, place), ``text``,
``role`` (for people: child, mother, father, sibling, carer, relative, professional, other) and an
optional ``label`` (the pseudonym). The rows come from the review's frozen evidence pack (the
subjects, with every name variant the records hold (a name several of them share, such as a
family name, is given once as a ``relative`` with no pseudonym, for the redaction to resolve
in context), the practitioners named in the chronology
and signposts, and the agencies) plus any rows a reviewer adds from a file of the same format.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from jigsaw.feeds import neutralise_formula, restore_formula
from jigsaw.signpost.names import people_names

from .models import CaseReview, EvidenceSnapshot
from .workflow import ReviewError

COLUMNS = ("category", "text", "role", "label")
REQUIRED = ("category", "text", "role")
CATEGORIES = ("person", "organisation", "address", "place")
ROLES = ("child", "mother", "father", "sibling", "carer", "relative", "professional", "other")
_ROLE_OF_LABEL = {
    "Child": "child",
    "Child A": "child",
    "Mother": "mother",
    "Father": "father",
    "Parent": "relative",
    "Step-parent": "carer",
    "Partner of parent": "other",
    "Carer": "carer",
}


def _role(label: str) -> str:
    if label.startswith("Sibling"):
        return "sibling"
    return _ROLE_OF_LABEL.get(label, "other")


def read_known(path: Path) -> list[dict[str, str]]:
    """Rows of a KNOWN.csv, checked; a missing column or a bad value refuses the whole file."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ReviewError(f"cannot read {path.name}: {exc.__class__.__name__}") from None
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ReviewError(
            f"{path.name} is missing column(s): {', '.join(missing)} (needs {', '.join(REQUIRED)})"
        )
    rows = []
    for line, row in enumerate(reader, 2):
        row = {k.strip(): restore_formula((v or "").strip()) for k, v in row.items() if k}
        if row["category"] not in CATEGORIES:
            raise ReviewError(f"{path.name} line {line}: category must be one of {', '.join(CATEGORIES)}")
        if not row["text"]:
            raise ReviewError(f"{path.name} line {line}: text is empty")
        if row["category"] == "person" and row["role"] not in ROLES:
            raise ReviewError(f"{path.name} line {line}: role must be one of {', '.join(ROLES)}")
        rows.append({c: row.get(c, "") for c in COLUMNS})
    return rows


def known_rows(review: CaseReview, using: str = "default") -> list[dict[str, str]]:
    """KNOWN.csv rows from the review's evidence pack (needs the pack to be frozen)."""
    snapshot = EvidenceSnapshot.objects.using(using).filter(review=review).first()
    if snapshot is None:
        raise ReviewError(f"review {review.pk} has no evidence pack yet: freeze it at the rapid review")
    subjects = snapshot.chronology["subjects"]
    anonymous = [s["whose"] for s in snapshot.anonymised["subjects"]]
    names = people_names([s["person_id"] for s in subjects], using)
    rows: list[dict[str, str]] = []
    variants = {
        s["person_id"]: names.get(s["person_id"], ("", None, ()))[2] or (s["name"],) for s in subjects
    }
    holders: dict[str, set[int]] = {}
    for pid, forms in variants.items():
        for form in forms:
            holders.setdefault(form, set()).add(pid)
    for subject, label in zip(subjects, anonymous, strict=False):
        for variant in variants[subject["person_id"]]:
            if len(holders[variant]) > 1:  # a family name several people share: no one pseudonym fits
                rows.append({"category": "person", "text": variant, "role": "relative", "label": ""})
            else:
                role = _role(subject["whose"])
                rows.append({"category": "person", "text": variant, "role": role, "label": label})
    professionals: dict[str, str] = {}
    organisations: set[str] = set()
    for entry in snapshot.chronology["entries"]:
        if entry.get("recorded_by"):
            professionals.setdefault(entry["recorded_by"], entry.get("recorded_by_role") or "")
        if entry.get("agency"):
            organisations.add(entry["agency"])
    for holder in snapshot.signposts:
        for post in holder["signposts"]:
            if post.get("practitioner"):
                professionals.setdefault(post["practitioner"], post.get("role") or "")
            if post.get("agency"):
                organisations.add(post["agency"])
    rows += [
        {"category": "person", "text": name, "role": "professional", "label": ""}
        for name in sorted(professionals)
    ]
    rows += [
        {"category": "organisation", "text": org, "role": "", "label": ""} for org in sorted(organisations)
    ]
    seen: set[tuple[str, str]] = set()
    unique = []
    for row in rows:
        if row["text"] and (row["category"], row["text"]) not in seen:
            seen.add((row["category"], row["text"]))
            unique.append(row)
    return unique


def to_csv(rows: list[dict[str, str]]) -> str:
    """The rows as KNOWN.csv; a reviewer opens it in a spreadsheet, so formula-like names (from
    the feeds) are neutralised, and :func:`read_known` takes the added quote off again."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows({c: neutralise_formula(row.get(c, "")) for c in COLUMNS} for row in rows)
    return out.getvalue()
