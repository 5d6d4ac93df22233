"""The rules' population: a person's birth date, sex and ethnicity are the most common values
across their records, voted in the database the same way on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest

from jigsaw.alerts.population import all_people, load
from jigsaw.records.importer import import_paths
from jigsaw.records.models import PersonRecord
from jigsaw.signpost.models import Person, RecordLink
from tests.conftest import BOTH, write_csv

pytestmark = pytest.mark.django_db(databases=BOTH)

HEADER = ["source_system", "source_id", "given_name", "family_name", "birth_date", "sex", "ethnicity"]
# (given name, birth date, sex, ethnicity) as four agencies recorded one child, and a second child
ONE_CHILD = [("Mia", "2019-04-02", "F", "WBRI"), ("Mia", "2019-04-02", "M", "WIRI"),
             ("Mia", "2019-02-04", "U", ""), ("Mia", "2019-04-02", "", "WIRI")]


def _load(tmp_path, alias: str) -> tuple[int, int]:
    rows = [[f"s{i}", "P1", given, "Lee", born, sex, eth]
            for i, (given, born, sex, eth) in enumerate(ONE_CHILD)]
    rows.append(["s0", "P2", "Sam", "Ray", "2020-01-01", "M", ""])
    for i in range(len(ONE_CHILD)):
        write_csv(tmp_path / f"s{i}" / "people.csv", HEADER, [r for r in rows if r[0] == f"s{i}"])
    import_paths([tmp_path], using=alias)
    child, other = (Person.objects.using(alias).create() for _ in range(2))
    for record in PersonRecord.objects.using(alias).all():
        person = other if record.given_name == "Sam" else child
        RecordLink.objects.using(alias).create(record=record, person=person, match_probability=1.0,
                                               method="clerical")
    return child.pk, other.pk


def test_the_most_common_value_wins_and_ties_go_to_the_lowest_code(tmp_path, db_alias):
    child, other = _load(tmp_path, db_alias)
    people = {row["person_id"]: row for row in all_people(db_alias).to_pylist()}
    assert set(people) == {child, other}
    # 2019-04-02 three times against one transposed date; F and M once each (U and blank do not
    # vote): the lower code, F; WIRI twice against WBRI once. Four agencies hold the child.
    assert people[child] == {"person_id": child, "birth_date": date(2019, 4, 2), "sex": "F",
                             "ethnicity": "WIRI", "agencies": 4, "disability": None}
    assert people[other] == {"person_id": other, "birth_date": date(2020, 1, 1), "sex": "M",
                             "ethnicity": None, "agencies": 1, "disability": None}


def test_an_incremental_load_votes_for_the_people_it_covers_only(tmp_path, db_alias):
    _child, other = _load(tmp_path, db_alias)
    population, scope = load([other], db_alias)
    assert scope == {other}
    assert population.people.to_pylist() == [{"person_id": other, "birth_date": date(2020, 1, 1),
                                               "sex": "M", "ethnicity": None}]


def _one_person(tmp_path, alias: str, records: list[tuple[str, str]]) -> dict:
    """One person with a record per (ethnicity, disability) in its own source system, as voted."""
    header = [*HEADER[:5], "ethnicity", "disability"]
    for i, (eth, disabled) in enumerate(records):
        row = [f"v{i}", "P1", "Ada", "Lee", "2019-04-02", eth, disabled]
        write_csv(tmp_path / f"v{i}" / "people.csv", header, [row])
    import_paths([tmp_path], using=alias)
    person = Person.objects.using(alias).create()
    for record in PersonRecord.objects.using(alias).all():
        RecordLink.objects.using(alias).create(record=record, person=person, match_probability=1.0,
                                               method="clerical")
    return all_people(alias).to_pylist()[0]


@pytest.mark.parametrize(("codes", "voted"), [
    (["NOBT", "NOBT", "WBRI"], "WBRI"),  # a real code, however outnumbered
    (["REFU", "REFU", "NOBT", "WOTH"], "WOTH"),
    (["REFU", "NOBT"], "NOBT"),  # neither real: the usual vote, ties to the lowest code
    (["REFU", "REFU", "NOBT"], "REFU"),
    (["WOTH", "WBRI"], "WBRI"),
])
def test_refused_and_not_obtained_never_outvote_a_real_code(tmp_path, db_alias, codes, voted):
    assert _one_person(tmp_path, db_alias, [(c, "") for c in codes])["ethnicity"] == voted


@pytest.mark.parametrize(("recorded", "voted"), [
    (["true", "false", ""], True), (["false", ""], False), (["", ""], None), (["false", "TRUE"], True)])
def test_a_disability_any_agency_records_counts(tmp_path, db_alias, recorded, voted):
    assert _one_person(tmp_path, db_alias, [("WBRI", d) for d in recorded])["disability"] is voted
