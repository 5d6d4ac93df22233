"""KNOWN.csv: the columns DESIGN.md fixes, and a one-line error for anything else."""

from __future__ import annotations

import pytest

from jigsaw.redaction import KnownEntity, RedactionError, parse_known_csv, read_known_csv


def test_reads_the_columns_with_an_optional_label(tmp_path):
    path = tmp_path / "known.csv"
    path.write_text("\ufeffcategory,text,role,label\nperson,Kayden Morris,child,\n"
                    "person,Sarah Booth,professional,Health Visitor 1\norganisation,Ossett Medical Centre,,\n"
                    "\n", encoding="utf-8")
    assert read_known_csv(path) == [
        KnownEntity("person", "Kayden Morris", "child", ""),
        KnownEntity("person", "Sarah Booth", "professional", "Health Visitor 1"),
        KnownEntity("organisation", "Ossett Medical Centre", "", ""),
    ]


def test_label_column_may_be_absent():
    assert parse_known_csv("category,text,role\nplace,Ossett,\n") == [KnownEntity("place", "Ossett")]


@pytest.mark.parametrize(("text", "message"), [
    ("category,text\nperson,Kayden Morris\n", "missing column(s) role"),
    ("name,role\nKayden,child\n", "missing column(s) category, text"),
    ("category,text,role\nanimal,Rex,\n", "unknown category 'animal'"),
    ("category,text,role\nperson,Kayden Morris,cousin\n", "unknown role 'cousin'"),
    ("category,text,role\nperson,Kayden Morris,\n", "unknown role ''"),
    ("category,text,role\nperson,,child\n", "the text is empty"),
    ("category,text,role\norganisation,Fernbank School,child\n", "a role is only for people"),
    ("category,text,role\n", "no known entities"),
])
def test_bad_known_lists_are_one_line_errors(text, message):
    with pytest.raises(RedactionError) as caught:
        parse_known_csv(text, "KNOWN.csv")
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_bad_line_is_named(tmp_path):
    path = tmp_path / "k.csv"
    path.write_text("category,text,role\nperson,A B,child\nperson,C D,aunt\n", encoding="utf-8")
    with pytest.raises(RedactionError, match=r"line 3: unknown role 'aunt'"):
        read_known_csv(path)


def test_not_utf8_is_refused(tmp_path):
    path = tmp_path / "k.csv"
    path.write_bytes(b"category,text,role\nperson,Zo\xeb Smith,child\n")
    with pytest.raises(RedactionError, match="not UTF-8"):
        read_known_csv(path)


def test_a_name_neutralised_for_spreadsheets_is_read_back_as_it_was(tmp_path):
    """`jigsaw reviews known` quotes a formula-like name for the reviewer's spreadsheet; the quote
    is taken off again, so the redaction still finds the name in the text."""
    from jigsaw.reviews.known import read_known, to_csv

    rows = [{"category": "person", "text": "=Sam Hyde", "role": "professional", "label": "+Worker"},
            {"category": "organisation", "text": "'Tis Nursery", "role": "", "label": ""}]
    written = to_csv(rows)
    assert "\nperson,'=Sam Hyde,professional,'+Worker\n" in written  # safe to open in a spreadsheet
    path = tmp_path / "KNOWN.csv"
    path.write_text(written, encoding="utf-8")
    assert read_known_csv(path) == [KnownEntity("person", "=Sam Hyde", "professional", "+Worker"),
                                    KnownEntity("organisation", "'Tis Nursery", "", "")]
    assert read_known(path) == rows
