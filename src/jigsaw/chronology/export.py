"""A chronology as CSV, JSON or a printable HTML page for a strategy meeting.

All three carry the same columns (research note section 1.2: date with its uncertainty, source
agency and record, factual description, kind, significance and whether the system only
suggested it, who recorded it), so a chronology read on paper and one loaded into a
spreadsheet say the same thing. CSV cells that a spreadsheet could run as a formula are
neutralised (``feeds.text.neutralise_formula``, OWASP "CSV Injection"); the stored data is not.
An anonymised chronology leaves out names, birth dates, person ids and source record ids.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from jigsaw.feeds import neutralise_formula

from .build import SUGGESTED, Chronology, Entry

FORMATS: tuple[str, ...] = ("csv", "json", "html")
COLUMNS: tuple[str, ...] = (
    "date", "date_text", "time", "precision", "uncertain", "whose", "agency", "source_system",
    "source_record", "event_key", "event_type", "meaning", "description", "kind", "significance",
    "significance_source", "recorded_by", "recorded_by_role", "recorded_on", "also_recorded_by", "note",
)


def note(entry: Entry) -> str:
    """What a reader must know about the entry beyond its content."""
    notes = []
    if entry.after_death:
        notes.append("dated after the person's recorded death: check the record")
    if entry.also_recorded_by:
        notes.append("the same event type on the same date is also recorded by "
                     + "; ".join(f"{agency} ({key})" for agency, key in entry.also_recorded_by))
    return ". ".join(notes)


def entry_dict(entry: Entry, anonymised: bool = False) -> dict[str, Any]:
    row: dict[str, Any] = {
        "date": entry.date_text, "date_iso": entry.date.isoformat(),
        "date_end_iso": entry.date_end.isoformat(),
        "time": entry.time, "precision": entry.precision, "uncertain": entry.uncertain,
        "whose": entry.subject, "agency": entry.agency, "agency_type": entry.agency_type,
        "source_system": entry.source_system, "source_name": entry.source_name,
        "source_record": entry.source_record, "event_key": entry.event_key, "event_type": entry.event_type,
        "meaning": entry.meaning, "description": entry.description, "kind": entry.kind,
        "is_judgement": entry.is_judgement, "significance": entry.significance,
        "significance_source": (f"set by {entry.significance_set_by}" if entry.significance_set_by
                                else "suggested" if entry.significance_suggested else "recorded"),
        "recorded_by": entry.practitioner, "recorded_by_role": entry.practitioner_role,
        "recorded_on": entry.recorded_on.isoformat() if entry.recorded_on else None,
        "also_recorded_by": [{"agency": a, "event_key": k} for a, k in entry.also_recorded_by],
        "after_death": entry.after_death, "note": note(entry),
    }
    if not anonymised:
        row["person_id"] = entry.person_id
    return row


def as_data(chronology: Chronology) -> dict[str, Any]:
    """The whole chronology as plain JSON-ready data."""
    anonymous = chronology.anonymised
    subjects = []
    for s in chronology.subjects:
        subject: dict[str, Any] = {"whose": s.label, "basis": s.basis}
        if not anonymous:
            subject.update(person_id=s.person_id, name=s.name,
                           birth_date=s.birth_date.isoformat() if s.birth_date else None)
        subjects.append(subject)
    return {
        "person_id": None if anonymous else chronology.person_id,
        "generated_at": chronology.generated_at.isoformat(timespec="seconds"),
        "household": chronology.household, "anonymised": anonymous,
        "filters": chronology.filters.as_dict(),
        "events_total": chronology.events_total, "events_shown": len(chronology.entries),
        "subjects": subjects,
        "entries": [entry_dict(e, anonymous) for e in chronology.entries],
        "suggested_significance": SUGGESTED,
    }


def to_json(chronology: Chronology) -> str:
    return json.dumps(as_data(chronology), indent=2, ensure_ascii=False) + "\n"


def to_csv(chronology: Chronology) -> str:
    """One row per entry; every text cell neutralised against formula injection."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for entry in chronology.entries:
        row = entry_dict(entry, chronology.anonymised)
        row["date"], row["date_text"] = entry.date.isoformat(), entry.date_text
        row["also_recorded_by"] = "; ".join(f"{a} ({k})" for a, k in entry.also_recorded_by)
        writer.writerow([_cell(row[c]) for c in COLUMNS])
    return out.getvalue()


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return neutralise_formula(str(value))


PRINT_CSS = Path(__file__).parent / "static" / "chronology" / "print.css"


def to_html(chronology: Chronology, stylesheet: str | None = None) -> str:
    """A printable page (Django template ``chronology/print.html``), autoescaped.

    With ``stylesheet`` (a URL) the page links it, as the web app must under its CSP; without,
    the rules are inlined so a file written by the command line stands alone.
    """
    from django.template.loader import render_to_string
    from django.utils.safestring import mark_safe

    data = as_data(chronology)
    child = data["subjects"][0] if data["subjects"] else {}
    return render_to_string("chronology/print.html", {
        "c": data, "child": child, "judgements": sum(e["is_judgement"] for e in data["entries"]),
        "stylesheet": stylesheet,
        "inline_css": "" if stylesheet else mark_safe(PRINT_CSS.read_text("utf-8")),  # noqa: S308 - our file
    })


def render(chronology: Chronology, fmt: str, stylesheet: str | None = None) -> str:
    """The chronology in ``fmt``; ``stylesheet`` is the print page's CSS address (see :func:`to_html`)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    if fmt == "html":
        return to_html(chronology, stylesheet)
    return {"csv": to_csv, "json": to_json}[fmt](chronology)
