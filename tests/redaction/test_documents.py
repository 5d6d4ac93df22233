"""Plain text and Word .docx in, the same format out; anything else refused, nothing written."""

from __future__ import annotations

import docx
import pytest

from jigsaw.redaction import RedactionError, detect_format, redact_file


def _document(path, paragraphs):
    document = docx.Document()
    for runs in paragraphs:
        paragraph = document.add_paragraph()
        for text, bold in runs:
            paragraph.add_run(text).bold = bold
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Child"
    table.cell(0, 1).text = "Kayden Morris"
    document.save(path)


def test_docx_keeps_paragraphs_runs_and_tables(tmp_path, redactor):
    source, target = tmp_path / "in.docx", tmp_path / "out.docx"
    _document(source, [[("Kayden ", False), ("Mor", True), ("ris was seen by ", False), ("Mr Whitaker", True),
                        (".", False)],
                       [("Lives at 14 Fernbank Road.", False)]])
    result = redact_file(source, target, redactor)
    out = docx.Document(target)
    paragraphs = [p.text for p in out.paragraphs]
    assert paragraphs == ["Child A was seen by Father.", "Lives at [address]."]
    first = out.paragraphs[0].runs
    assert [(r.text, bool(r.bold)) for r in first] == [
        ("Child A", False), ("", True), (" was seen by ", False), ("Father", True), (".", False)]
    assert out.tables[0].cell(0, 1).text == "Child A"
    # offsets are in the document's text: paragraphs joined by newlines
    text = "Kayden Morris was seen by Mr Whitaker.\nLives at 14 Fernbank Road.\nChild\nKayden Morris"
    assert [text[i.start:i.end] for i in result.replacements if i.replacement] == [
        "Kayden Morris", "Mr Whitaker", "14 Fernbank Road", "Kayden Morris"]


def test_text_in_text_out(tmp_path, redactor):
    source, target = tmp_path / "in.txt", tmp_path / "out.txt"
    source.write_text("Kayden Morris\nlives at 14 Fernbank Road\n", encoding="utf-8")
    redact_file(source, target, redactor)
    assert target.read_text(encoding="utf-8") == "Child A\nlives at [address]\n"


@pytest.mark.parametrize(("name", "content"), [
    ("report.pdf", b"%PDF-1.7\n\x00\x01binary"),
    ("report.txt", b"caf\xe9 latin-1 text"),
    ("report.zip", b"PK\x03\x04not really a zip"),
])
def test_not_text_or_docx_is_refused_and_nothing_written(tmp_path, redactor, name, content):
    source, target = tmp_path / name, tmp_path / "out"
    source.write_bytes(content)
    with pytest.raises(RedactionError, match=r"not a text or Word \.docx file"):
        detect_format(source)
    with pytest.raises(RedactionError):
        redact_file(source, target, redactor)
    assert not target.exists()


def test_docx_headers_and_footers_are_redacted_too(tmp_path, redactor):
    source, target = tmp_path / "in.docx", tmp_path / "out.docx"
    document = docx.Document()
    document.add_paragraph("About Kayden.")
    document.sections[0].header.paragraphs[0].text = "Review of Kayden Morris"
    document.sections[0].footer.paragraphs[0].text = "Fernbank Primary School copy"
    document.save(source)
    redact_file(source, target, redactor)
    out = docx.Document(target)
    assert out.paragraphs[0].text == "About Child A."
    assert out.sections[0].header.paragraphs[0].text == "Review of Child A"
    assert out.sections[0].footer.paragraphs[0].text == "The school copy"


def test_a_span_wrapped_across_two_paragraphs_is_replaced_once(tmp_path, redactor):
    source, target = tmp_path / "in.docx", tmp_path / "out.docx"
    document = docx.Document()
    document.add_paragraph("Kayden was seen on 12")
    document.add_paragraph("October 2021 at home.")
    document.save(source)
    redact_file(source, target, redactor)
    paragraphs = [p.text for p in docx.Document(target).paragraphs]
    assert paragraphs == ["Child A was seen in October 2021", " at home."]
