"""`link_all`: people from records, stable ids, human decisions obeyed, nothing half-written."""

from __future__ import annotations

from collections import defaultdict

import pytest

from jigsaw.records.models import PersonRecord
from jigsaw.signpost.batch import link_all
from jigsaw.signpost.models import LinkDecision, LinkRun, MatchKey, Person, RecordLink
from jigsaw.signpost.review import decide

from .conftest import truth

pytestmark = pytest.mark.django_db(databases=["default", "postgres"])


def _clusters(using: str) -> dict[int, set[tuple[str, str]]]:
    people = defaultdict(set)
    for code, key, person in RecordLink.objects.using(using).values_list(
            "record__source_system__code", "record__record_key", "person_id"):
        people[person].add((code, key))
    return people


def test_links_every_record_and_matches_the_truth(imported, partnership):
    result = link_all(using=imported)
    records = PersonRecord.objects.using(imported).count()
    assert result["records"] == records
    assert RecordLink.objects.using(imported).count() == records
    assert MatchKey.objects.using(imported).count() == records
    true = truth(partnership)
    pairs_right = pairs_found = pairs_true = 0
    by_true = defaultdict(set)
    for key, person in true.items():
        by_true[person].add(key)
    pairs_true = sum(len(s) * (len(s) - 1) // 2 for s in by_true.values())
    for members in _clusters(imported).values():
        members = sorted(members)
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                pairs_found += 1
                pairs_right += true[a] == true[b]
    assert pairs_right / pairs_found >= 0.99
    assert pairs_right / pairs_true >= 0.97


def test_a_second_run_keeps_every_person_id(imported):
    link_all(using=imported)
    before = dict(RecordLink.objects.using(imported).values_list("record_id", "person_id"))
    link_all(using=imported)
    after = dict(RecordLink.objects.using(imported).values_list("record_id", "person_id"))
    assert before == after
    assert Person.objects.using(imported).count() == len(set(after.values()))
    assert LinkRun.objects.using(imported).filter(kind="batch").count() == 2


def test_not_the_same_decision_splits_a_person_on_every_later_run(imported):
    link_all(using=imported)
    person = max(_person_sizes(imported).items(), key=lambda kv: kv[1])[0]
    a, b = RecordLink.objects.using(imported).filter(person_id=person).values_list("record_id", flat=True)[:2]
    decide(record_a=a, record_b=b, decision="different", reason="different mothers on the birth records",
           decided_by="reviewer", using=imported)
    link_all(using=imported)
    link_a = RecordLink.objects.using(imported).get(record_id=a)
    link_b = RecordLink.objects.using(imported).get(record_id=b)
    assert link_a.person_id != link_b.person_id
    link_all(using=imported)
    assert (RecordLink.objects.using(imported).get(record_id=a).person_id
            != RecordLink.objects.using(imported).get(record_id=b).person_id)


def test_the_same_decision_joins_two_people(imported):
    link_all(using=imported)
    a, b = (RecordLink.objects.using(imported).values("person_id").distinct()
            .values_list("record_id", flat=True)[:2])
    people = (RecordLink.objects.using(imported).filter(record_id__in=(a, b))
              .values_list("person_id", flat=True))
    assert len(set(people)) == 2
    decide(record_a=a, record_b=b, decision="same", reason="confirmed with the GP", decided_by="reviewer",
           using=imported)
    link_all(using=imported)
    links = RecordLink.objects.using(imported).filter(record_id__in=(a, b))
    assert len({link.person_id for link in links}) == 1
    assert {link.method for link in links} & {"clerical", "nhs_number", "probabilistic", "upn"}
    assert LinkDecision.objects.using(imported).get().decided_by == "reviewer"


def test_every_link_keeps_readable_evidence(imported):
    link_all(using=imported)
    linked = RecordLink.objects.using(imported).exclude(method="singleton").first()
    assert set(linked.evidence) == {"with", "gamma", "weight"}
    assert 0.99 <= linked.match_probability <= 1.0
    partner = RecordLink.objects.using(imported).get(record_id=linked.evidence["with"])
    assert partner.person_id == linked.person_id


def test_nothing_to_link_is_a_clear_error(db_alias):
    with pytest.raises(ValueError, match="no person records"):
        link_all(using=db_alias)


def test_a_failed_run_writes_nothing(imported, monkeypatch):
    link_all(using=imported)
    before = dict(RecordLink.objects.using(imported).values_list("record_id", "person_id"))
    from jigsaw.signpost import batch

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(batch, "_write_match_keys", broken)
    with pytest.raises(RuntimeError):
        link_all(using=imported)
    assert dict(RecordLink.objects.using(imported).values_list("record_id", "person_id")) == before
    assert MatchKey.objects.using(imported).count() == len(before)


def _person_sizes(using: str) -> dict[int, int]:
    sizes: dict[int, int] = defaultdict(int)
    for person in RecordLink.objects.using(using).values_list("person_id", flat=True):
        sizes[person] += 1
    return sizes


def test_one_nhs_number_on_two_clearly_different_people_is_flagged_not_merged(imported, tmp_path):
    from jigsaw.records.importer import import_paths
    from jigsaw.signpost.models import ReviewItem
    from tests.conftest import PEOPLE_HEADER, write_csv

    write_csv(tmp_path / "mix" / "people.csv", PEOPLE_HEADER, [
        ["mix", "M1", "Grace", "Okafor", "2016-02-11", "9434765919", "YV1 1AA", "F"],
        ["mix", "M2", "Samuel", "Whitfield", "1979-09-30", "9434765919", "KV2 3BB", "M"],
    ])
    import_paths([tmp_path / "mix"], using=imported)
    link_all(using=imported)
    grace, samuel = (PersonRecord.objects.using(imported).get(record_key=k).pk for k in ("M1", "M2"))
    people = dict(RecordLink.objects.using(imported).filter(record_id__in=(grace, samuel))
                  .values_list("record_id", "person_id"))
    assert people[grace] != people[samuel]
    flag = ReviewItem.objects.using(imported).get(record_a_id=min(grace, samuel),
                                                  record_b_id=max(grace, samuel))
    assert flag.kind == ReviewItem.SHARED_NUMBER


def test_a_big_first_load_builds_the_match_key_indexes_after_the_rows(imported, monkeypatch):
    """The bulk path (indexes dropped, rows loaded, indexes rebuilt) on both databases."""
    from django.db import connections

    from jigsaw.signpost import batch

    monkeypatch.setattr(batch, "REBUILD_INDEXES_ABOVE", 10)
    link_all(using=imported)
    assert MatchKey.objects.using(imported).count() == PersonRecord.objects.using(imported).count()
    connection = connections[imported]
    with connection.cursor() as cur:
        constraints = connection.introspection.get_constraints(cur, "signpost_matchkey")
    names = {index.name for index in MatchKey._meta.indexes}
    assert names <= {name for name, info in constraints.items() if info["index"]}
