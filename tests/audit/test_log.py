"""The access log on both databases: the chain, append-only guards, and tampering made visible."""

from __future__ import annotations

import itertools
import logging

import pytest
from django.db import DatabaseError, transaction

from jigsaw.audit import chain
from jigsaw.audit.log import (
    AuditError,
    audit_key,
    clean_detail,
    record,
    record_many,
    record_search,
    verify,
)
from jigsaw.audit.models import APPEND_BATCH, AccessEntry, AppendOnly
from tests.audit.conftest import drop_guards, fill, raw
from tests.conftest import BOTH

pytestmark = pytest.mark.django_db(databases=BOTH)


def test_entries_chain_from_genesis_and_verify(db_alias):
    entries = fill(db_alias, 5)
    assert [e.sequence for e in entries] == [1, 2, 3, 4, 5]
    assert entries[0].previous_hash == chain.GENESIS
    assert all(b.previous_hash == a.entry_hash for a, b in itertools.pairwise(entries))
    result = verify(db_alias, chunk=2)  # several chunks: the walk streams
    assert (result.ok, result.checked, result.first_broken_sequence) == (True, 5, None)
    assert (result.head_sequence, result.head_hash) == (5, entries[-1].entry_hash)


def test_stored_entry_rehashes_to_its_hash(db_alias):
    """What the database returns (timestamps, JSON) hashes exactly as what was written."""
    written = record("bob", "nurse", "health", "view_chronology", person_id=7, reason="health",
                     reason_text="clinic follow-up ñ", detail={"format": "html", "household": True, "n": 3},
                     remote_addr="2001:db8::1", user_agent="Mozilla/5.0 " + "x" * 400, using=db_alias)
    stored = AccessEntry.objects.using(db_alias).get(sequence=written.sequence)
    assert stored.compute_hash() == stored.entry_hash == written.entry_hash
    assert len(stored.user_agent) == 200 and stored.at.utcoffset().total_seconds() == 0


def test_many_entries_written_together_chain_like_single_ones(db_alias):
    """A page naming several children writes their entries in one statement, chained in order."""
    first = record("amy", "hub", "hub", "view_alert", person_id=1, using=db_alias)
    many = record_many([{"actor": "amy", "role": "hub", "action": "view_alert", "person_id": p,
                         "detail": {"alert": 9}} for p in (2, 3, 4)], using=db_alias)
    assert [e.sequence for e in many] == [2, 3, 4] and many[0].previous_hash == first.entry_hash
    stored = list(AccessEntry.objects.using(db_alias).order_by("sequence"))
    assert [e.person_id for e in stored] == [1, 2, 3, 4]
    assert all(e.compute_hash() == e.entry_hash for e in stored)
    assert verify(db_alias).ok and record_many([], using=db_alias) == []
    with pytest.raises(AuditError, match="unknown audit action"):  # one bad entry: none written
        record_many([{"actor": "amy", "action": "view_alert", "person_id": 5},
                     {"actor": "amy", "action": "peek", "person_id": 6}], using=db_alias)
    assert AccessEntry.objects.using(db_alias).count() == 4
    with pytest.raises(AppendOnly):  # only the log chains entries; a bulk insert is still refused
        AccessEntry.objects.using(db_alias).bulk_create([stored[0]])


def test_more_entries_than_one_insert_holds_are_written_in_batches_with_their_ids(db_alias):
    many = record_many([{"actor": "amy", "action": "view_alert", "person_id": p, "detail": {"alert": p}}
                        for p in range(APPEND_BATCH * 2 + 7)], using=db_alias)
    stored = list(AccessEntry.objects.using(db_alias).order_by("sequence").values_list("pk", "person_id"))
    assert stored == [(e.pk, e.person_id) for e in many] and len({pk for pk, _ in stored}) == len(many)
    assert not many[0]._state.adding and verify(db_alias).ok
    with pytest.raises(AppendOnly):  # an entry once written can never be saved again
        many[0].save()


def test_written_entries_are_the_stored_rows_with_their_ids(db_alias):
    """The log writes its own INSERT (not bulk_create): each field is stored as the ORM stores it,
    and the entries handed back carry their rows' ids."""
    many = record_many([{"actor": "amy ñ", "role": "hub", "action": "search", "person_id": p,
                         "reason": "s47", "reason_text": "büro", "remote_addr": "192.0.2.9",
                         "detail": {"rank": p, "fields": ["given_name"], "shielded": False}}
                        for p in (None, 2, 3)], using=db_alias)
    for entry in many:
        stored = AccessEntry.objects.using(db_alias).get(pk=entry.pk)
        assert stored.hashed_fields() == entry.hashed_fields() and stored.entry_hash == entry.entry_hash
        assert not entry._state.adding and entry._state.db == db_alias
    assert verify(db_alias).ok


def test_followers_point_at_their_head_in_the_same_write(db_alias):
    """A search's entry per person names the search's own entry, known only under the lock."""
    record("amy", "hub", "hub", "view_alert", person_id=1, using=db_alias)
    head, *people = record_many(
        [{"actor": "api:x", "action": "search", "detail": {"results": 2}},
         *({"actor": "api:x", "action": "search", "person_id": p, "detail": {"search": 0, "rank": r}}
           for r, p in enumerate((7, 8), 1))], using=db_alias, head_key="search")
    assert head.sequence == 2 and head.detail == {"results": 2}
    assert [(e.sequence, e.detail) for e in people] == [(3, {"search": 2, "rank": 1}),
                                                         (4, {"search": 2, "rank": 2})]
    stored = {e.sequence: e for e in AccessEntry.objects.using(db_alias)}
    assert stored[3].detail == {"search": 2, "rank": 1} and stored[3].compute_hash() == stored[3].entry_hash
    assert verify(db_alias).ok


def test_empty_log_verifies(db_alias):
    assert verify(db_alias).ok and verify(db_alias).checked == 0


def test_model_refuses_update_and_delete(db_alias):
    entry = fill(db_alias, 1)[0]
    entry.actor = "mallory"
    with pytest.raises(AppendOnly):
        entry.save(using=db_alias)
    with pytest.raises(AppendOnly):
        entry.delete(using=db_alias)
    entries = AccessEntry.objects.using(db_alias)
    with pytest.raises(AppendOnly):
        entries.update(actor="mallory")
    with pytest.raises(AppendOnly):
        entries.all().delete()
    assert verify(db_alias).ok


@pytest.mark.parametrize("sql", ["UPDATE audit_accessentry SET reason_code = 'none'",
                                 "DELETE FROM audit_accessentry"])
def test_database_trigger_refuses_raw_update_and_delete(db_alias, sql):
    fill(db_alias, 2)
    with pytest.raises(DatabaseError, match=r"(?i)append-only|cannot update or delete"), \
            transaction.atomic(using=db_alias):
        raw(db_alias, sql)
    assert AccessEntry.objects.using(db_alias).filter(reason_code="s47").count() == 2
    assert verify(db_alias).ok


def test_edited_field_is_found_at_its_entry(db_alias):
    fill(db_alias, 5)
    with pytest.raises(DatabaseError), transaction.atomic(using=db_alias):
        raw(db_alias, "UPDATE audit_accessentry SET person_id = 999 WHERE sequence = 3")
    drop_guards(db_alias)
    assert raw(db_alias, "UPDATE audit_accessentry SET person_id = 999 WHERE sequence = 3") == 1
    result = verify(db_alias)
    assert (result.ok, result.first_broken_sequence, result.checked) == (False, 3, 2)
    assert "entry 3 was altered" in result.problem


def test_edited_json_detail_is_found(db_alias):
    fill(db_alias, 3)
    drop_guards(db_alias)
    raw(db_alias, "UPDATE audit_accessentry SET detail = %s WHERE sequence = 2", ['{"screen": "full"}'])
    assert verify(db_alias).first_broken_sequence == 2


def test_deleted_entry_is_found(db_alias):
    fill(db_alias, 5)
    drop_guards(db_alias)
    raw(db_alias, "DELETE FROM audit_accessentry WHERE sequence = 2")
    result = verify(db_alias)
    assert (result.ok, result.first_broken_sequence) == (False, 2)
    assert "entry 2 is missing" in result.problem
    raw(db_alias, "DELETE FROM audit_accessentry WHERE sequence = 1")
    assert "entry 1-2 is missing" in verify(db_alias).problem


def test_rewritten_entry_with_recomputed_hash_breaks_the_next_link(db_alias):
    entries = fill(db_alias, 4)
    drop_guards(db_alias)
    forged = {**entries[1].hashed_fields(), "actor": "someone_else"}
    raw(db_alias, "UPDATE audit_accessentry SET actor = %s, entry_hash = %s WHERE sequence = 2",
        ["someone_else", chain.entry_hash(forged, audit_key())])
    result = verify(db_alias)
    assert result.first_broken_sequence == 3 and "does not follow entry 2" in result.problem


def test_inserted_entry_is_found(db_alias):
    """Slipping an entry in means renumbering the ones after it, which their hashes reveal."""
    entries = fill(db_alias, 4)
    drop_guards(db_alias)
    for seq in (4, 3):
        raw(db_alias, "UPDATE audit_accessentry SET sequence = sequence + 1 WHERE sequence = %s", [seq])
    fake = {**entries[2].hashed_fields(), "actor": "cover_story", "previous_hash": entries[1].entry_hash}
    raw(db_alias, "INSERT INTO audit_accessentry (sequence, at, actor, role, agency, action, person_id, "
                  "reason_code, reason_text, detail, remote_addr, user_agent, previous_hash, entry_hash) "
                  "VALUES (3, %s, 'cover_story', %s, %s, %s, %s, %s, %s, "
                  "'{\"screen\": \"summary\"}', '', '', %s, %s)",
        [entries[2].at, fake["role"], fake["agency"], fake["action"], fake["person_id"], fake["reason_code"],
         fake["reason_text"], fake["previous_hash"], chain.entry_hash(fake, audit_key())])
    result = verify(db_alias)
    assert result.first_broken_sequence == 4 and "entry 4 was altered" in result.problem


def test_removed_newest_entries_need_an_anchor(db_alias):
    entries = fill(db_alias, 5)
    drop_guards(db_alias)
    raw(db_alias, "DELETE FROM audit_accessentry WHERE sequence = 5")
    assert verify(db_alias).ok  # the chain alone cannot see its own end removed
    result = verify(db_alias, anchors={5: entries[4].entry_hash})
    assert (result.ok, result.first_broken_sequence) == (False, 5)
    assert verify(db_alias, anchors={3: entries[2].entry_hash}).ok
    assert verify(db_alias, anchors={3: entries[3].entry_hash}).first_broken_sequence == 3


def test_inside_an_outer_transaction_the_entry_shares_its_fate(db_alias):
    with pytest.raises(RuntimeError), transaction.atomic(using=db_alias):
        record("carol", "police", "police", "export", person_id=1, using=db_alias)
        raise RuntimeError("the export failed")
    with transaction.atomic(using=db_alias):
        entry = record("carol", "police", "police", "export", person_id=1, using=db_alias)
    assert entry.sequence == 1  # gap-free: the rolled-back entry left no hole
    assert verify(db_alias).ok


def test_search_records_the_search_and_each_person_shown(db_alias):
    query = {"given_name": "Amy", "family_name": "Smith", "birth_date": "2020-03-04", "postcode": None,
             "nhs_number": "9434765919"}
    entries = record_search("dave", "social_worker", "council", "s47", query, [11, 12], shielded={12},
                            using=db_alias)
    head, *shown = entries
    assert head.person_id is None and head.detail["fields"] == ["birth_date", "family_name", "given_name",
                                                                "nhs_number"]
    assert head.detail["results"] == 2 and len(head.detail["query_digest"]) == 64
    assert [(e.person_id, e.detail) for e in shown] == [
        (11, {"search": head.sequence, "rank": 1, "shielded": False}),
        (12, {"search": head.sequence, "rank": 2, "shielded": True})]
    stored = " ".join(str(AccessEntry.objects.using(db_alias).values_list(*chain.HASHED_FIELDS)))
    assert not any(v in stored for v in ("Amy", "Smith", "2020-03-04", "9434765919"))
    assert verify(db_alias).checked == 3


def test_application_log_never_receives_personal_data(db_alias, caplog):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="jigsaw")  # settings.LOGGING sets it to WARNING
    secrets = ("Amy", "Smith", "2020-03-04", "9434765919", "SW1A 1AA")
    query = {"given_name": "Amy", "family_name": "Smith", "birth_date": "2020-03-04",
             "nhs_number": "9434765919", "postcode": "SW1A 1AA"}
    record_search("erin", "teacher", "school", "school", query, [5], using=db_alias)
    record("erin", "teacher", "school", "view_child", person_id=5, reason="school",
           reason_text="Amy Smith 2020-03-04 9434765919 SW1A 1AA", using=db_alias)
    refusals = []
    for bad in ({"given_name": "Amy"}, {"note": "Smith " * 100}, {"nested": {"nhs_number": "9434765919"}}):
        with pytest.raises(AuditError) as exc:
            record("erin", "teacher", "school", "view_child", detail=bad, using=db_alias)
        refusals.append(str(exc.value))
    assert caplog.records, "record() should leave a (safe) trace in the application log"
    text = caplog.text + " ".join(refusals)
    assert not any(s in text for s in secrets), text


def test_bad_entries_are_refused(db_alias):
    with pytest.raises(AuditError, match="unknown audit action"):
        record("a", "r", "g", "peek", using=db_alias)
    with pytest.raises(AuditError, match="needs a actor"):
        record("  ", "r", "g", "view_child", using=db_alias)
    with pytest.raises(AuditError, match="not an IP"):
        record("a", "r", "g", "view_child", remote_addr="example.org", using=db_alias)
    with pytest.raises(AuditError, match="float"):
        clean_detail({"score": 0.5})
    with pytest.raises(AuditError, match="larger than"):
        clean_detail({"ids": list(range(1000))})
    with pytest.raises(AuditError, match=r"detail\.system holds text longer than 200"):
        clean_detail({"system": "x" * 201})
    with pytest.raises(AuditError, match=r"detail\.system holds a NUL character"):
        clean_detail({"system": "urn:x\x00y"})
    assert not AccessEntry.objects.using(db_alias).exists()
