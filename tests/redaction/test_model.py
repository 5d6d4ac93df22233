"""The statistical layer on the pinned offline model, and the corpus figures it must reach."""

from __future__ import annotations

import shutil

import pytest

from jigsaw.redaction import KnownEntity, RedactionError, Redactor
from jigsaw.redaction.model import MODEL_SHA256, model_digest, model_path, verify_model
from tests.redaction.corpus import load_corpus, score


@pytest.fixture(scope="module")
def with_model() -> Redactor:
    return Redactor([KnownEntity("person", "Kayden Morris", "child")])


def test_the_installed_model_is_the_pinned_one():
    assert model_digest(model_path()) == MODEL_SHA256


def test_a_changed_model_is_refused(tmp_path):
    copy = tmp_path / "model"
    shutil.copytree(model_path(), copy)
    with (copy / "ner" / "cfg").open("a", encoding="utf-8") as f:
        f.write(" ")
    with pytest.raises(RedactionError, match="does not match its pinned SHA-256"):
        verify_model(copy)


def test_people_and_places_the_records_do_not_know_are_found_and_marked(with_model):
    text = "Kayden's uncle, Gary Firth, drove him to Wakefield. Later Firth said nothing."
    result = with_model.redact(text)
    assert result.text == "Child A's uncle, Person 1, drove him to [place]. Later Person 1 said nothing."
    model_items = [i for i in result.replacements if i.reason.startswith(("model", "later mention"))]
    assert model_items and all(i.check for i in model_items)


def test_a_name_met_once_keeps_its_label_when_the_model_calls_it_a_place(with_model):
    with_model.redact("Her sister, Nadia Begum, lives in Bradford.")
    assert "Nadia" not in with_model.redact("Kayden was placed with Nadia under a safety plan.").text


@pytest.mark.slow
def test_corpus_figures():
    """Issue 14's floors: full coverage >= 99%, span precision >= 90% (benchmarks/redaction.py)."""
    known, passages = load_corpus()
    redactors: dict[str, Redactor] = {}
    predictions = []
    for p in passages:
        result = redactors.setdefault(p.case, Redactor(known[p.case])).redact(p.text)
        predictions.append([(i.start, i.end) for i in result.replacements if i.replacement is not None])
    figures = score(passages, predictions)
    assert figures["full_coverage"] >= 0.99, figures
    assert figures["span_precision"] >= 0.90, figures
