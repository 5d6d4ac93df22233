"""The people on an alert, in words: name, age, school and GP, or a protected record (both databases)."""

from __future__ import annotations

from datetime import date

import pytest

from jigsaw.alerts.people import describe_people
from jigsaw.records.models import Involvement, PersonRecord
from jigsaw.signpost.shielding import shield
from tests.conftest import BOTH
from tests.signpost import person_of

pytestmark = pytest.mark.django_db(databases=BOTH)


def _involve(using: str, source_id: str, agency: str, role: str, started: date, ended: date | None = None):
    """A current (or ended) involvement on Olivia's social-care record, as a feed would store it."""
    record = PersonRecord.objects.using(using).get(source_system__code="csc", record_key="C1")
    existing = Involvement.objects.using(using).filter(person=record).first()
    Involvement.objects.using(using).create(
        person=record, person_source_id="C1", source_system=record.source_system, agency=agency,
        role=role, started_on=started, ended_on=ended, record_key=f"test-{source_id}", row_hash="x",
        batch=existing.batch, first_batch=existing.first_batch)


def test_name_age_school_and_gp_of_each_person(loaded):
    olivia, jack = person_of("csc", "C1", loaded), person_of("csc", "C3", loaded)
    _involve(loaded, "S1", "Old Road Infants", "Designated safeguarding lead", date(2021, 9, 1))
    _involve(loaded, "S2", "Northtown Primary", "Designated safeguarding lead", date(2023, 9, 1))
    _involve(loaded, "S3", "Closed Academy", "Designated safeguarding lead", date(2024, 1, 1),
             date(2024, 2, 1))
    _involve(loaded, "P1", "Riverside Surgery", "Registered GP", date(2017, 3, 20))
    people = describe_people([olivia, jack], loaded, today=date(2025, 3, 8))
    assert people[olivia].name == "Olivia Bennett" and people[olivia].age == "8 years"
    assert people[olivia].school == "Northtown Primary"  # the latest current one; an ended one never
    assert people[olivia].gp == "Riverside Surgery"
    assert people[jack].name == "Jack Turner" and people[jack].school == "" and not people[jack].protected


def test_a_protected_person_is_only_a_protected_record(loaded):
    olivia = person_of("csc", "C1", loaded)
    shield(olivia, "the hub", "test", "hub-officer", using=loaded)
    line = describe_people([olivia], loaded, today=date(2025, 3, 8))[olivia]
    assert line.protected and line.name == "" and line.age == "" and line.shown == "a protected record"
