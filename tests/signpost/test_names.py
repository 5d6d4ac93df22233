"""What a person is called, when one of their records carries no names (a DfE return's child)."""

from __future__ import annotations

import pytest

from jigsaw.alerts.people import describe_people
from jigsaw.chronology.household import child_chronology
from jigsaw.records.importer import import_paths
from jigsaw.records.models import PersonRecord
from jigsaw.signpost.models import Person, RecordLink
from jigsaw.signpost.names import people_names
from tests.conftest import BOTH, PEOPLE_HEADER, write_csv
from tests.feeds.returns_corpus import write_returns

pytestmark = pytest.mark.django_db(databases=BOTH)


def _school_and_return_child(tmp_path, alias: str) -> int:
    """The school's named record of a child, then the council's return record of the same child
    (same UPN, no names, loaded later), linked as one person."""
    school = tmp_path / "school"
    write_csv(school / "people.csv", [*PEOPLE_HEADER, "upn"],
              [["school", "S-1", "Zara", "Khan", "", "", "", "F", "W990000019001"]])
    import_paths([school], using=alias)
    import_paths(write_returns(tmp_path / "returns"), using=alias, source="csc")
    person = Person.objects.using(alias).create()
    for record in PersonRecord.objects.using(alias).filter(upn="W990000019001"):
        RecordLink.objects.using(alias).create(record=record, person=person, match_probability=1.0,
                                               method="upn")
    return person.pk


def test_a_nameless_newer_record_never_blanks_the_name(tmp_path, db_alias):
    pid = _school_and_return_child(tmp_path, db_alias)
    records = PersonRecord.objects.using(db_alias).filter(upn="W990000019001").order_by("pk")
    assert [r.given_name for r in records] == ["Zara", ""]  # the return's record is the newer
    name, born, variants = people_names([pid], db_alias)[pid]
    assert name == "Zara Khan"
    assert str(born) == "2016-02-01"  # only the return gives a birth date: it is used
    assert "Zara Khan" in variants
    assert describe_people([pid], db_alias)[pid].name == "Zara Khan"
    chronology = child_chronology(pid, db_alias)
    assert chronology.subjects[0].name == "Zara Khan"


def test_a_person_whose_records_carry_no_name_has_a_blank_one(tmp_path, db_alias):
    import_paths(write_returns(tmp_path / "returns"), using=db_alias, source="csc")
    person = Person.objects.using(db_alias).create()
    record = PersonRecord.objects.using(db_alias).get(record_key="LA-2")
    RecordLink.objects.using(db_alias).create(record=record, person=person, match_probability=1.0,
                                              method="new")
    assert people_names([person.pk], db_alias)[person.pk][:2] == ("", record.birth_date)
