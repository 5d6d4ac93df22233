"""Files that cannot be read as a whole are refused with one line, and nothing is loaded."""

from __future__ import annotations

from pathlib import Path

import pytest

from jigsaw.records.importer import import_paths
from jigsaw.records.models import Event, ImportBatch, PersonRecord
from tests.conftest import BOTH, EVENTS_HEADER, PEOPLE_HEADER, write_csv, write_jsonl

pytestmark = pytest.mark.django_db(databases=BOTH)


def refused(path: Path, alias: str) -> str:
    report = import_paths([path], using=alias)
    [result] = report.files
    assert result.status == "refused"
    assert "\n" not in result.reason
    assert ImportBatch.objects.using(alias).get(pk=result.batch_id).status == "refused"
    return result.reason


def test_not_utf8_is_refused_even_after_good_rows(db_alias, tmp_path):
    path = tmp_path / "people.csv"
    rows = [["gp1", f"P{i}", "Amy", "Smith", "2020-03-04", "", "", "F"] for i in range(6000)]
    write_csv(path, PEOPLE_HEADER, rows)
    with path.open("ab") as f:
        f.write(b"gp1,PX,Zo\xe9,Smith,2020-03-04,,,F\n")  # Latin-1, after a flushed batch
    reason = refused(path, db_alias)
    assert "not UTF-8" in reason and "re-export" in reason
    assert PersonRecord.objects.using(db_alias).count() == 0


@pytest.mark.parametrize(("header", "expected"), [
    (["source_system", "source_id", "given_name", "family_name"], "missing required column(s) birth_date"),
    ([*PEOPLE_HEADER, "nhs_numbr"], "unknown column(s) 'nhs_numbr' (did you mean 'nhs_number'?)"),
    ([*PEOPLE_HEADER, "sex"], "repeated column(s) sex"),
])
def test_bad_columns_are_refused(db_alias, tmp_path, header, expected):
    path = write_csv(tmp_path / "people.csv", header, [["x"] * len(header)])
    assert expected in refused(path, db_alias)


def test_empty_file_is_refused(db_alias, tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(b"")
    assert "is empty" in refused(path, db_alias)


def test_header_only_loads_nothing_and_is_not_an_error(db_alias, tmp_path):
    path = write_csv(tmp_path / "people.csv", PEOPLE_HEADER, [])
    [result] = import_paths([path], using=db_alias).files
    assert result.status == "loaded" and result.rows_read == 0


def test_unknown_file_name_is_refused(db_alias, tmp_path):
    path = tmp_path / "persons.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    assert "not a feed file" in refused(path, db_alias)


def test_jsonl_feeds_load_like_csv(db_alias, tmp_path):
    write_jsonl(tmp_path / "people.jsonl", [
        {"source_system": "gp1", "source_id": "P1", "given_name": "Amy", "family_name": "Smith",
         "birth_date": "2020-03-04", "is_child": True},
        {"source_system": "gp1", "source_id": "P2", "given_name": "Ben"},  # missing fields
    ])
    write_jsonl(tmp_path / "events.jsonl", [
        {"source_system": "gp1", "event_id": "E1", "person_source_id": "P1",
         "event_type": "injury", "occurred_at": "2021-01-01",
         "details": {"injury_type": "burn", "mobility": "mobile"}},
    ])
    (tmp_path / "events.jsonl").open("a").write("not json\n")
    report = import_paths([tmp_path / "people.jsonl", tmp_path / "events.jsonl"], using=db_alias)
    counts = report.as_dict()
    assert (counts["accepted"], counts["quarantined"]) == (2, 2)
    assert PersonRecord.objects.using(db_alias).get().is_child is True
    assert Event.objects.using(db_alias).get().details["injury_type"] == "burn"


def test_folder_of_source_folders_skips_truth(db_alias, tmp_path, feed_dir):
    write_csv(tmp_path / "truth" / "people.csv", ["source_system", "source_id", "true_person_id"],
              [["gp1", "P1", "T1"]])
    write_csv(feed_dir / "events.csv", EVENTS_HEADER,
              [["gp1", "E1", "P1", "gp_appointment", "2021-01-01", "", ""]])
    report = import_paths([tmp_path], using=db_alias)
    assert [Path(f.file).name for f in report.files] == ["people.csv", "events.csv"]
