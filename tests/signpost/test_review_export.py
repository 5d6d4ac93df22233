"""The review queue's decisions and the links export (DESIGN's CSV contract)."""

from __future__ import annotations

import csv

import pytest

from jigsaw.records.models import PersonRecord
from jigsaw.signpost.batch import link_all
from jigsaw.signpost.export import HEADER, export_links
from jigsaw.signpost.models import LinkDecision, ReviewItem
from jigsaw.signpost.review import ReviewError, decide, explain_pair, open_items

pytestmark = pytest.mark.django_db(databases=["default", "postgres"])


def _two(using):
    return list(PersonRecord.objects.using(using).order_by("pk").values_list("pk", flat=True)[:2])


def test_export_lists_every_record_once_with_its_person(imported, tmp_path):
    link_all(using=imported)
    out = tmp_path / "links.csv"
    rows, unlinked = export_links(out, using=imported)
    with out.open(encoding="utf-8") as f:
        read = list(csv.DictReader(f))
    assert tuple(read[0]) == HEADER
    assert rows == len(read) == PersonRecord.objects.using(imported).count() and unlinked == 0
    assert len({(r["source_system"], r["source_id"]) for r in read}) == rows
    assert all(0.0 <= float(r["match_probability"]) <= 1.0 and r["person_id"] for r in read)
    assert {r["method"] for r in read} <= {"nhs_number", "upn", "probabilistic", "clerical", "singleton"}


def test_export_before_linking_shows_records_without_a_person(imported, tmp_path):
    rows, unlinked = export_links(tmp_path / "links.csv", using=imported)
    assert rows == unlinked > 0


def test_decisions_need_a_reason_a_decider_and_two_real_records(imported):
    a, b = _two(imported)
    with pytest.raises(ReviewError, match="reason"):
        decide(record_a=a, record_b=b, decision="same", reason=" ", decided_by="x", using=imported)
    with pytest.raises(ReviewError, match="same' or 'different"):
        decide(record_a=a, record_b=b, decision="maybe", reason="r", decided_by="x", using=imported)
    with pytest.raises(ReviewError, match="two different records"):
        decide(record_a=a, record_b=a, decision="same", reason="r", decided_by="x", using=imported)
    with pytest.raises(ReviewError, match="does not exist"):
        decide(record_a=a, record_b=10**9, decision="same", reason="r", decided_by="x", using=imported)
    with pytest.raises(ReviewError, match="no open review item"):
        decide(10**9, decision="same", reason="r", decided_by="x", using=imported)
    assert not LinkDecision.objects.using(imported).exists()


def test_deciding_an_item_closes_it_and_a_new_decision_replaces_the_old(imported):
    link_all(using=imported)
    a, b = _two(imported)
    item = ReviewItem.objects.using(imported).create(record_a_id=a, record_b_id=b, kind="uncertain",
                                                     match_probability=0.7)
    decide(item.pk, decision="different", reason="different schools", decided_by="lead", using=imported)
    assert not ReviewItem.objects.using(imported).filter(pk=item.pk).exists()
    decide(record_a=b, record_b=a, decision="same", reason="GP confirmed", decided_by="lead2", using=imported)
    decision = LinkDecision.objects.using(imported).get()
    assert (decision.record_a_id, decision.record_b_id, decision.decision, decision.decided_by) == (
        a, b, "same", "lead2")


def test_open_items_show_identity_fields_and_evidence(imported):
    link_all(using=imported)
    a, b = _two(imported)
    ReviewItem.objects.using(imported).all().delete()
    ReviewItem.objects.using(imported).create(record_a_id=a, record_b_id=b, kind="uncertain",
                                              match_probability=0.6)
    [item] = open_items(using=imported)
    assert {r["pk"] for r in item["records"]} == {a, b}
    assert "summary" not in item["records"][0]  # identity only, no case detail
    steps = explain_pair(a, b, using=imported)
    assert steps[0]["field"] == "prior" and steps[-1]["field"] == "total"
    assert 0.0 <= steps[-1]["weight"] <= 1.0
