"""The child chronology: order, uncertain dates, significance, judgements, duplicates, death, filters."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from jigsaw.chronology.build import SUGGESTED, Filters, PersonNotFound
from jigsaw.chronology.household import child_chronology
from tests.chronology.conftest import person_of

pytestmark = pytest.mark.django_db(databases=["default", "postgres"])

AMY_ORDER = ["gp:G-2", "gp:G-1", "csc:E4", "police:P-1", "csc:E2", "csc:E1", "csc:E3"]


def _keys(chronology) -> list[str]:
    return [e.event_key for e in chronology.entries]


def _by_key(chronology) -> dict:
    return {e.event_key: e for e in chronology.entries}


def test_merges_every_agency_in_date_order_with_a_stable_tiebreak(family):
    c = child_chronology(family["amy"], using=family["using"])
    assert _keys(c) == AMY_ORDER
    assert {e.agency for e in c.entries} == {
        "Northvale Council Children's Services", "Gladstone Road Surgery", "Northvale Police"}
    assert all(e.subject == "Child" for e in c.entries)
    assert c.subjects[0].name == "Amy Smith" and c.events_total == 7
    assert _keys(child_chronology(family["amy"], using=family["using"])) == AMY_ORDER


def test_month_and_year_dates_are_shown_uncertain(family):
    e = _by_key(child_chronology(family["amy"], using=family["using"]))
    assert e["csc:E2"].date_text == "March 2024 (uncertain)" and e["csc:E2"].uncertain
    assert (e["csc:E2"].date, e["csc:E2"].date_end) == (date(2024, 3, 1), date(2024, 3, 31))
    assert e["gp:G-2"].date_text == "2023 (uncertain)" and e["gp:G-2"].uncertain
    assert e["csc:E1"].date_text == "10 March 2024" and not e["csc:E1"].uncertain
    assert e["police:P-1"].date_text == "20 February 2024, 22:30"  # UK time, as recorded


def test_empty_summary_reads_the_vocabulary_meaning(family):
    e = _by_key(child_chronology(family["amy"], using=family["using"]))
    assert e["csc:E2"].description == "A child and family (s17) assessment began."
    assert e["csc:E1"].description.startswith("Referral from the school")
    assert e["csc:E1"].meaning.startswith("A request for children's social care")


def test_significance_as_recorded_else_suggested_and_marked(family):
    e = _by_key(child_chronology(family["amy"], using=family["using"]))
    assert (e["csc:E1"].significance, e["csc:E1"].significance_suggested) == ("high", False)
    assert (e["csc:E2"].significance, e["csc:E2"].significance_suggested) == (SUGGESTED["assessment_start"],
                                                                             True)
    assert (e["gp:G-2"].significance, e["gp:G-2"].significance_suggested) == ("low", True)


def test_judgements_are_flagged_apart_from_facts(family):
    c = child_chronology(family["amy"], using=family["using"])
    assert [e.event_key for e in c.judgements] == ["csc:E3"]
    assert "csc:E3" not in [e.event_key for e in c.facts]
    assert _by_key(c)["csc:E2"].kind == "fact"  # blank kind: a fact


def test_one_event_from_two_feeds_is_kept_twice_and_marked(family):
    e = _by_key(child_chronology(family["amy"], using=family["using"]))
    assert e["csc:E4"].also_recorded_by == (("Northvale Police", "police:P-1"),)
    assert e["police:P-1"].also_recorded_by == (("Northvale Council Children's Services", "csc:E4"),)
    assert e["csc:E1"].also_recorded_by == ()


def test_events_after_a_death_are_listed_and_marked(family):
    c = child_chronology(family["tom"], using=family["using"])
    marks = {e.event_key: e.after_death for e in c.entries}
    assert marks == {"gp:G-7": False, "gp:G-5": False, "gp:G-6": True}


@pytest.mark.parametrize(("filters", "expected"), [
    (Filters(agencies=frozenset({"Northvale Police"})), ["police:P-1"]),
    (Filters(agencies=frozenset({"health"})), ["gp:G-2", "gp:G-1"]),
    (Filters(agencies=frozenset({"CSC"})), ["csc:E4", "csc:E2", "csc:E1", "csc:E3"]),
    (Filters(event_types=frozenset({"referral", "assessment_start"})), ["csc:E2", "csc:E1"]),
    (Filters(significance=frozenset({"high"})), ["csc:E4", "police:P-1", "csc:E1"]),
    (Filters(kinds=frozenset({"judgement"})), ["csc:E3"]),
    (Filters(date_from=date(2024, 3, 15), date_to=date(2024, 4, 1)), ["csc:E2"]),  # March overlaps
    (Filters(date_to=date(2023, 6, 1)), ["gp:G-2"]),
])
def test_filters(family, filters, expected):
    c = child_chronology(family["amy"], using=family["using"], filters=filters)
    assert _keys(c) == expected
    assert c.events_total == 7


def test_filtering_keeps_the_marks_found_on_the_whole_record(family):
    only_police = Filters(agencies=frozenset({"police"}))
    (entry,) = child_chronology(family["amy"], using=family["using"], filters=only_police).entries
    assert entry.also_recorded_by  # the social care copy is filtered out, the mark is not


def test_unknown_person(family):
    with pytest.raises(PersonNotFound):
        child_chronology(999_999, using=family["using"])


def test_a_fixed_number_of_queries_whatever_the_events(family):
    with CaptureQueriesContext(connections[family["using"]]) as queries:
        child_chronology(family["amy"], using=family["using"])
    assert len(queries) <= 5  # person, names, sources, events, significance ratings


def test_one_sources_events_of_a_day_follow_the_statutory_process(db_alias, tmp_path):
    """A CIN census dates the initial conference and the plan it made on one day, with no order;
    the chronology reads conference then plan (and referral, s47, conference), not by event id."""
    from jigsaw.records.importer import import_paths
    from jigsaw.signpost.batch import link_all
    from tests.conftest import PEOPLE_HEADER, write_csv
    from tests.feeds.returns_corpus import write_returns

    folder = tmp_path / "csc"
    write_csv(folder / "people.csv", PEOPLE_HEADER,
              [["csc", "OWN-1", "Ava", "Hughes", "2015-04-17", "", "", "F"]])
    report = import_paths([folder, *write_returns(tmp_path / "returns")], using=db_alias, source="csc")
    assert not report.refused
    link_all(using=db_alias)
    ava = person_of(db_alias, "csc", "OWN-1")
    same_day = [e.event_type for e in child_chronology(ava, using=db_alias).entries
                if e.date == date(2024, 5, 20)]
    assert same_day == ["cp_conference", "cp_plan_start"]  # the event ids sort "cpp:" before "icpc:"
