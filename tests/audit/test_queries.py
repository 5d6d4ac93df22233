"""The auditor's questions and the CSV export, on both databases."""

from __future__ import annotations

import csv
from datetime import timedelta

import pytest
from django.utils import timezone

from jigsaw.audit.log import record, record_search
from jigsaw.audit.queries import export_csv, what_did, who_searched_for, who_viewed
from tests.conftest import BOTH

pytestmark = pytest.mark.django_db(databases=BOTH)


@pytest.fixture
def log(db_alias):
    record("alice", "social_worker", "council", "view_child", person_id=1, reason="s47", using=db_alias)
    record("bob", "nurse", "health", "view_chronology", person_id=1, reason="health", using=db_alias)
    record("alice", "social_worker", "council", "view_child", person_id=2, reason="s17", using=db_alias)
    record_search("alice", "social_worker", "council", "s47",
                  {"given_name": "Amy", "family_name": "Smith", "birth_date": "2020-03-04"}, [1],
                  using=db_alias)
    record_search("mallory", "clerk", "council", "s17",
                  {"given_name": "amy ", "family_name": "SMITH", "birth_date": "2020-03-04"}, [],
                  using=db_alias)
    return db_alias


def test_who_viewed_a_child_and_why(log):
    got = [(e.actor, e.action, e.reason_code) for e in who_viewed(1, using=log)]
    assert got == [("alice", "view_child", "s47"), ("bob", "view_chronology", "health"),
                   ("alice", "search", "s47")]
    assert not who_viewed(3, using=log).exists()


def test_what_a_user_did_in_a_window(log):
    assert [e.sequence for e in what_did("alice", using=log)] == [1, 3, 4, 5]
    now = timezone.now()
    assert what_did("alice", since=now - timedelta(minutes=5), until=now + timedelta(minutes=5),
                    using=log).count() == 4
    assert not what_did("alice", until=now - timedelta(days=1), using=log).exists()
    assert not what_did("alice", since=now + timedelta(days=1), using=log).exists()


def test_searches_for_a_child_that_found_nobody(log):
    """Spelling and spacing aside, the same details find both searches, including the fruitless one."""
    found = who_searched_for({"given_name": "Amy", "family_name": "Smith", "birth_date": "2020-03-04"},
                             using=log)
    assert [(e.actor, e.detail["results"]) for e in found] == [("alice", 1), ("mallory", 0)]
    assert not who_searched_for({"given_name": "Amy", "family_name": "Smith", "birth_date": "2020-03-05"},
                                using=log).exists()


def test_export_csv_neutralises_formulas(log, tmp_path):
    record("=HYPERLINK(\"http://x\")", "+role", "-agency", "export", reason_text="@SUM(A1)",
           user_agent="=cmd", using=log)
    out = tmp_path / "audit.csv"
    assert export_csv(what_did("=HYPERLINK(\"http://x\")", using=log), out) == 1
    with out.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    row = rows[0]
    assert row["actor"] == "'=HYPERLINK(\"http://x\")" and row["role"] == "'+role"
    assert row["agency"] == "'-agency" and row["reason_text"] == "'@SUM(A1)" and row["user_agent"] == "'=cmd"
    assert row["sequence"] == "7" and len(row["entry_hash"]) == 64
    assert export_csv(who_viewed(1, using=log), out) == 3
