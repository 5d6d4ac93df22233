"""The evidence pack: frozen at the rapid review, anonymisable, with holds and contributions."""

import json
from datetime import date

import pytest

from jigsaw.records.importer import import_paths
from jigsaw.reviews import evidence, services
from jigsaw.reviews.holds import held_people, is_on_legal_hold
from jigsaw.reviews.known import known_rows
from jigsaw.reviews.models import Contribution, EvidenceSnapshot
from jigsaw.reviews.workflow import ReviewError
from jigsaw.signpost.batch import link_all
from tests.chronology.conftest import EVENTS
from tests.conftest import BOTH, write_csv

pytestmark = pytest.mark.django_db(databases=BOTH)
TODAY = date(2026, 11, 30)


def _at_rapid_review(family, **kwargs):
    using = family["using"]
    review = services.open_review(family["amy"], date(2025, 12, 22), "death", "m", today=TODAY, using=using)
    services.notify(review.pk, date(2025, 12, 29), "m", today=TODAY, using=using)
    evidence.rapid_review(review.pk, date(2026, 1, 12), "m", today=TODAY, using=using, **kwargs)
    return review


def test_the_pack_is_frozen_later_imports_do_not_change_it(family, tmp_path):
    using = family["using"]
    review = _at_rapid_review(family)
    before = EvidenceSnapshot.objects.using(using).get(review=review)
    folder = tmp_path / "csc"
    (folder).mkdir()
    (folder / "source.json").write_text(
        json.dumps(
            {
                "source_system": "csc",
                "name": "Northvale Council Children's Services record",
                "agency": "Northvale Council Children's Services",
                "agency_type": "social_care",
            }
        ),
        encoding="utf-8",
    )
    write_csv(
        folder / "events.csv",
        EVENTS,
        [["csc", "E99", "C1", "home_visit", "2024-07-01", "", "", "", "late", "fact", "", ""]],
    )
    import_paths([folder], using=using)
    link_all(using=using)
    after = EvidenceSnapshot.objects.using(using).get(review=review)
    assert after.chronology == before.chronology and after.entries == before.entries
    assert "csc:E99" not in json.dumps(after.chronology)
    with pytest.raises(ReviewError, match="already frozen"):
        evidence.freeze(review, "m", None, None, True, using)


def test_the_anonymised_pack_has_roles_not_names(family):
    using = family["using"]
    review = _at_rapid_review(family)
    named = json.dumps(evidence.pack(review, False, using))
    anonymous = json.dumps(evidence.pack(review, True, using))
    assert "Amy Smith" in named and "Jane Smith" in named
    for name in ("Amy", "Smith", "Emma Walker", "Mark Brown", "PC Shah"):
        assert name not in anonymous
    assert "Child A" in anonymous and "Mother" in anonymous


def test_the_period_limits_the_chronology(family):
    review = _at_rapid_review(family, period_from=date(2024, 3, 1), period_to=date(2024, 4, 30))
    pack = evidence.pack(review, False, family["using"])
    assert pack["period"] == {"from": "2024-03-01", "to": "2024-04-30"}
    assert all("2024-03" <= e["date_iso"][:7] <= "2024-04" for e in pack["chronology"]["entries"])


def test_holds_cover_the_pack_and_are_checkable(family):
    using = family["using"]
    review = services.open_review(family["amy"], date(2025, 12, 22), "death", "m", today=TODAY, using=using)
    assert held_people(using) == {family["amy"]} and not is_on_legal_hold(family["jane"], using)
    services.notify(review.pk, date(2025, 12, 29), "m", today=TODAY, using=using)
    evidence.rapid_review(review.pk, date(2026, 1, 12), "m", today=TODAY, using=using)
    assert {family["amy"], family["jane"], family["leo"]} <= held_people(using)


def test_contributions_are_requested_and_tracked(family):
    using = family["using"]
    review = _at_rapid_review(family)
    asked = evidence.request_contribution(
        review.pk, "Northvale Police", date(2026, 1, 12), today=TODAY, using=using
    )
    assert asked.due_on == date(2026, 1, 26)  # 10 working days
    with pytest.raises(ReviewError, match="already been asked"):
        evidence.request_contribution(
            review.pk, "Northvale Police", date(2026, 1, 13), today=TODAY, using=using
        )
    with pytest.raises(ReviewError, match="before the request"):
        evidence.receive_contribution(
            review.pk, "Northvale Police", date(2026, 1, 1), today=TODAY, using=using
        )
    evidence.receive_contribution(
        review.pk, "Northvale Police", date(2026, 1, 20), "summary", today=TODAY, using=using
    )
    assert Contribution.objects.using(using).get().status == Contribution.RECEIVED


def test_known_rows_for_redaction_come_from_the_pack(family):
    review = _at_rapid_review(family)
    rows = known_rows(review, family["using"])
    assert {"category": "person", "text": "Amy Smith", "role": "child", "label": "Child A"} in rows
    assert {"category": "person", "text": "Jane", "role": "mother", "label": "Mother"} in rows
    assert [r for r in rows if r["text"] == "Smith"] == [
        {"category": "person", "text": "Smith", "role": "relative", "label": ""}
    ]
    assert {"category": "person", "text": "Emma Walker", "role": "professional", "label": ""} in rows
    assert any(r["category"] == "organisation" and r["text"] == "Northvale Police" for r in rows)


def test_looked_after_is_read_from_the_records_when_not_given(family, tmp_path):
    using = family["using"]
    folder = tmp_path / "csc"
    folder.mkdir()
    agency = "Northvale Council Children's Services"
    manifest = {
        "source_system": "csc",
        "name": f"{agency} record",
        "agency": agency,
        "agency_type": "social_care",
    }
    (folder / "source.json").write_text(json.dumps(manifest), encoding="utf-8")
    write_csv(
        folder / "events.csv",
        EVENTS,
        [
            ["csc", "LA1", "C1", "looked_after_start", "2024-06-01", "", "", "", "", "fact", "", ""],
            ["csc", "LA2", "C4", "looked_after_start", "2024-06-01", "", "", "", "", "fact", "", ""],
            ["csc", "LA3", "C4", "looked_after_end", "2024-09-01", "", "", "", "", "fact", "", ""],
        ],
    )
    import_paths([folder], using=using)
    amy = services.open_review(family["amy"], date(2025, 12, 22), "death", "m", today=TODAY, using=using)
    leo = services.open_review(family["leo"], date(2025, 12, 22), "death", "m", today=TODAY, using=using)
    assert amy.looked_after and not leo.looked_after
    assert set(amy.notifications.using(using).values_list("recipient", flat=True)) == {
        "panel",
        "ofsted",
        "secretary_of_state",
    }
    assert list(leo.notifications.using(using).values_list("recipient", flat=True)) == ["panel"]
