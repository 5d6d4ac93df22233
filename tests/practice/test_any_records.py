"""The child's page asks whether a child has any practice record before reading the four kinds:
each kind alone must answer yes, and another child's records no."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from jigsaw.practice.models import ChildVoice, Disagreement, Meeting, SharingDecision
from jigsaw.practice.panel import _any_records
from jigsaw.records.models import Agency
from jigsaw.signpost.models import Person
from tests.conftest import BOTH


def _one(kind: str, person: Person, agency: Agency, using: str) -> None:
    now = timezone.now()
    who = {"person": person, "recorded_by": "priya", "recorded_by_name": "Priya Shah", "recorded_at": now}
    manager = {"decision": SharingDecision, "disagreement": Disagreement, "meeting": Meeting,
               "voice": ChildVoice}[kind].objects.using(using)
    if kind == "decision":
        manager.create(**who, decided_on=date(2026, 1, 5), share=True, what="school attendance",
                       agency=agency, purpose="a section 47 enquiry")
    elif kind == "disagreement":
        manager.create(**who, about="closure", agency=agency, stage="practitioner",
                       stage_started_at=now, stage_due_at=now)
    elif kind == "meeting":
        manager.create(**who, kind=Meeting.STRATEGY, held_on=date(2026, 1, 5))
    else:
        manager.create(**who, said_on=date(2026, 1, 5), how="seen_alone", words="I like school")


@pytest.mark.parametrize("kind", ["decision", "disagreement", "meeting", "voice"])
@pytest.mark.parametrize("db_alias", ["default", pytest.param("postgres", marks=pytest.mark.postgres)],
                         indirect=True)
@pytest.mark.django_db(databases=BOTH)
def test_each_kind_of_record_counts_for_its_own_child_only(db_alias, kind):
    child, other = (Person.objects.using(db_alias).create() for _ in range(2))
    agency = Agency.objects.using(db_alias).create(name="Town Health", agency_type="health")
    assert not _any_records(child.pk, db_alias)
    _one(kind, child, agency, db_alias)
    assert _any_records(child.pk, db_alias)
    assert not _any_records(other.pk, db_alias)
