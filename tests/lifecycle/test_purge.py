"""Retention plan and purge: a due person leaves nothing in any table; holds and bad input stop it."""

from __future__ import annotations

import pytest

from jigsaw.audit.log import verify
from jigsaw.audit.models import AccessEntry
from jigsaw.lifecycle import holds
from jigsaw.lifecycle.plan import make_plan
from jigsaw.lifecycle.purge import PurgeError, purge
from jigsaw.records.models import Event, PersonRecord, RecordVersion
from jigsaw.records.retention import RetentionConfigError, schedule
from jigsaw.reviews.models import CaseReview, EvidenceSnapshot, LegalHold
from jigsaw.signpost.models import RecordLink

from .leftovers import leftovers
from .support import TODAY, ZED_NEEDLES

pytestmark = pytest.mark.django_db(databases=["default", "postgres"])


def _records(using: str, people: list[int]) -> list[int]:
    return list(
        RecordLink.objects.using(using).filter(person_id__in=people).values_list("record_id", flat=True)
    )


def _snapshot(using: str) -> dict[str, int]:
    from django.apps import apps

    return {
        m._meta.db_table: m.objects.using(using).count()
        for m in apps.get_models()
        if m._meta.app_label in {"records", "signpost", "alerts", "chronology", "reviews", "audit"}
    }


def test_the_plan_says_who_is_due_under_which_rule(world):
    using, zeds, yol = world["using"], world["zeds"], world["yol"]
    plan = make_plan(TODAY, using)
    due = {p.person_id: p for p in plan.due}
    assert set(zeds) <= set(due) and yol not in due
    z = due[zeds[0]]
    assert z.rule in {"health", "social_care", "police"} and z.due_on <= TODAY and not z.held
    assert z.counts["records"] >= 1
    data = plan.as_dict()
    assert data["due"] == len(plan.due) and data["rules"]["health"]["terms"] == [
        ["birth", 25],
        ["last_activity", 8],
    ]


def test_a_purge_leaves_nothing_of_the_person_in_any_table(world):
    using, zeds, yol = world["using"], world["zeds"], world["yol"]
    records = _records(using, zeds)
    assert RecordVersion.objects.using(using).exists()  # the superseded phone number is there to go
    assert leftovers(using, ZED_NEEDLES, zeds, records)  # the search finds him before
    cert = purge("manager", "administrator", person_ids=zeds, today=TODAY, using=using)
    assert cert.people == len(zeds) and cert.rows["records_personrecord"] == 3
    assert cert.rows["records_event"] == 3 and cert.rows["records_relationship"] == 2
    assert cert.rows["records_recordversion"] >= 1 and cert.rows["records_quarantinedrow"] >= 1
    assert all(cert.rows[f"practice_{t}"] == 1 for t in (
        "childvoice", "sharingdecision", "disagreement", "disagreementstep", "meeting", "invitation",
        "meetingaction"))
    assert leftovers(using, ZED_NEEDLES, zeds, records) == []
    # the child stays, her closed review too, its evidence pack anonymised
    assert PersonRecord.objects.using(using).filter(record_key="Y1").exists()
    assert Event.objects.using(using).filter(event_id="CE2").exists()
    review = CaseReview.objects.using(using).get(person_id=yol)
    assert EvidenceSnapshot.objects.using(using).get(review=review).chronology == {
        "entries": [{"summary": "Father visited"}]
    }
    assert LegalHold.objects.using(using).filter(person_id=yol).exists()


def test_the_access_log_keeps_its_chain_and_a_certificate(world):
    using, zeds = world["using"], world["zeds"]
    before = AccessEntry.objects.using(using).count()
    cert = purge("manager", "administrator", person_ids=zeds, today=TODAY, using=using)
    assert verify(using).ok
    entries = list(AccessEntry.objects.using(using).filter(sequence__gt=before))
    assert [e.person_id for e in entries[:-1]] == zeds
    last = entries[-1]
    assert last.sequence == cert.sequence and last.detail["operation"] == "retention_purge_certificate"
    assert last.detail["digest"] == cert.digest and last.detail["people"] == len(zeds)
    assert AccessEntry.objects.using(using).filter(person_id=zeds[0]).count() >= 3  # earlier entries kept


def test_a_purge_of_everyone_due_takes_only_the_unheld(world):
    using, zeds, yol = world["using"], world["zeds"], world["yol"]
    cert = purge("manager", "administrator", today=TODAY, using=using)
    assert cert.people == len(zeds)
    assert RecordLink.objects.using(using).filter(person_id=yol).exists()
    assert purge("manager", "administrator", today=TODAY, using=using).people == 0  # nothing left due


@pytest.mark.parametrize("kind", ["review", "litigation"])
def test_a_hold_stops_the_purge_and_changes_nothing(world, kind):
    using, zeds = world["using"], world["zeds"]
    if kind == "review":
        review = CaseReview.objects.using(using).get(person_id=world["yol"])
        LegalHold.objects.using(using).filter(person_id=zeds[0], review=review).update(released_at=None)
        why = "open case review CR-2020-"
    else:
        holds.place(zeds[0], "inquiry notice", "manager", "administrator", using=using)
        why = "litigation hold"
    before = _snapshot(using)
    with pytest.raises(PurgeError, match=f"person {zeds[0]} is under a legal hold \\({why}"):
        purge("manager", "administrator", person_ids=zeds, today=TODAY, using=using)
    assert _snapshot(using) == before
    plan = make_plan(TODAY, using)
    assert next(p for p in plan.due if p.person_id == zeds[0]).held.startswith(why)
    purge("manager", "administrator", today=TODAY, using=using)  # everyone due: the held one stays
    assert RecordLink.objects.using(using).filter(person_id=zeds[0]).exists()


def test_bad_input_is_refused_with_nothing_changed(world, tmp_path):
    using, yol = world["using"], world["yol"]
    before = _snapshot(using)
    with pytest.raises(PurgeError, match="there is no person 999999: nothing deleted"):
        purge("m", "administrator", person_ids=[999999], today=TODAY, using=using)
    with pytest.raises(PurgeError, match=f"person {yol} is not due"):
        purge("m", "administrator", person_ids=[yol], today=TODAY, using=using)
    bad = tmp_path / "retention.json"
    for text, message in (
        ("{", "is not JSON"),
        ('{"nursery": {"terms": [["birth", 1]]}}', "unknown record kind"),
        ('{"health": {"terms": [["birth", -1]]}}', "is not"),
        ('{"health": {"terms": []}}', 'give "terms"'),
    ):
        bad.write_text(text, encoding="utf-8")
        with pytest.raises(RetentionConfigError, match=message):
            schedule(bad)
    with pytest.raises(RetentionConfigError, match="No such file"):
        schedule(tmp_path / "missing.json")
    with pytest.raises(holds.HoldError, match="there is no person 999999"):
        holds.place(999999, "x", "m", "administrator", using=using)
    with pytest.raises(holds.HoldError, match="give the reason"):
        holds.place(yol, "  ", "m", "administrator", using=using)
    with pytest.raises(holds.HoldError, match="no open litigation hold"):
        holds.release(yol, "done", "m", "administrator", using=using)
    assert _snapshot(using) == before


def test_an_early_deletion_is_named_and_reasoned(world):
    using, yol = world["using"], world["yol"]
    with pytest.raises(PurgeError, match="names its people"):
        purge("m", "administrator", early="erasure agreed", today=TODAY, using=using)
    cert = purge(
        "m", "administrator", person_ids=[yol], early="erasure request agreed", today=TODAY, using=using
    )
    assert cert.early and cert.by_rule == {"early": 1}
    assert not RecordLink.objects.using(using).filter(person_id=yol).exists()
    assert verify(using).ok


def test_an_overridden_schedule_changes_who_is_due(world, tmp_path):
    using, zeds = world["using"], world["zeds"]
    custom = tmp_path / "r.json"
    custom.write_text(
        '{"health": {"terms": [["birth", 100]], "source": "local"}, '
        '"police": {"terms": [["birth", 100]]}, "social_care": {"terms": [["birth", 100]]}}',
        encoding="utf-8",
    )
    plan = make_plan(TODAY, using, schedule(custom))
    assert not {p.person_id for p in plan.due} & set(zeds)
