"""The machinery behind the import's speed keeps every guarantee.

Staging tables are reused by every file of a run, parsing may happen in a worker process and
rows reach PostgreSQL as COPY text: none of it may leak rows between files, change a count or
alter a stored value.
"""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest
from django.db import connections

from jigsaw.records.importer import apply, import_paths, pipeline, prepare
from jigsaw.records.importer.prepare import End
from jigsaw.records.importer.staging import QUARANTINE_TABLE, RAW_TABLE, copy_text, stage_name
from jigsaw.records.models import Event, ImportBatch, PersonRecord, QuarantinedRow, RecordVersion
from tests.conftest import BOTH, EVENTS_HEADER, PEOPLE_HEADER, write_csv

pytestmark = pytest.mark.django_db(databases=BOTH)


@pytest.fixture(params=["in-process", "worker"])
def parsing(request, monkeypatch) -> str:
    """Run the test with parsing in-process and again in the worker process."""
    if request.param == "worker":
        monkeypatch.setattr(pipeline, "BACKGROUND_MIN_BYTES", 0)
    return request.param


def people(folder: Path, source: str, ids: list[str]) -> Path:
    return write_csv(folder / "people.csv", PEOPLE_HEADER,
                     [[source, i, "Amy", "Smith", "2020-03-04", "", "", "F"] for i in ids])


def test_a_refused_file_leaves_nothing_staged_for_the_next(db_alias, tmp_path, parsing):
    bad = people(tmp_path / "a", "gp1", [f"A{i}" for i in range(6000)])
    with bad.open("ab") as f:
        f.write(b"gp1,AX,Zo\xe9,Smith,2020-03-04,,,F\n")  # not UTF-8, after a staged batch
    good = people(tmp_path / "b", "gp2", ["B1", "B2", "B3"])
    report = import_paths([bad, good], using=db_alias)
    assert [f.status for f in report.files] == ["refused", "loaded"]
    loaded = report.files[1]
    assert (loaded.rows_read, loaded.accepted, loaded.quarantined) == (3, 3, 0)
    assert sorted(PersonRecord.objects.using(db_alias).values_list("record_key", flat=True)) == [
        "B1", "B2", "B3"]
    assert QuarantinedRow.objects.using(db_alias).count() == 0


def test_files_of_one_kind_in_one_run_count_only_their_own_rows(db_alias, tmp_path, parsing):
    first = people(tmp_path / "gp", "gp1", ["P1", "P2", "P2"])  # one exact repeat
    second = people(tmp_path / "hv", "hv1", ["P1", "P3", "P4", "P5"])
    third = people(tmp_path / "gp-again", "gp1", ["P1", "P6"])
    report = import_paths([first, second, third], using=db_alias)
    got = [(f.rows_read, f.accepted, f.quarantined, f.unchanged) for f in report.files]
    assert got == [(3, 2, 1, 0), (4, 4, 0, 0), (2, 1, 0, 1)]
    assert PersonRecord.objects.using(db_alias).count() == 7


def test_new_changed_and_unchanged_rows_in_one_file(db_alias, tmp_path, parsing):
    path = people(tmp_path, "gp1", ["P1", "P2"])
    import_paths([path], using=db_alias)
    write_csv(path, PEOPLE_HEADER, [
        ["gp1", "P1", "Amy", "Smith", "2020-03-04", "", "", "F"],   # unchanged
        ["gp1", "P2", "Amy", "Jones", "2020-03-04", "", "", "F"],   # changed
        ["gp1", "P3", "Cal", "Smith", "2021-03-04", "", "", "M"],   # new
    ])
    [result] = import_paths([path], using=db_alias).files
    assert (result.accepted, result.unchanged, result.quarantined) == (2, 1, 0)
    assert RecordVersion.objects.using(db_alias).get().record_key == "P2"
    assert PersonRecord.objects.using(db_alias).get(record_key="P2").family_name == "Jones"
    assert PersonRecord.objects.using(db_alias).count() == 3


def test_awkward_text_is_stored_exactly(db_alias, feed_dir, parsing):
    summaries = ["tab\there", "two\nlines", "back\\slash", "\\N", "carriage\r\nreturn", "",
                 "naïve café ✓"]
    write_csv(feed_dir / "events.csv", EVENTS_HEADER, [
        ["gp1", f"E{n}", "P1", "gp_appointment", "2021-01-01", "", text]
        for n, text in enumerate(summaries)
    ])
    import_paths([feed_dir], using=db_alias)
    stored = dict(Event.objects.using(db_alias).values_list("event_id", "summary"))
    assert stored == {f"E{n}": text for n, text in enumerate(summaries)}
    assert Event.objects.using(db_alias).get(event_id="E0").recorded_at is None  # NULL stays NULL


def test_the_worker_gives_the_same_outcomes(db_alias, feed_dir, monkeypatch):
    write_csv(feed_dir / "events.csv", EVENTS_HEADER, [
        ["gp1", "E1", "P1", "injury", "2021-05-01", '{"injury_type": "bruise"}', "seen"],
        ["gp1", "E2", "P9", "gp_appointment", "2021-01-01", "", ""],  # names no known person
        ["gp1", "E3", "P1", "flying_visit", "2021-01-01", "", ""],  # unknown type
        ["gp1", "E1", "P1", "injury", "2021-05-01", '{"injury_type": "bruise"}', "seen"],
        ["gp1", "E4", "P1", "gp_appointment", "2019-01-01", "", ""],  # before birth: warning
    ])
    monkeypatch.setattr(pipeline, "BACKGROUND_MIN_BYTES", 0)
    counts = import_paths([feed_dir], using=db_alias).as_dict()
    assert {k: counts[k] for k in ("read", "accepted", "quarantined", "warnings")} == {
        "read": 7, "accepted": 4, "quarantined": 3, "warnings": 1}
    reasons = list(QuarantinedRow.objects.using(db_alias).order_by("line")
                   .values_list("line", "reason"))
    assert [line for line, _ in reasons] == [3, 4, 5]
    assert "has not sent" in reasons[0][1] and "vocabulary" in reasons[1][1]
    assert "repeats the row at line 2" in reasons[2][1]
    assert QuarantinedRow.objects.using(db_alias).get(line=3).raw.startswith("gp1,E2,P9")
    assert multiprocessing.active_children() == []  # the worker is gone


def test_a_failure_in_the_worker_stops_the_run_after_the_files_before_it(
        db_alias, tmp_path, monkeypatch):
    first = people(tmp_path / "gp", "gp1", ["P1"])
    second = people(tmp_path / "hv", "hv1", ["P2"])
    real = pipeline.prepare

    def prepare(path, for_copy=False):
        if path == second:
            raise ValueError("a bug while parsing")
        return real(path, for_copy)

    monkeypatch.setattr(pipeline, "prepare", prepare)
    monkeypatch.setattr(pipeline, "BACKGROUND_MIN_BYTES", 0)
    with pytest.raises(RuntimeError, match="a bug while parsing"):
        import_paths([first, second], using=db_alias)
    assert list(PersonRecord.objects.using(db_alias).values_list("record_key", flat=True)) == ["P1"]
    assert multiprocessing.active_children() == []


def test_copy_text_escapes_only_what_it_must():
    assert copy_text([(1, 0, "a", None, "b")]) == b"1\t0\ta\t\\N\tb\n"
    assert copy_text([(2, 1, "t\tn\nr\rb\\", "\\N", "")]) == b"2\t1\tt\\tn\\nr\\rb\\\\\t\\\\N\t\n"
    assert copy_text([]) == b""


def _temp_tables_left(alias: str) -> list[str]:
    names = [stage_name("people"), stage_name("events"), QUARANTINE_TABLE, RAW_TABLE]
    with connections[alias].cursor() as cur:
        if connections[alias].vendor == "postgresql":
            cur.execute("SELECT relname FROM pg_class WHERE relpersistence = 't' "
                        "AND relname = ANY(%s)", [names])
        else:
            cur.execute("SELECT name FROM sqlite_temp_master WHERE type = 'table'")
        return [name for (name,) in cur.fetchall() if name in names]


@pytest.mark.django_db(databases=BOTH, transaction=True)
def test_real_commits_and_a_rolled_back_file_between_them(db_alias, tmp_path, monkeypatch):
    """With real commits (not the test's enclosing transaction) across several runs."""
    first = people(tmp_path / "gp", "gp1", ["P1", "P2"])
    events = write_csv(tmp_path / "gp" / "events.csv", EVENTS_HEADER,
                       [["gp1", "E1", "P1", "gp_appointment", "2021-01-01", "", ""]])
    second = people(tmp_path / "hv", "hv1", ["Q1"])
    real = apply.insert_new

    def fail_for_events(cur, spec, *args, **kwargs):
        if spec.kind == "events":
            raise RuntimeError("simulated failure while storing events")
        return real(cur, spec, *args, **kwargs)

    monkeypatch.setattr(apply, "insert_new", fail_for_events)
    with pytest.raises(RuntimeError, match="simulated failure"):
        import_paths([first, events, second], using=db_alias)
    assert _temp_tables_left(db_alias) == []
    assert PersonRecord.objects.using(db_alias).count() == 2
    assert Event.objects.using(db_alias).count() == 0
    assert not ImportBatch.objects.using(db_alias).filter(file_name=str(events)).exists()

    monkeypatch.setattr(apply, "insert_new", real)
    report = import_paths([first, events, second], using=db_alias)
    got = [(f.rows_read, f.accepted, f.unchanged) for f in report.files]
    assert got == [(2, 0, 2), (1, 1, 0), (1, 1, 0)]
    assert _temp_tables_left(db_alias) == []
    seconds = ImportBatch.objects.using(db_alias).filter(file_name=str(events))
    assert seconds.get().seconds > 0  # durations are recorded after the run


@pytest.mark.parametrize("lookup_rows", [0, 10**9], ids=["joined", "looked-up"])
def test_a_small_file_is_surveyed_by_key_lookups_with_the_same_outcomes(
        db_alias, tmp_path, monkeypatch, lookup_rows):
    """Up to apply.LOOKUP_ROWS staged rows PostgreSQL's survey looks rows up by key instead of
    joining the stage to the source's stored rows: every outcome must be the same either way
    (both forms are run on both databases here)."""
    monkeypatch.setattr(apply, "survey_by_lookups", lambda _vendor, staged: staged <= lookup_rows)
    folder = tmp_path / "gp"
    people(folder, "gp1", ["P1", "P2"])
    rows = [["gp1", f"E{n}", "P1", "gp_appointment", "2024-05-0" + str(n), "{}", f"visit {n}"]
            for n in range(1, 5)]
    write_csv(folder / "events.csv", EVENTS_HEADER, rows)
    first = import_paths([folder], using=db_alias)
    assert [(f.accepted, f.quarantined) for f in first.files] == [(2, 0), (4, 0)]
    rows[1][6] = "visit two, corrected"  # changed
    rows.append(["gp1", "E5", "P2", "gp_appointment", "2024-06-01", "{}", "new"])  # new
    rows.append(["gp1", "E6", "NOBODY", "gp_appointment", "2024-06-02", "{}", "dangling"])
    rows.append(list(rows[0]))  # an exact repeat of an unchanged row
    events = write_csv(tmp_path / "again" / "events.csv", EVENTS_HEADER, rows)
    [again] = import_paths([events], using=db_alias).files
    assert (again.rows_read, again.accepted, again.unchanged, again.quarantined) == (7, 2, 3, 2)
    stored = Event.objects.using(db_alias).filter(source_system__code="gp1")
    assert sorted(stored.values_list("record_key", "summary")) == [
        ("E1", "visit 1"), ("E2", "visit two, corrected"), ("E3", "visit 3"), ("E4", "visit 4"),
        ("E5", "new")]
    assert RecordVersion.objects.using(db_alias).count() == 1
    reasons = sorted(QuarantinedRow.objects.using(db_alias).values_list("reason", flat=True))
    assert reasons == ["person_source_id names a person this source system has not sent; send "
                       "the person first", "repeats the row at line 2 exactly; loaded once"]


def test_only_postgresql_surveys_small_files_by_lookups():
    assert apply.survey_by_lookups("postgresql", 10)
    assert not apply.survey_by_lookups("postgresql", apply.LOOKUP_ROWS + 1)
    assert not apply.survey_by_lookups("sqlite", 10)  # its joined form looks rows up already


def test_two_passes_over_one_big_file_go_to_different_workers(tmp_path, monkeypatch):
    """A DfE census is read twice (children, then episodes): side by side, not one after the
    other; a worker's files stay in file order."""
    big, small = tmp_path / "census.xml", tmp_path / "header.csv"
    big.write_bytes(b"x" * 1000)
    small.write_bytes(b"y" * 10)
    monkeypatch.setattr(pipeline, "WORKERS", 2)
    units = [big, small, big, small, small]
    shares = pipeline._share_out(units, pipeline._worker_count(units))
    assert sorted(i for share in shares for i in share) == [0, 1, 2, 3, 4]
    assert all(share == sorted(share) for share in shares)
    assert [0 in share and 2 in share for share in shares] == [False, False]


def test_a_big_file_late_in_the_run_gets_a_worker_of_its_own(tmp_path, monkeypatch):
    """A census's episodes load after the other returns' parts: shared out in file order, the
    worker parsing them would first parse every small part before it."""
    big, small = tmp_path / "census.xml", tmp_path / "episodes.csv"
    big.write_bytes(b"x" * 1000)
    small.write_bytes(b"y" * 10)
    monkeypatch.setattr(pipeline, "WORKERS", 2)
    units = [big, small, small, small, small, big]
    shares = pipeline._share_out(units, pipeline._worker_count(units))
    assert sorted(i for share in shares for i in share) == [0, 1, 2, 3, 4, 5]
    assert all(share == sorted(share) for share in shares)
    assert [0 in share and 5 in share for share in shares] == [False, False]
    assert [sum(1 <= i <= 4 for i in share) for share in shares] == [2, 2]  # small ones spread


def test_the_parse_says_when_no_key_repeats(tmp_path, monkeypatch):
    """The importer skips the SQL duplicate check only when the parse saw every key once."""
    unique = people(tmp_path / "a", "src", ["P1", "P2", "P3"])
    repeated = people(tmp_path / "b", "src", ["P1", "P2", "P1"])
    assert _end(unique).keys_unique and not _end(repeated).keys_unique
    monkeypatch.setattr(prepare, "KEYS_TRACKED", 2)  # more keys than it keeps: SQL checks
    assert not _end(unique).keys_unique


def _end(path: Path) -> End:
    *_, end = prepare.prepare(path)
    return end


def test_two_workers_give_the_same_outcomes_as_one(db_alias, tmp_path, monkeypatch):
    files = [people(tmp_path / f"s{n}", f"src{n}", [f"P{i}" for i in range(n * 7000)])
             for n in (1, 2, 3)]
    monkeypatch.setattr(pipeline, "BACKGROUND_MIN_BYTES", 0)
    got = {}
    for workers in (1, 2):
        monkeypatch.setattr(pipeline, "WORKERS", workers)
        PersonRecord.objects.using(db_alias).all().delete()
        got[workers] = [(f.rows_read, f.accepted) for f in
                        import_paths(files, using=db_alias).files]
    assert got[1] == got[2] == [(7000, 7000), (14000, 14000), (21000, 21000)]
    assert multiprocessing.active_children() == []


def test_feed_rows_keep_the_database_constraint_to_their_person_only_on_sqlite(db_alias):
    """The source system reference is the importer's own (no per-row trigger on PostgreSQL).
    The person reference keeps its constraint on SQLite; on PostgreSQL a check on deleting a
    person holds it instead (records migration 0008; tests/records/test_person_guard.py), so a
    person cannot be purged from under their rows on either."""
    with connections[db_alias].cursor() as cur:
        found = connections[db_alias].introspection.get_constraints(cur, "records_event")
    referenced = {c["columns"][0] for c in found.values() if c["foreign_key"]}
    assert "source_system_id" not in referenced
    assert ("person_id" in referenced) == (connections[db_alias].vendor == "sqlite")
