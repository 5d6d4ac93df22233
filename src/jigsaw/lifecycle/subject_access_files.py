"""Writing a subject access export: one JSON file, a readable HTML page, and a CSV per section.

Marked fields are shown, not removed: the HTML highlights each with why it may have to be
withheld, and each CSV row lists them in a ``to_check`` column, so the person answering the
request decides and redacts (in a copy) before anything is sent.
"""

from __future__ import annotations

import csv
import html
import json
from pathlib import Path
from typing import Any

from jigsaw.feeds import neutralise_formula

TITLES = {
    "records": "Records held by each agency",
    "events": "Events",
    "relationships": "Relationships",
    "involvements": "Practitioners and services involved",
    "significance_ratings": "Significance ratings",
    "alerts": "Alerts",
    "case_reviews": "Case reviews",
    "legal_holds": "Litigation holds",
    "access_log": "Who looked at the record (access log)",
    "shielding": "Shielding",
}


def _columns(rows: list[dict[str, Any]]) -> list[str]:
    seen: dict[str, None] = {}
    for row in rows:
        for key in row:
            if not key.startswith("_"):
                seen.setdefault(key)
    return list(seen)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _cell(row: dict[str, Any], column: str) -> str:
    text = _text(row.get(column))
    why = row.get("_redact", {}).get(column)
    marks = row.get("_marks", {}).get(column) or []
    if marks:  # highlight each name the engine found, inside the text
        parts, at = [], 0
        for m in sorted(marks, key=lambda m: m["start"]):
            parts += [
                html.escape(text[at : m["start"]]),
                f'<mark title="{html.escape(m["why"])}">{html.escape(text[m["start"] : m["end"]])}</mark>',
            ]
            at = m["end"]
        body = "".join(parts) + html.escape(text[at:])
    else:
        body = html.escape(text)
    if why and text:
        why = html.escape(why)
        return f'<td class="check" title="{why}">{body}<br><small>check: {why}</small></td>'
    return f"<td>{body}</td>"


def write_html(data: dict[str, Any], path: Path) -> None:
    out = [
        "<!doctype html><html lang='en'><meta charset='utf-8'>",
        f"<title>Subject access: person {data['person_id']}</title>",
        "<style>body{font-family:Arial,sans-serif;margin:1rem;max-width:100%}table{border-collapse:collapse;"
        "display:block;overflow-x:auto}td,th{border:1px solid #b1b4b6;padding:4px;vertical-align:top;"
        "text-align:left}td.check{background:#fff7bf}mark{background:#ffdd00}</style>",
        f"<h1>Subject access: person {data['person_id']}</h1>",
        f"<p>Made {html.escape(data['generated_at'])}. Highlighted values may identify someone else or "
        "put a child at risk: check and redact them before release.</p>",
    ]
    for name, rows in data["sections"].items():
        out.append(f"<h2>{html.escape(TITLES.get(name, name))} ({len(rows)})</h2>")
        if not rows:
            out.append("<p>None held.</p>")
            continue
        columns = _columns(rows)
        out.append(
            "<table><thead><tr>"
            + "".join(f"<th>{html.escape(c)}</th>" for c in columns)
            + "</tr></thead><tbody>"
        )
        out += ["<tr>" + "".join(_cell(row, c) for c in columns) + "</tr>" for row in rows]
        out.append("</tbody></table>")
    out.append("</html>")
    path.write_text("\n".join(out), encoding="utf-8")


def write_csvs(data: dict[str, Any], folder: Path) -> list[Path]:
    written = []
    for name, rows in data["sections"].items():
        path = folder / f"{name}.csv"
        columns = _columns(rows)
        with path.open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f)
            writer.writerow([*columns, "to_check"])
            for row in rows:
                checks = {
                    **row.get("_redact", {}),
                    **{k: "names of other people inside" for k, v in row.get("_marks", {}).items() if v},
                }
                writer.writerow(
                    [neutralise_formula(_text(row.get(c))) for c in columns]
                    + ["; ".join(f"{k}: {v}" for k, v in sorted(checks.items()))]
                )
        written.append(path)
    return written


def write_export(data: dict[str, Any], folder: Path) -> list[Path]:
    """Write everything under ``folder`` (which must exist); returns the files written."""
    target = folder / "subject_access.json"
    target.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    page = folder / "subject_access.html"
    write_html(data, page)
    return [target, page, *write_csvs(data, folder)]
