"""Fixtures: the purge partnership of :mod:`tests.lifecycle.support`, imported, linked and dressed
with every kind of derived row (alert, rating, decisions, reviews, holds, log entries)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from jigsaw.records.importer import import_paths
from jigsaw.signpost.batch import link_all
from jigsaw.signpost.models import RecordLink

from .support import write_feeds


def person_of(using: str, source: str, source_id: str) -> int:
    return (
        RecordLink.objects.using(using)
        .get(record__source_system__code=source, record__record_key=source_id)
        .person_id
    )


def dress(using: str, zeds: list[int], yol: int) -> None:
    """Give Zebedee a row in every derived table, and a closed review of the child naming him."""
    from django.utils import timezone

    from jigsaw.alerts.models import Alert
    from jigsaw.audit.log import record, record_search
    from jigsaw.chronology.models import SignificanceRating
    from jigsaw.lifecycle import holds
    from jigsaw.records.models import Event, PersonRecord
    from jigsaw.reviews.models import CaseReview, EvidenceSnapshot, LegalHold, Transition
    from jigsaw.signpost.models import LinkDecision, ReviewItem, ShieldedSearch

    z = zeds[0]
    alert = Alert.objects.using(using).create(
        rule_id="da_children_present",
        rule_version=1,
        title="Domestic abuse, children present",
        severity="high",
        mode="required",
        pattern_key=f"p{z}",
        person_ids=[z, yol],
        event_keys=["police:PE1"],
        first_at=timezone.now(),
        last_at=timezone.now(),
        explanation="incident with a child present",
        citation="x",
        route="hub",
        routed_to="hub",
    )
    alert.people.add(z, yol)
    event = Event.objects.using(using).get(source_system__code="gp", event_id="GE1")
    SignificanceRating.objects.using(using).create(
        event=event, significance="high", set_by="dr", reason="why"
    )
    ShieldedSearch.objects.using(using).create(person_id=z, searched_by="someone", reason="s47")
    a = PersonRecord.objects.using(using).get(source_system__code="gp", record_key="G-Z").pk
    b = PersonRecord.objects.using(using).get(source_system__code="csc", record_key="Y1").pk
    a, b = min(a, b), max(a, b)
    LinkDecision.objects.using(using).create(
        record_a_id=a, record_b_id=b, decision="different", decided_by="clerk", reason="not the same"
    )
    ReviewItem.objects.using(using).create(
        record_a_id=a, record_b_id=b, kind="uncertain", match_probability=0.5
    )
    day = dt.date(2020, 1, 6)
    common = {
        "incident_on": day,
        "aware_on": day,
        "harm": "serious_harm",
        "notification_due": day,
        "opened_by": "lead",
        "stage": "published",
    }
    child_review = CaseReview.objects.using(using).create(person_id=yol, **common)
    EvidenceSnapshot.objects.using(using).create(
        review=child_review,
        taken_by="lead",
        chronology={"entries": [{"summary": "Zebedee Quantock visited"}]},
        anonymised={"entries": [{"summary": "Father visited"}]},
        entries=1,
        signposts=[
            {
                "whose": "Zebedee Quantock",
                "whose_anonymised": "Father",
                "signposts": [{"agency": "GP", "practitioner": "Dr Pell", "role": "GP"}],
            }
        ],
    )
    own_review = CaseReview.objects.using(using).create(person_id=z, **{**common, "stage": "no_review"})
    Transition.objects.using(using).create(
        review=own_review, step="decide", to_stage="no_review", on=day, by="x"
    )
    for review, pid in ((child_review, yol), (child_review, z), (own_review, z)):
        LegalHold.objects.using(using).create(
            person_id=pid, review=review, reason="held", released_at=timezone.now()
        )
    holds.place(z, "a claim may be brought", "manager", "administrator", using=using)
    holds.release(z, "claim settled", "manager", "administrator", using=using)
    record_search(
        "worker",
        "practitioner",
        "GP",
        "s47",
        {"given_name": "Zebedee", "family_name": "Quantock"},
        zeds,
        using=using,
    )
    record("worker", "practitioner", "GP", "view_child", person_id=z, reason="s47", using=using)
    _practice(using, z, event)


def _practice(using: str, z: int, event) -> None:
    """A row about Zebedee in every practice table (his words, a decision, a dispute, a meeting)."""
    from django.utils import timezone

    from jigsaw.practice.models import (
        ChildVoice,
        Disagreement,
        DisagreementStep,
        Invitation,
        Meeting,
        MeetingAction,
        SharingDecision,
    )

    now, day = timezone.now(), dt.date(2020, 1, 6)
    who = {"person_id": z, "recorded_by": "worker", "recorded_by_name": "W", "recorded_at": now}
    from jigsaw.records.models import Agency

    agency = Agency.objects.using(using).get_or_create(name="Riverside practice test")[0]
    ChildVoice.objects.using(using).create(**who, said_on=day, how="heard", words="Zebedee Quantock said")
    SharingDecision.objects.using(using).create(**who, decided_on=day, share=False, what="Zebedee's file",
                                                agency=agency, purpose="not needed")
    dispute = Disagreement.objects.using(using).create(
        **who, about="Quantock plan", agency=agency, stage="practitioner", stage_started_at=now,
        stage_due_at=now)
    DisagreementStep.objects.using(using).create(disagreement=dispute, step="raised", stage="practitioner",
                                                 by="worker", note="Zebedee", at=now)
    meeting = Meeting.objects.using(using).create(**who, kind="core_group", held_on=day,
                                                  decisions="Zebedee Quantock to be seen")
    Invitation.objects.using(using).create(meeting=meeting, agency=agency, practitioner="Dr Pell")
    MeetingAction.objects.using(using).create(meeting=meeting, action="visit Zebedee", owner="Dr Pell",
                                              owner_agency=agency, due_on=day)


@pytest.fixture
def world(tmp_path: Path, db_alias: str) -> dict:
    """Imported twice (Zebedee's phone changed: a superseded version), linked, dressed."""
    using = db_alias
    report = import_paths([write_feeds(tmp_path / "one", phone="07700 900461")], using=using)
    assert all(f.status == "loaded" for f in report.files), report
    import_paths([write_feeds(tmp_path / "two", phone="07700 900462")], using=using)
    link_all(using=using)
    zeds = sorted(
        {person_of(using, s, i) for s, i in (("csc", "ZQX-4471"), ("gp", "G-Z"), ("police", "P-Z"))}
    )
    yol = person_of(using, "csc", "Y1")
    assert yol not in zeds
    dress(using, zeds, yol)
    return {"using": using, "zeds": zeds, "yol": yol}
