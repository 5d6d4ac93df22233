"""DfE returns imported as records of a named source system, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from jigsaw.records.importer import import_paths
from jigsaw.records.importer.returns import plan_returns
from jigsaw.records.models import Event, ImportWarning, PersonRecord, QuarantinedRow
from tests.conftest import BOTH, PEOPLE_HEADER, write_csv
from tests.feeds.returns_corpus import write_returns

pytestmark = pytest.mark.django_db(databases=BOTH)


@pytest.fixture
def council(tmp_path) -> Path:
    """The council's own case system feed: one named child, OWN-1."""
    folder = tmp_path / "csc"
    write_csv(folder / "people.csv", PEOPLE_HEADER,
              [["csc", "OWN-1", "Ava", "Hughes", "2015-04-17", "", "", "F"]])
    return folder


def load(paths, alias, source="csc") -> dict:
    return import_paths(list(paths), using=alias, source=source).as_dict()


def test_returns_load_as_records_of_the_source(db_alias, council, tmp_path):
    files = write_returns(tmp_path / "returns")
    counts = load([council, *files], db_alias)
    assert not counts["refused"]
    parts = {f["part"]: f for f in counts["files"] if f["part"]}
    assert parts["CIN census: children"]["accepted"] == 1  # LA-2; OWN-1 is the council's own
    assert parts["SSDA903 header: children"]["accepted"] == 1  # LA-3 (LA-2 unchanged)
    assert parts["SSDA903 header: children"]["unchanged"] == 1
    records = PersonRecord.objects.using(db_alias).filter(source_system__code="csc")
    assert sorted(records.values_list("record_key", flat=True)) == ["LA-2", "LA-3", "OWN-1"]
    la2 = records.get(record_key="LA-2")
    assert (la2.given_name, la2.family_name, la2.upn, la2.sex) == ("", "", "W990000019001", "M")
    own = records.get(record_key="OWN-1")
    assert own.given_name == "Ava"  # the return never blanks the source's own names
    own_events = Event.objects.using(db_alias).filter(person=own)
    assert set(own_events.values_list("event_type", flat=True)) == {
        "referral", "assessment_start", "assessment_end", "section47_start", "cp_conference",
        "cp_plan_start", "cp_plan_end", "case_closed"}
    referral = own_events.get(event_type="referral")
    assert "source: 2A school" in referral.summary
    assert referral.details["referral_source"] == "2A"
    assert "disabilities" not in referral.details  # OWN-1's census entry lists none
    la2_referral = Event.objects.using(db_alias).get(person=la2, event_type="referral")
    assert la2_referral.details["disabilities"] == ["MOB"]  # kept until people carry disability
    la3 = set(Event.objects.using(db_alias).filter(person__record_key="LA-3")
              .values_list("event_type", flat=True))
    assert la3 == {"looked_after_start", "placement_change", "care_status_change",
                   "looked_after_end", "missing_episode", "missing_return"}


def test_unknown_codes_warn_bad_dates_quarantine_and_nothing_is_lost(db_alias, council, tmp_path):
    files = write_returns(tmp_path / "returns")
    counts = load([council, *files], db_alias)
    assert counts["read"] == counts["accepted"] + counts["quarantined"] + counts["unchanged"]
    fields = set(ImportWarning.objects.using(db_alias).values_list("field", flat=True))
    assert {"ReferralSource", "LatestCategoryOfAbuse", "LS"} <= fields
    reasons = sorted(QuarantinedRow.objects.using(db_alias).values_list("reason", flat=True))
    assert reasons == ["CINPlanEndDate is not a date (YYYY-MM-DD)", "DECOM is not a dd/mm/yyyy date"]
    bad = QuarantinedRow.objects.using(db_alias).get(reason__startswith="CINPlanEndDate")
    assert bad.file_name.endswith("cin_census.xml") and "2024-13-01" in bad.raw


def test_reimport_changes_nothing_and_a_fixed_row_resolves(db_alias, council, tmp_path):
    files = write_returns(tmp_path / "returns")
    load([council, *files], db_alias)
    again = load(files, db_alias)
    assert again["accepted"] == 0 and again["unchanged"] == again["read"] - again["quarantined"]
    cin = files[0]
    cin.write_text(cin.read_text().replace("2024-13-01", "2024-12-01"))
    fixed = load([cin], db_alias)
    assert fixed["accepted"] == 1 and fixed["resolved"] == 1
    assert QuarantinedRow.objects.using(db_alias).filter(status="open").count() == 1  # DECOM


def test_malformed_xml_is_refused_whole_and_nothing_loads(db_alias, tmp_path):
    files = write_returns(tmp_path / "returns")
    cin = files[0]
    cin.write_text(cin.read_text().replace("</Children>", ""))
    counts = load([cin], db_alias)
    assert {f["status"] for f in counts["files"]} == {"refused"}
    assert all("not well-formed XML" in r["reason"] and "\n" not in r["reason"]
               for r in counts["refused"])
    assert PersonRecord.objects.using(db_alias).count() == 0
    assert Event.objects.using(db_alias).count() == 0


def test_without_source_a_return_is_refused_with_a_hint(db_alias, tmp_path):
    files = write_returns(tmp_path / "returns")
    counts = import_paths([files[1]], using=db_alias).as_dict()
    [refused] = counts["refused"]
    assert "--source" in refused["reason"]


def test_events_of_a_child_never_sent_are_quarantined_until_it_is(db_alias, tmp_path):
    files = write_returns(tmp_path / "returns")
    episodes = files[2]
    first = load([episodes], db_alias)
    assert first["accepted"] == 0 and first["quarantined"] == first["read"]
    reasons = list(QuarantinedRow.objects.using(db_alias).values_list("reason", flat=True))
    assert all("dd/mm/yyyy" in r or r == "CHILD names a child the source system has not sent and "
               "this return did not load; send the child first" for r in reasons)
    assert any(r.startswith("CHILD names") for r in reasons)  # the 903's own word for the id
    after = load([files[1], episodes], db_alias)  # the header introduces LA-3
    assert after["resolved"] >= 3
    assert Event.objects.using(db_alias).filter(person__record_key="LA-3").count() == 4


def test_a_canonical_feed_later_names_a_child_the_return_introduced(db_alias, tmp_path):
    files = write_returns(tmp_path / "returns")
    load([files[1]], db_alias)
    named = tmp_path / "csc"
    write_csv(named / "people.csv", PEOPLE_HEADER,
              [["csc", "LA-3", "Mia", "Khan", "2012-06-05", "", "", "F"]])
    load([named], db_alias)
    assert PersonRecord.objects.using(db_alias).get(record_key="LA-3").given_name == "Mia"
    again = load([files[1]], db_alias)  # the return no longer touches the named record
    assert PersonRecord.objects.using(db_alias).get(record_key="LA-3").given_name == "Mia"
    # both rows are read; LA-3's is held (the source's own record now) and counts unchanged
    assert (again["read"], again["accepted"], again["unchanged"]) == (2, 0, 2)
    [header] = again["files"]
    assert header["rows_read"] == header["unchanged"] + header["accepted"] + header["quarantined"]


def test_with_source_an_unrecognised_file_is_refused_as_a_return(db_alias, tmp_path):
    other = tmp_path / "export.csv"
    other.write_text("a,b\n1,2\n", encoding="utf-8")
    [refused] = load([other], db_alias)["refused"]
    assert "not a CIN census XML or an SSDA903" in refused["reason"]


def test_people_first_then_the_returns_events_with_a_census_episodes_last(db_alias, tmp_path):
    """A census's episodes (the biggest part, slowest to parse) load after the other events
    parts, so those load while it is parsed; each return's own parts keep their file order."""
    files = write_returns(tmp_path / "returns")
    twice = [*files, (tmp_path / "second" / "cin_census.xml")]
    twice[-1].parent.mkdir()
    twice[-1].write_bytes(files[0].read_bytes())
    units, refused = plan_returns(twice, "csc", db_alias)
    assert not refused
    assert [(u.path.parent.name, u.what) for u in units] == [
        ("returns", "CIN census: children"), ("returns", "SSDA903 header: children"),
        ("second", "CIN census: children"),
        ("returns", "SSDA903 episodes: starts"), ("returns", "SSDA903 episodes: leaving care"),
        ("returns", "SSDA903 missing: episodes"), ("returns", "SSDA903 missing: returns"),
        ("returns", "CIN census: episodes of need"), ("second", "CIN census: episodes of need")]


def test_a_part_whose_every_row_is_quarantined_keeps_its_source(db_alias, council, tmp_path):
    """The leaving-care part of an episodes file with one ending, its date not a date: the
    quarantine is the source's, listed under it, though no row of the part loaded."""
    files = write_returns(tmp_path / "returns")
    episodes = tmp_path / "bad" / "episodes.csv"
    episodes.parent.mkdir()
    episodes.write_text("CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC\n"
                        "LA-3,01/06/2024,S,C1,N1,U6,PR1,31/02/2025,E11\n", encoding="utf-8")
    counts = load([council, files[1], episodes], db_alias)
    [ending] = [f for f in counts["files"] if f["part"] == "SSDA903 episodes: leaving care"]
    assert (ending["rows_read"], ending["quarantined"], ending["source_system"]) == (1, 1, "csc")
    [row] = QuarantinedRow.objects.using(db_alias).filter(reason__contains="DEC")
    assert row.source_system.code == "csc"
