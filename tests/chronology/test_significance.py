"""A person sets an event's significance; the chronology shows it and who set it."""

from __future__ import annotations

import json

import pytest

from jigsaw.chronology.export import render
from jigsaw.chronology.household import child_chronology
from jigsaw.chronology.models import SignificanceRating
from jigsaw.chronology.significance import SignificanceError, set_significance
from jigsaw.records.importer import import_paths
from jigsaw.signpost.batch import link_all
from jigsaw.signpost.models import RecordLink
from tests.conftest import EVENTS_HEADER, PEOPLE_HEADER, write_csv

pytestmark = pytest.mark.django_db(databases=["default", "postgres"])


@pytest.fixture
def child(db_alias, tmp_path):
    folder = tmp_path / "gp"
    write_csv(folder / "people.csv", PEOPLE_HEADER, [
        ["gp", "P1", "Ada", "Quist", "2021-06-01", "9434765919", "NV1 1AA", "F"]])
    write_csv(folder / "events.csv", EVENTS_HEADER, [
        ["gp", "E1", "P1", "gp_appointment", "2024-02-03", "{}", "routine check"],
        ["gp", "E2", "P1", "injury", "2024-03-04", '{"injury_type": "bruise"}', "bruise to cheek"]])
    import_paths([folder], using=db_alias)
    link_all(using=db_alias)
    return db_alias, RecordLink.objects.using(db_alias).get().person_id


def _entry(using, person, key):
    return next(e for e in child_chronology(person, using).entries if e.event_key == key)


def test_a_rating_overrides_the_suggestion_and_the_latest_counts(child):
    using, person = child
    assert _entry(using, person, "gp:E1").significance_suggested
    set_significance("gp:E1", "high", "hv1", "first sign of neglect in hindsight", using)
    set_significance("gp:E1", "medium", "sw2", "reviewed at strategy meeting", using)
    entry = _entry(using, person, "gp:E1")
    assert entry.significance == "medium" and not entry.significance_suggested
    assert entry.significance_set_by == "sw2"
    data = json.loads(render(child_chronology(person, using), "json"))
    row = next(e for e in data["entries"] if e["event_key"] == "gp:E1")
    assert row["significance_source"] == "set by sw2"
    assert SignificanceRating.objects.using(using).count() == 2  # history kept


def test_refusals(child):
    using, _person = child
    with pytest.raises(SignificanceError, match="one of"):
        set_significance("gp:E1", "urgent", "x", "r", using)
    with pytest.raises(SignificanceError, match="reason"):
        set_significance("gp:E1", "high", "x", " ", using)
    with pytest.raises(SignificanceError, match="no event"):
        set_significance("gp:NOPE", "high", "x", "r", using)
    assert not SignificanceRating.objects.using(using).exists()
