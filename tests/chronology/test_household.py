"""The household chronology: who is in it, as what, and the anonymised view."""

from __future__ import annotations

import json

import pytest

from jigsaw.chronology import household
from jigsaw.chronology.export import render
from jigsaw.chronology.household import child_chronology, household_chronology

pytestmark = pytest.mark.django_db(databases=["default", "postgres"])

NAMES = ["Amy", "Jane", "Smith", "Mark", "Brown", "Leo", "Sam", "Green", "Emma", "Walker", "Priya",
         "Chauhan", "Shah"]


def test_members_are_found_by_relationship_parent_and_address(family):
    c = household_chronology(family["amy"], using=family["using"])
    roles = {s.label: s.person_id for s in c.subjects}
    assert roles == {"Child": family["amy"], "Mother": family["jane"], "Partner of mother": family["mark"],
                     "Sibling 1": family["leo"], "Household member 1": family["sam"]}
    basis = {s.label: s.basis for s in c.subjects}
    assert "mother" in basis["Mother"] and "parent" in basis["Sibling 1"]
    assert basis["Household member 1"] == "recorded at the child's address"
    assert family["tom"] not in roles.values()


def test_each_entry_names_whose_event_it_is(family):
    c = household_chronology(family["amy"], using=family["using"])
    whose = {e.event_key: e.subject for e in c.entries}
    assert whose["police:P-2"] == "Partner of mother"
    assert whose["gp:G-3"] == "Mother"
    assert whose["school:S-1"] == "Sibling 1"
    assert whose["gp:G-4"] == "Household member 1"
    assert whose["csc:E1"] == "Child"
    dates = [e.date for e in c.entries]
    assert dates == sorted(dates)
    assert c.household and c.events_total == 11


def test_address_sharing_needs_records_close_in_time(family, monkeypatch):
    monkeypatch.setattr(household, "ADDRESS_WINDOW_DAYS", 30)  # Sam's record is 112 days after Amy's
    c = household_chronology(family["amy"], using=family["using"])
    assert family["sam"] not in {s.person_id for s in c.subjects}


@pytest.mark.parametrize("fmt", ["csv", "json", "html"])
@pytest.mark.parametrize("whole_household", [True, False])
def test_anonymised_output_holds_no_name(family, fmt, whole_household):
    build = household_chronology if whole_household else child_chronology
    c = build(family["amy"], using=family["using"], anonymise=True)
    text = render(c, fmt)
    assert [n for n in NAMES if n in text] == []
    assert "Child A" in text
    if fmt == "json":
        data = json.loads(text)
        assert data["anonymised"] and data["person_id"] is None
        assert all("name" not in s and "person_id" not in s for s in data["subjects"])


def test_anonymising_puts_roles_where_names_were(family):
    c = household_chronology(family["amy"], using=family["using"], anonymise=True)
    text = {e.event_key: e.description for e in c.entries}
    assert text["csc:E3"] == "Worker's view: Child A is at risk when Partner of mother visits."
    assert text["csc:E1"] == "Referral from the school; Mother told of it by social worker."
    assert text["gp:G-3"] == "Mother seen for low mood."
    assert {e.practitioner for e in c.entries} == {""}
    alone = child_chronology(family["amy"], using=family["using"], anonymise=True)
    assert {e.event_key: e.description for e in alone.entries}["csc:E1"] == text["csc:E1"]
