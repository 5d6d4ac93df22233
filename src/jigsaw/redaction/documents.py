"""Plain text and Word (.docx) in, the same format out.

A .docx is read as its paragraphs (body, tables, headers and footers) joined by newlines, so
the report's offsets are offsets in that text and pseudonyms hold across the whole document.
Each replacement is written into the run where its span starts, and the text it covered is
removed from the following runs, so the formatting of everything unchanged is kept.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

from .engine import Redaction, Redactor, Replacement
from .known import RedactionError

TEXT, DOCX = "text", "docx"


def detect_format(path: Path) -> str:
    """``"docx"`` for a Word document, ``"text"`` for UTF-8 text; :class:`RedactionError` else."""
    try:
        head = path.read_bytes()
    except OSError as exc:
        raise RedactionError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as archive:
                if "word/document.xml" in archive.namelist():
                    return DOCX
        except zipfile.BadZipFile:
            pass
        raise RedactionError(f"{path}: not a text or Word .docx file")
    if b"\x00" in head:
        raise RedactionError(f"{path}: not a text or Word .docx file")
    try:
        head.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RedactionError(f"{path}: not a text or Word .docx file (text must be UTF-8)") from None
    return TEXT


def _paragraphs(document) -> Iterator:
    """Every paragraph of the body, its tables (nested too), headers and footers, in order."""
    def walk(container) -> Iterator:
        yield from container.paragraphs
        for table in getattr(container, "tables", []):
            for row in table.rows:
                seen = set()
                for cell in row.cells:
                    if id(cell._tc) in seen:  # a merged cell appears once per column it spans
                        continue
                    seen.add(id(cell._tc))
                    yield from walk(cell)

    yield from walk(document)
    for section in document.sections:
        for part in (section.header, section.footer):
            if not part.is_linked_to_previous:
                yield from walk(part)


def redact_file(source: Path, target: Path, redactor: Redactor) -> Redaction:
    """Redact ``source`` into ``target`` (same format). Nothing is written if reading fails."""
    kind = detect_format(source)
    if kind == TEXT:
        text = source.read_bytes().decode("utf-8-sig")
        result = redactor.redact(text)
        target.write_text(result.text, encoding="utf-8")
        return result
    import docx

    try:
        document = docx.Document(str(source))
    except Exception as exc:  # python-docx raises several kinds for a damaged package
        raise RedactionError(f"{source}: cannot read the Word document ({type(exc).__name__})") from None
    paragraphs = list(_paragraphs(document))
    text = "\n".join(p.text for p in paragraphs)
    result = redactor.redact(text)
    _write_back(paragraphs, result.replacements)
    document.save(str(target))
    return result


def _write_back(paragraphs: list, items: list[Replacement]) -> None:
    """Put each replacement into the runs of its paragraphs.

    A span that runs over a paragraph break (a name wrapped across two) is written where it
    starts, and its text in the following paragraphs is removed.
    """
    bounds, at = [], 0
    for paragraph in paragraphs:
        bounds.append((at, at + len(paragraph.text)))
        at += len(paragraph.text) + 1
    per_paragraph: list[list[tuple[int, int, str]]] = [[] for _ in paragraphs]
    k = 0
    for item in (i for i in items if i.replacement is not None):
        while k < len(bounds) and bounds[k][1] < item.start:
            k += 1
        first = True
        for n in range(k, len(bounds)):
            lo, hi = bounds[n]
            if lo > item.end or (lo == item.end and not first):
                break
            start, end = max(item.start, lo) - lo, min(item.end, hi) - lo
            if start < end or first:
                per_paragraph[n].append((start, max(start, end), item.replacement if first else ""))
            first = False
    for paragraph, edits in zip(paragraphs, per_paragraph, strict=True):
        if edits:
            _edit_runs(paragraph, edits)


def _edit_runs(paragraph, edits: list[tuple[int, int, str]]) -> None:
    runs = list(paragraph.runs)
    texts = [r.text for r in runs]
    if "".join(texts) != paragraph.text:  # text outside plain runs (hyperlinks, fields): rebuild
        new = _splice(paragraph.text, edits)
        for run in runs[1:]:
            run.text = ""
        if runs:
            runs[0].text = new
        else:
            paragraph.add_run(new)
        return
    bounds, pos = [], 0
    for t in texts:
        bounds.append((pos, pos + len(t)))
        pos += len(t)
    out = [list(t) for t in texts]  # per-run list of characters, edited in place
    for start, end, replacement in sorted(edits, reverse=True):
        first = True
        for r, (lo, hi) in enumerate(bounds):
            if hi <= start or lo >= end:
                continue
            a, b = max(start, lo) - lo, min(end, hi) - lo
            out[r][a:b] = [replacement] if first else []
            first = False
    for run, chars in zip(runs, out, strict=True):
        new = "".join(chars)
        if new != run.text:
            run.text = new


def _splice(text: str, edits: list[tuple[int, int, str]]) -> str:
    for start, end, replacement in sorted(edits, reverse=True):
        text = text[:start] + replacement + text[end:]
    return text
