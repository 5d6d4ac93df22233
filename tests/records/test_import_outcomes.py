"""Every row outcome of the design contract, on SQLite and on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from jigsaw.records.importer import import_paths
from jigsaw.records.models import (
    Agency,
    Event,
    ImportWarning,
    PersonRecord,
    QuarantinedRow,
    RecordVersion,
    Relationship,
    SourceSystem,
)
from tests.conftest import BOTH, EVENTS_HEADER, PEOPLE_HEADER, write_csv

pytestmark = pytest.mark.django_db(databases=BOTH)


def run(paths, alias):
    return import_paths([Path(p) for p in paths], using=alias).as_dict()


def reasons(alias) -> list[str]:
    return list(QuarantinedRow.objects.using(alias).filter(status="open")
                .order_by("line").values_list("reason", flat=True))


def test_clean_rows_are_accepted_and_normalised(db_alias, feed_dir):
    counts = run([feed_dir], db_alias)
    assert (counts["read"], counts["accepted"], counts["quarantined"], counts["unchanged"]) == (2, 2, 0, 0)
    amy = PersonRecord.objects.using(db_alias).get(record_key="P1")
    assert (amy.nhs_number, amy.postcode, amy.sex) == ("9434765919", "SW1A 1AA", "F")
    assert str(amy.birth_date) == "2020-03-04"
    assert amy.source_system.code == "gp1"


def test_second_import_reports_every_row_unchanged(db_alias, feed_dir):
    run([feed_dir], db_alias)
    again = run([feed_dir], db_alias)
    assert (again["read"], again["accepted"], again["unchanged"]) == (2, 0, 2)
    assert PersonRecord.objects.using(db_alias).count() == 2


def test_invalid_nhs_number_loads_with_a_warning_and_is_set_aside(db_alias, tmp_path):
    write_csv(tmp_path / "people.csv", PEOPLE_HEADER,
              [["gp1", "P1", "Amy", "Smith", "2020-03-04", "9434765918", "", "F"]])
    counts = run([tmp_path / "people.csv"], db_alias)
    assert (counts["accepted"], counts["warnings"]) == (1, 1)
    amy = PersonRecord.objects.using(db_alias).get()
    assert (amy.nhs_number, amy.nhs_number_invalid) == ("", "9434765918")
    warning = ImportWarning.objects.using(db_alias).get()
    assert warning.field == "nhs_number" and "check digit" in warning.message
    assert "9434765918" not in warning.message  # the message names the field, not the value


@pytest.mark.parametrize(("row", "expected"), [
    (["gp1", "", "No", "Id", "2018-01-01", "", "", ""], "source_id is blank"),
    (["gp1", "P3", "Feb", "Thirtyone", "2019-02-31", "", "", ""], "not a real date"),
    (["gp1", "P4", "Future", "Child", "2099-01-01", "", "", ""], "birth_date is in the future"),
    (["gp1", "P5", "Bad", "Format", "31/01/2019", "", "", ""], "not an ISO 8601 date"),
    (["gp1", "P6", "", "", "2019-01-01", "", "", ""], "both blank"),
    (["other", "P7", "Wrong", "Source", "2019-01-01", "", "", ""], "differs from this file's"),
])
def test_bad_people_are_quarantined_with_a_reason(db_alias, tmp_path, row, expected):
    good = ["gp1", "P1", "Amy", "Smith", "2020-03-04", "", "", "F"]
    write_csv(tmp_path / "people.csv", PEOPLE_HEADER, [good, row])
    counts = run([tmp_path / "people.csv"], db_alias)
    assert (counts["read"], counts["accepted"], counts["quarantined"]) == (2, 1, 1)
    [reason] = reasons(db_alias)
    assert expected in reason
    q = QuarantinedRow.objects.using(db_alias).get()
    assert q.line == 3 and q.raw.rstrip("\r\n").split(",")[1] == row[1]


@pytest.mark.parametrize(("row", "expected"), [
    (["gp1", "E2", "P9", "gp_appointment", "2021-01-01", "", ""], "has not sent"),
    (["gp1", "E3", "P1", "flying_visit", "2021-01-01", "", ""], "not in the event vocabulary"),
    (["gp1", "E4", "P1", "injury", "2021-01-01", "{bad", ""], "not valid JSON"),
    (["gp1", "E5", "P1", "injury", "2021-01-01", '{"injury_type": "scratch"}', ""], "injury_type"),
    (["gp1", "E6", "P1", "gp_appointment", "yesterday", "", ""], "occurred_at"),
    (["gp1", "E7", "P1", "gp_appointment", "2099-01-01", "", ""], "in the future"),
    (["gp1", "", "P1", "gp_appointment", "2021-01-01", "", ""], "event_id is blank"),
])
def test_bad_events_are_quarantined_with_a_reason(db_alias, feed_dir, row, expected):
    good = ["gp1", "E1", "P1", "injury", "2021-05-01", '{"injury_type": "bruise"}', "seen"]
    write_csv(feed_dir / "events.csv", EVENTS_HEADER, [good, row])
    counts = run([feed_dir], db_alias)
    assert counts["quarantined"] == 1 and counts["accepted"] == 3
    [reason] = reasons(db_alias)
    assert expected in reason
    event = Event.objects.using(db_alias).get()
    assert event.details == {"injury_type": "bruise"} and event.person.record_key == "P1"


def test_event_before_birth_loads_with_a_warning(db_alias, feed_dir):
    write_csv(feed_dir / "events.csv", EVENTS_HEADER, [
        ["gp1", "E1", "P1", "gp_appointment", "2019-01-01", "", ""],   # before 2020-03-04
        ["gp1", "E2", "P1", "antenatal_booking", "2019-09-01", "", ""],  # pre-birth work: fine
    ])
    counts = run([feed_dir], db_alias)
    assert counts["accepted"] == 4 and counts["quarantined"] == 0
    [warning] = ImportWarning.objects.using(db_alias).all()
    assert warning.record_key == "E1" and "before the person's birth_date" in warning.message


def test_changed_row_updates_and_keeps_the_previous_version(db_alias, feed_dir, tmp_path):
    run([feed_dir], db_alias)
    write_csv(feed_dir / "people.csv", PEOPLE_HEADER, [
        ["gp1", "P1", "Amy", "Smith-Jones", "2020-03-04", "9434765919", "SW1A 1AA", "F"],
        ["gp1", "P2", "Ben", "Jones", "2015-07-09", "", "M1 1AE", "M"],
    ])
    counts = run([feed_dir], db_alias)
    assert (counts["accepted"], counts["unchanged"]) == (1, 1)
    amy = PersonRecord.objects.using(db_alias).get(record_key="P1")
    assert amy.family_name == "Smith-Jones"
    old = RecordVersion.objects.using(db_alias).get()
    assert old.kind == "people" and old.data["family_name"] == "Smith"
    assert old.superseded_by_id == amy.batch_id != amy.first_batch_id


def test_quarantined_row_loads_when_re_sent_fixed(db_alias, feed_dir):
    write_csv(feed_dir / "events.csv", EVENTS_HEADER,
              [["gp1", "E1", "P3", "gp_appointment", "2021-01-01", "", ""]])
    run([feed_dir], db_alias)
    assert reasons(db_alias) and Event.objects.using(db_alias).count() == 0
    # the source sends the missing person, then the event again
    write_csv(feed_dir / "people.csv", PEOPLE_HEADER,
              [["gp1", "P3", "Cara", "Lee", "2016-01-01", "", "", "F"]])
    counts = run([feed_dir], db_alias)
    assert counts["accepted"] == 2 and counts["quarantined"] == 0 and counts["resolved"] == 1
    assert reasons(db_alias) == []
    assert QuarantinedRow.objects.using(db_alias).get().status == "resolved"


def test_re_sending_a_bad_row_counts_it_again_without_copying_it(db_alias, feed_dir):
    write_csv(feed_dir / "events.csv", EVENTS_HEADER,
              [["gp1", "E1", "P1", "nonsense", "2021-01-01", "", ""]])
    run([feed_dir], db_alias)
    again = run([feed_dir], db_alias)
    assert again["quarantined"] == 1
    q = QuarantinedRow.objects.using(db_alias).get()
    assert q.times_seen == 2


def test_duplicate_ids_in_a_file(db_alias, tmp_path):
    write_csv(tmp_path / "people.csv", PEOPLE_HEADER, [
        ["gp1", "P1", "Amy", "Smith", "2020-03-04", "", "", "F"],
        ["gp1", "P1", "Amy", "Smith", "2020-03-04", "", "", "F"],   # exact repeat
        ["gp1", "P2", "Ben", "Jones", "2015-07-09", "", "", "M"],
        ["gp1", "P2", "Bill", "Jones", "2015-07-09", "", "", "M"],  # conflicting version
    ])
    counts = run([tmp_path / "people.csv"], db_alias)
    assert (counts["read"], counts["accepted"], counts["quarantined"]) == (4, 1, 3)
    assert list(PersonRecord.objects.using(db_alias).values_list("record_key", flat=True)) == ["P1"]
    got = reasons(db_alias)
    assert "repeats the row at line 2 exactly" in got[0]
    assert all("different content (first at line 4)" in r for r in got[1:])


def test_a_one_megabyte_field_is_quarantined_and_the_rest_loads(db_alias, feed_dir):
    write_csv(feed_dir / "events.csv", EVENTS_HEADER, [
        ["gp1", "E1", "P1", "gp_appointment", "2021-01-01", "", "x" * 1_048_576],
        ["gp1", "E2", "P1", "gp_appointment", "2021-02-01", "", "routine"],
    ])
    counts = run([feed_dir], db_alias)
    assert counts["quarantined"] == 1 and counts["accepted"] == 3
    assert "summary is longer than" in reasons(db_alias)[0]
    assert len(QuarantinedRow.objects.using(db_alias).get().raw) > 1_048_576


def test_truncated_last_line_is_quarantined(db_alias, feed_dir):
    path = feed_dir / "events.csv"
    write_csv(path, EVENTS_HEADER, [["gp1", "E1", "P1", "gp_appointment", "2021-01-01", "", "ok"]])
    with path.open("a", encoding="utf-8") as f:
        f.write("gp1,E2,P1,gp_appo")  # the transfer stopped mid-row, no newline
    counts = run([feed_dir], db_alias)
    assert counts["quarantined"] == 1 and counts["accepted"] == 3
    assert "truncated or broken line" in reasons(db_alias)[0]


def test_unterminated_quote_is_quarantined(db_alias, feed_dir):
    path = feed_dir / "events.csv"
    write_csv(path, EVENTS_HEADER, [["gp1", "E1", "P1", "gp_appointment", "2021-01-01", "", "ok"]])
    with path.open("a", encoding="utf-8") as f:
        f.write('gp1,E2,P1,gp_appointment,2021-01-02,,"half a summ')
    counts = run([feed_dir], db_alias)
    assert counts["read"] == counts["accepted"] + counts["quarantined"] + counts["unchanged"]
    assert counts["quarantined"] == 1


def test_formula_text_is_stored_exactly_as_sent(db_alias, feed_dir):
    formula = '=HYPERLINK("http://example.invalid","click")'
    write_csv(feed_dir / "events.csv", EVENTS_HEADER,
              [["gp1", "E1", "P1", "gp_appointment", "2021-01-01", "", formula]])
    run([feed_dir], db_alias)
    assert Event.objects.using(db_alias).get().summary == formula


def test_relationships_and_involvements_load_against_their_people(db_alias, feed_dir):
    write_csv(feed_dir / "relationships.csv",
              ["source_system", "person_source_id", "related_source_id", "relationship"],
              [["gp1", "P1", "P2", "sibling"], ["gp1", "P1", "P1", "sibling"],
               ["gp1", "P1", "P2", "uncle"]])
    write_csv(feed_dir / "involvements.csv",
              ["source_system", "person_source_id", "agency", "role", "started_on", "ended_on"],
              [["gp1", "P1", "Meadow GP", "registered GP", "2020-03-10", ""],
               ["gp1", "P2", "Meadow GP", "registered GP", "2020-03-10", "2019-01-01"]])
    counts = run([feed_dir], db_alias)
    assert counts["accepted"] == 4 and counts["quarantined"] == 3
    rel = Relationship.objects.using(db_alias).get()
    assert (rel.person.record_key, rel.related.record_key) == ("P1", "P2")
    got = " | ".join(reasons(db_alias))
    assert "themselves" in got and "relationship is not one of" in got and "ended_on is before" in got


def test_counts_always_reconcile(db_alias, feed_dir):
    write_csv(feed_dir / "events.csv", EVENTS_HEADER, [
        ["gp1", f"E{i}", "P1" if i % 3 else "P404", "gp_appointment", "2021-01-01", "", ""]
        for i in range(50)
    ])
    for _ in range(2):
        c = run([feed_dir], db_alias)
        assert c["read"] == c["accepted"] + c["quarantined"] + c["unchanged"] == 52


def test_an_agency_named_in_another_case_is_the_same_agency(db_alias, tmp_path):
    import json

    for code, agency in (("gp1", "Leeds Health"), ("gp2", "leeds health")):
        folder = tmp_path / code
        folder.mkdir()
        (folder / "source.json").write_text(json.dumps(
            {"source_system": code, "name": code.upper(), "agency": agency, "agency_type": "health"}))
        write_csv(folder / "people.csv", PEOPLE_HEADER,
                  [[code, "P1", "Ann", "Lee", "2015-01-01", "", "", "F"]])
    result = run([tmp_path / "gp1", tmp_path / "gp2"], db_alias)
    assert result["quarantined"] == 0 and result["accepted"] == 2
    assert list(Agency.objects.using(db_alias).values_list("name", flat=True)) == ["Leeds Health"]
    systems = SourceSystem.objects.using(db_alias)
    assert set(systems.values_list("agency__name", flat=True)) == {"Leeds Health"}


def test_a_feed_using_a_renamed_agencys_former_name_means_that_agency(db_alias, tmp_path):
    import json

    Agency.objects.using(db_alias).create(name="Leeds Community Health", agency_type="health",
                                          former_names=["Leeds Health"])
    folder = tmp_path / "gp3"
    folder.mkdir()
    (folder / "source.json").write_text(json.dumps(
        {"source_system": "gp3", "name": "GP3", "agency": "LEEDS HEALTH", "agency_type": "health"}))
    write_csv(folder / "people.csv", PEOPLE_HEADER, [["gp3", "P1", "Ann", "Lee", "2015-01-01", "", "", "F"]])
    assert run([folder], db_alias)["accepted"] == 1
    assert list(Agency.objects.using(db_alias).values_list("name", flat=True)) == ["Leeds Community Health"]
    assert SourceSystem.objects.using(db_alias).get(code="gp3").agency.name == "Leeds Community Health"


def _source_folder(root: Path, code: str, **contact: object) -> Path:
    import json

    folder = root / code
    folder.mkdir()
    (folder / "source.json").write_text(json.dumps(
        {"source_system": code, "name": code.upper(), "agency": "Leeds Health",
         "agency_type": "health", **contact}))
    write_csv(folder / "people.csv", PEOPLE_HEADER, [[code, "P1", "Ann", "Lee", "2015-01-01", "", "", "F"]])
    return folder


def test_source_json_gives_an_agency_without_one_its_safeguarding_contact(db_alias, tmp_path):
    folder = _source_folder(tmp_path, "gp1", safeguarding_team="Safeguarding  team",
                            safeguarding_phone="0113  496 0000", safeguarding_email="duty@example.org")
    assert run([folder], db_alias)["accepted"] == 1
    agency = Agency.objects.using(db_alias).get(name="Leeds Health")
    assert (agency.safeguarding_team, agency.safeguarding_phone, agency.safeguarding_email) == (
        "Safeguarding team", "0113 496 0000", "duty@example.org")
    second = _source_folder(tmp_path, "gp2", safeguarding_phone="0113 496 0999")
    assert run([second], db_alias)["accepted"] == 1  # the same agency, named by another system
    assert Agency.objects.using(db_alias).get(name="Leeds Health").safeguarding_phone == "0113 496 0000"


@pytest.mark.parametrize("email", ["hub@example.org", ""])
def test_source_json_never_changes_an_agency_that_already_exists(db_alias, tmp_path, email):
    """Made by an administrator (or another feed), with a contact or without: a feed naming it
    as its agency does not edit it, so it cannot redirect whom another agency is told to call."""
    Agency.objects.using(db_alias).create(name="Leeds Health", agency_type="health",
                                          safeguarding_email=email)
    result = import_paths([_source_folder(tmp_path, "gp1", safeguarding_phone="0113 496 0000")],
                          using=db_alias)
    agency = Agency.objects.using(db_alias).get(name="Leeds Health")
    assert (agency.safeguarding_phone, agency.safeguarding_email) == ("", email)
    assert [f.agency_contact for f in result.files] == [None]


def test_source_json_contact_that_is_not_a_number_or_an_address_is_left_out(db_alias, tmp_path):
    folder = _source_folder(tmp_path, "gp1", safeguarding_phone="call the office",
                            safeguarding_email="not an address")
    assert run([folder], db_alias)["accepted"] == 1
    agency = Agency.objects.using(db_alias).get(name="Leeds Health")
    assert (agency.safeguarding_phone, agency.safeguarding_email) == ("", "")


def test_a_source_json_that_is_not_an_object_names_nothing_and_loads_the_rows(db_alias, tmp_path):
    folder = tmp_path / "gp1"
    folder.mkdir()
    (folder / "source.json").write_text('["gp1", "Leeds Health"]')
    write_csv(folder / "people.csv", PEOPLE_HEADER, [["gp1", "P1", "Ann", "Lee", "2015-01-01", "", "", "F"]])
    assert run([folder], db_alias)["accepted"] == 1
    assert SourceSystem.objects.using(db_alias).get(code="gp1").agency is None


@pytest.mark.parametrize("look_alike", [
    "Leeds Health ", "Leeds\u00a0Health", "Leeds  Health", "LEEDS HEALTH",
])
def test_a_look_alike_agency_name_is_the_agency_itself_and_gives_no_contact(db_alias, tmp_path,
                                                                            look_alike):
    """Spacing, a non-breaking space or case do not make a new agency beside the real one (whose
    contact a look-alike would otherwise give out)."""
    import json

    Agency.objects.using(db_alias).create(name="Leeds Health", agency_type="health")
    folder = _source_folder(tmp_path, "gp9", safeguarding_phone="01632 960999")
    (folder / "source.json").write_text(json.dumps(
        {"source_system": "gp9", "name": "GP9", "agency": look_alike, "agency_type": "health",
         "safeguarding_phone": "01632 960999"}))
    result = import_paths([folder], using=db_alias)
    assert [f.agency_contact for f in result.files] == [None]
    assert list(Agency.objects.using(db_alias).values_list("name", "safeguarding_phone")) == [
        ("Leeds Health", "")]


def test_a_curly_apostrophe_names_the_same_agency(db_alias, tmp_path):
    import json

    Agency.objects.using(db_alias).create(name="St Mary's Hospital", agency_type="health")
    folder = _source_folder(tmp_path, "sm1")
    (folder / "source.json").write_text(json.dumps(
        {"source_system": "sm1", "name": "SM1", "agency": "St Mary\u2019s Hospital",
         "safeguarding_phone": "01632 960998"}))
    run([folder], db_alias)
    assert Agency.objects.using(db_alias).count() == 1
    assert SourceSystem.objects.using(db_alias).get(code="sm1").agency.name == "St Mary's Hospital"


@pytest.mark.parametrize("text", [
    "[" * 100_000 + "]" * 100_000,  # nested past Python's recursion limit
    '{"source_system": "gp1", "agency": "' + "L" * 101 + '"}',  # no agency is named so long
])
def test_a_source_json_the_importer_cannot_use_names_nothing_and_the_rows_load(db_alias, tmp_path, text):
    folder = tmp_path / "gp1"
    folder.mkdir()
    (folder / "source.json").write_text(text)
    write_csv(folder / "people.csv", PEOPLE_HEADER, [["gp1", "P1", "Ann", "Lee", "2015-01-01", "", "", "F"]])
    assert run([folder], db_alias)["accepted"] == 1
    assert SourceSystem.objects.using(db_alias).get(code="gp1").agency is None
    assert not Agency.objects.using(db_alias).exists()


def test_a_source_json_with_a_byte_order_mark_is_read(db_alias, tmp_path):
    folder = _source_folder(tmp_path, "gp1")
    folder.joinpath("source.json").write_text(folder.joinpath("source.json").read_text(),
                                              encoding="utf-8-sig")
    run([folder], db_alias)
    assert SourceSystem.objects.using(db_alias).get(code="gp1").agency.name == "Leeds Health"


def test_contact_values_that_are_not_text_are_left_out(db_alias, tmp_path):
    folder = _source_folder(tmp_path, "gp1", safeguarding_team={"x": 1}, safeguarding_phone=12345678901,
                            safeguarding_email="duty@example.org")
    run([folder], db_alias)
    agency = Agency.objects.using(db_alias).get(name="Leeds Health")
    assert (agency.safeguarding_team, agency.safeguarding_phone, agency.safeguarding_email) == (
        "", "", "duty@example.org")
