"""`jigsaw redact` as a user meets it: files written, one-line errors, nothing written on error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

KNOWN = "category,text,role,label\nperson,Kayden Morris,child,\norganisation,Ossett Medical Centre,,\n"


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "known.csv").write_text(KNOWN, encoding="utf-8")
    text = "Kayden Morris was seen at Ossett Medical Centre on 12 October 2021.\n"
    (tmp_path / "review.txt").write_text(text, encoding="utf-8")
    return tmp_path


def test_writes_the_copy_and_its_report(files, jigsaw):
    out = files / "out.txt"
    done = jigsaw("redact", str(files / "review.txt"), "--known", str(files / "known.csv"),
                      "--out", str(out), "--no-model")
    assert done.returncode == 0, done.stderr
    assert out.read_text(encoding="utf-8") == "Child A was seen at the GP practice in October 2021.\n"
    report = json.loads((files / "out.txt.report.json").read_text(encoding="utf-8"))
    assert [item["replacement"] for item in report] == ["Child A", "the GP practice", "in October 2021"]
    assert "Kayden" not in json.dumps(report)
    assert "3 replacements" in done.stdout


@pytest.mark.parametrize(("setup", "message"), [
    (lambda d: (d / "review.txt").write_bytes(b"%PDF-1.7\x00\x00"), "not a text or Word .docx file"),
    (lambda d: (d / "known.csv").write_text("category,text\nperson,Kayden\n"), "missing column(s) role"),
    (lambda d: (d / "known.csv").write_text("category,text,role\nperson,Kayden,niece\n"), "unknown role"),
    (lambda d: (d / "known.csv").write_text("category,text,role\nvehicle,AB12 CDE,\n"), "unknown category"),
])
def test_bad_input_is_one_line_exit_1_and_nothing_written(files, setup, message, jigsaw):
    setup(files)
    out = files / "out.txt"
    done = jigsaw("redact", str(files / "review.txt"), "--known", str(files / "known.csv"),
                      "--out", str(out), "--no-model")
    assert done.returncode == 1
    assert message in done.stderr and done.stderr.strip().count("\n") == 0
    assert "Traceback" not in done.stderr
    assert sorted(p.name for p in files.iterdir()) == ["known.csv", "review.txt"]


def test_review_without_case_reviews_is_a_one_line_error(files, jigsaw):
    done = jigsaw("redact", str(files / "review.txt"), "--review", "1", "--out", str(files / "o.txt"))
    assert done.returncode == 1 and done.stderr.strip().count("\n") == 0
    assert not (files / "o.txt").exists()


def test_usage_errors_exit_2(files, jigsaw):
    assert jigsaw("redact", str(files / "review.txt"), "--out", str(files / "o.txt")).returncode == 2
    both = jigsaw("redact", str(files / "review.txt"), "--known", str(files / "known.csv"),
                      "--review", "1", "--out", str(files / "o.txt"))
    assert both.returncode == 2


def test_age_policy_needs_born(files, jigsaw):
    done = jigsaw("redact", str(files / "review.txt"), "--known", str(files / "known.csv"),
                      "--out", str(files / "o.txt"), "--dates", "age", "--no-model")
    assert done.returncode == 1 and "--born" in done.stderr


def test_a_word_document_comes_back_as_a_word_document(files, jigsaw):
    import docx

    source, out = files / "review.docx", files / "out.docx"
    document = docx.Document()
    document.add_paragraph("Kayden Morris was seen at Ossett Medical Centre.")
    document.save(source)
    done = jigsaw("redact", str(source), "--known", str(files / "known.csv"), "--out", str(out),
                      "--no-model")
    assert done.returncode == 0, done.stderr
    assert docx.Document(out).paragraphs[0].text == "Child A was seen at the GP practice."
    report = json.loads((files / "out.docx.report.json").read_text(encoding="utf-8"))
    assert report[0]["replacement"] == "Child A"
