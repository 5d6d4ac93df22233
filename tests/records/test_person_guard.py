"""A person record cannot be deleted while feed rows name it, on both databases.

SQLite keeps the foreign keys; on PostgreSQL a trigger on deleting a person record holds the
rule instead, and writers hold the records they name until they commit (records migration
0008, ``records.person_guard``). These tests hold either way to the rule the keys kept.
"""

from __future__ import annotations

import psycopg
import pytest
from django.db import IntegrityError, connections, transaction

from jigsaw.records import person_guard
from jigsaw.records.importer import import_paths, quarantine
from jigsaw.records.models import Event, Involvement, PersonRecord, Relationship
from tests.conftest import BOTH, EVENTS_HEADER, write_csv

pytestmark = pytest.mark.django_db(databases=BOTH, transaction=True)


def _feeds(folder, feed_dir) -> list:
    """gp1's people P1, P2; an event of P1, P1's relationship to P2, an involvement with P1."""
    write_csv(feed_dir / "events.csv", EVENTS_HEADER,
              [["gp1", "E1", "P1", "gp_appointment", "2021-01-01", "", ""]])
    write_csv(feed_dir / "relationships.csv",
              ["source_system", "person_source_id", "related_source_id", "relationship"],
              [["gp1", "P1", "P2", "sibling"]])
    write_csv(feed_dir / "involvements.csv",
              ["source_system", "person_source_id", "agency", "role", "started_on"],
              [["gp1", "P1", "GP surgery", "GP", "2021-01-01"]])
    return [feed_dir]


def _delete(alias: str, key: str) -> None:
    """Delete a person record as purging does: SQL, no ORM collector (which PROTECT would stop)."""
    with transaction.atomic(using=alias), connections[alias].cursor() as cur:
        cur.execute("DELETE FROM records_personrecord WHERE record_key = %s", [key])


@pytest.mark.parametrize("rows", ["events", "relationships", "involvements"])
def test_a_person_record_with_rows_cannot_be_deleted(db_alias, tmp_path, feed_dir, rows):
    report = import_paths(_feeds(tmp_path, feed_dir), using=db_alias)
    assert not report.refused and report.total("accepted") == 5
    kept = {"events": Event, "relationships": Relationship, "involvements": Involvement}
    for name, model in kept.items():  # only the one kind of row is left to name the people
        if name != rows:
            model.objects.using(db_alias).all().delete()
    named = "P2" if rows == "relationships" else "P1"  # the related side counts too
    with pytest.raises(IntegrityError):
        _delete(db_alias, named)
    assert PersonRecord.objects.using(db_alias).filter(record_key=named).exists()
    kept[rows].objects.using(db_alias).all().delete()
    _delete(db_alias, named)  # once its rows are gone, it goes
    assert not PersonRecord.objects.using(db_alias).filter(record_key=named).exists()


def _other_connection(alias: str) -> psycopg.Connection:
    """A second session on the test database, waiting at most 0.2 s for a lock."""
    params = connections[alias].get_connection_params()
    keep = {k: params[k] for k in ("dbname", "user", "password", "host", "port") if params.get(k)}
    conn = psycopg.connect(**keep, autocommit=True)
    conn.execute("SET lock_timeout = '200ms'")
    return conn


def _try_delete(alias: str, record_id: int) -> str:
    with _other_connection(alias) as other:
        try:
            other.execute("DELETE FROM records_personrecord WHERE id = %s", [record_id])
        except psycopg.errors.LockNotAvailable:
            return "waited"
        except psycopg.errors.ForeignKeyViolation:
            return "refused"
    return "deleted"


@pytest.mark.postgres
def test_an_import_holds_the_people_its_rows_name_until_it_commits(tmp_path, feed_dir, monkeypatch):
    """Without the foreign key's check, a purge between the import's insert and its commit would
    not see the new rows: the import holds their people, so it waits instead."""
    alias = "postgres"
    if alias not in connections.databases:
        pytest.skip("PostgreSQL is not configured")
    import_paths([feed_dir], using=alias)
    p1 = PersonRecord.objects.using(alias).get(record_key="P1").pk
    seen = []
    real = quarantine.warn_before_birth

    def meanwhile(cur, ss_id, batch_id):  # inside the events file's transaction, rows inserted
        seen.append(_try_delete(alias, p1))
        return real(cur, ss_id, batch_id)

    monkeypatch.setattr(quarantine, "warn_before_birth", meanwhile)
    write_csv(feed_dir / "events.csv", EVENTS_HEADER,
              [["gp1", "E1", "P1", "gp_appointment", "2021-01-01", "", ""]])
    import_paths([feed_dir / "events.csv"], using=alias)
    assert seen == ["waited"]
    assert _try_delete(alias, p1) == "refused"  # committed: the trigger sees the event


@pytest.mark.postgres
def test_a_writer_holds_the_records_it_names():
    alias = "postgres"
    if alias not in connections.databases:
        pytest.skip("PostgreSQL is not configured")
    from jigsaw.records.models import ImportBatch, SourceSystem

    system = SourceSystem.objects.using(alias).create(code="gp1")
    batch = ImportBatch.objects.using(alias).create(file_name="x", file_kind="people",
                                                    status="loaded", started_at="2026-01-01T00:00Z",
                                                    finished_at="2026-01-01T00:00Z")
    record = PersonRecord.objects.using(alias).create(
        source_system=system, record_key="P9", row_hash="", batch=batch, first_batch=batch,
        given_name="A", family_name="B")
    with transaction.atomic(using=alias):
        person_guard.hold_records([record.pk], alias)
        assert _try_delete(alias, record.pk) == "waited"
    assert _try_delete(alias, record.pk) == "deleted"  # nothing names it
