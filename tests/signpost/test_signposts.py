"""Signposts: who is or was involved, from involvements and events, with no case detail."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connections

from jigsaw.signpost.models import Person
from jigsaw.signpost.signposts import Signpost, signposts_for, signposts_for_people
from tests.conftest import BOTH

from . import load, person_of

pytestmark = pytest.mark.django_db(databases=BOTH)


@pytest.fixture
def loaded(tmp_path, db_alias) -> str:
    load(tmp_path, db_alias)
    return db_alias


def test_current_first_then_past_most_recent_first(loaded):
    posts = signposts_for(person_of("csc", "C1", loaded), loaded)
    assert [(p.practitioner, p.current, p.started_on, p.ended_on) for p in posts] == [
        ("Priya Shah", True, date(2024, 1, 10), None),
        ("Dr Karen Holt", False, date(2023, 2, 1), date(2024, 6, 1)),
        ("Tom Reed", False, date(2022, 5, 1), date(2022, 11, 30)),
        ("Jo Evans", False, date(2018, 1, 1), date(2018, 1, 1)),
    ]
    social_worker, gp = posts[0], posts[1]
    assert (social_worker.agency, social_worker.team, social_worker.role, social_worker.contact,
            social_worker.source_system, social_worker.origin) == (
        "Northtown Children's Services", "Assessment team", "Social worker", "0161 555 0101", "csc",
        "involvement")
    # the agency of an event's practitioner is the agency behind its source system
    assert (gp.agency, gp.role, gp.contact, gp.origin) == (
        "Riverside Surgery", "GP", "Riverside Surgery 0161 555 0199", "events")


def test_a_practitioner_with_an_involvement_is_not_repeated_from_events(loaded):
    posts = signposts_for(person_of("csc", "C1", loaded), loaded)
    assert sum("Priya" in p.practitioner for p in posts) == 1  # her home visit adds nothing


def test_events_with_no_practitioner_give_no_signpost(loaded):
    posts = signposts_for(person_of("gp", "G1", loaded), loaded)
    assert all(p.practitioner or p.role or p.contact for p in posts)
    assert len(posts) == 4


def test_no_case_detail_is_carried():
    fields = set(Signpost.__dataclass_fields__)
    # the lead-professional and early-help flags say who coordinates and what kind of support
    # (issue 17 item 5, as ContactPoint's "lead professional" and "CAF" indicators did), not the case
    assert fields == {"agency", "team", "practitioner", "role", "contact", "started_on", "ended_on",
                      "current", "source_system", "origin", "lead_professional", "early_help_assessment"}


def test_people_without_involvements_or_unknown_ids_have_none(loaded):
    cousin = person_of("gp", "G3", loaded)
    assert signposts_for(cousin, loaded) == []
    assert signposts_for(10**9, loaded) == []
    assert signposts_for_people([], loaded) == {}


def test_two_queries_whatever_the_number_of_people(loaded, django_assert_num_queries):
    people = list(Person.objects.using(loaded).values_list("pk", flat=True))
    assert len(people) > 50
    with django_assert_num_queries(2, connection=connections[loaded]):
        found = signposts_for_people(people, loaded)
    assert set(found) == set(people)
    assert [p.practitioner for p in found[person_of("csc", "C3", loaded)]] == ["Sam Patel"]
    with django_assert_num_queries(2, connection=connections[loaded]):
        signposts_for(people[0], loaded)


def test_as_dict_gives_iso_dates(loaded):
    [first, *_] = signposts_for(person_of("csc", "C1", loaded), loaded)
    assert first.as_dict()["started_on"] == "2024-01-10" and first.as_dict()["ended_on"] is None
