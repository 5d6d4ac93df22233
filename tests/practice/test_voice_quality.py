"""The child's voice as its own kind of entry, and the record-quality prompts per child and for
the board."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from jigsaw.practice.models import ChildVoice
from jigsaw.practice.quality import counts, for_child
from jigsaw.records.models import Event, Involvement, PersonRecord
from tests.conftest import BOTH

pytestmark = pytest.mark.django_db(databases=BOTH)


def _voice(client, olivia, day: dt.date, **over):
    form = {
        "reason": "s47",
        "said_on-day": str(day.day),
        "said_on-month": str(day.month),
        "said_on-year": str(day.year),
        "how": "seen_alone",
        "words": "I like my nan's house, it is quiet",
        "wishes": "To stay at nan's at weekends",
    }
    form.update(over)
    return client.post(reverse("practice:voice", args=[olivia]), form)


def _plan(using: str, days_ago: int) -> None:
    """A child protection plan starting ``days_ago`` for Olivia (csc C1), as the feed would send."""
    record = PersonRecord.objects.using(using).get(source_system__code="csc", record_key="C1")
    Event.objects.using(using).create(
        source_system=record.source_system,
        record_key="P1",
        row_hash="x",
        batch_id=record.batch_id,
        first_batch_id=record.batch_id,
        person=record,
        event_id="P1",
        person_source_id="C1",
        event_type="cp_plan_start",
        occurred_at=timezone.now() - dt.timedelta(days=days_ago),
        occurred_precision="day",
        summary="I think mum is probably not coping",
        kind="",
    )


def test_the_childs_words_are_their_own_entry_in_the_chronology(worker, olivia, loaded):
    assert _voice(worker, olivia, timezone.localdate()).status_code == 302
    voice = ChildVoice.objects.using(loaded).get()
    event = Event.objects.using(loaded).get(pk=voice.event_id)
    assert event.event_type == "child_voice" and event.kind == "fact"
    page = worker.get(reverse("chronology:child", args=[olivia]), {"reason": "s47"}).content.decode()
    assert "Child's voice</strong>" in page and "I like my nan" in page


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"words": ""}, "Enter the child"),
        ({"how": "guessed"}, "Select how the child was seen or heard"),
        ({"said_on-day": ""}, "Enter a day, month and year"),
    ],
)
def test_bad_voice_input_writes_nothing(worker, olivia, loaded, change, message):
    response = _voice(worker, olivia, timezone.localdate(), **change)
    assert response.status_code == 400 and message in response.content.decode().replace("&#x27;", "'")
    assert not ChildVoice.objects.using(loaded).exists()


def test_a_future_date_is_refused(worker, olivia, loaded):
    response = _voice(worker, olivia, timezone.localdate() + dt.timedelta(days=2))
    assert response.status_code == 400 and "must be today or in the past" in response.content.decode()
    assert not ChildVoice.objects.using(loaded).exists()


def test_record_quality_flags_and_counts(worker, olivia, loaded, settings):
    settings.JIGSAW_PRACTICE_UNSEEN_DAYS = 14
    settings.JIGSAW_PRACTICE_STALE_DAYS = 31
    assert for_child(olivia, loaded).flags == {}  # no plan, no early help: nothing to prompt
    _plan(loaded, 40)
    quality = for_child(olivia, loaded)
    assert set(quality.flags) == {
        "missing_from_record",
        "undistinguished",
        "out_of_date",
        "no_lead_professional",
    }
    page = worker.get(reverse("chronology:child", args=[olivia]), {"reason": "s47"}).content.decode()
    assert "Child missing from the record" in page and "No lead professional" in page
    assert counts(loaded)["missing_from_record"] == 1
    _voice(worker, olivia, timezone.localdate())
    Involvement.objects.using(loaded).filter(practitioner="Priya Shah").update(lead_professional=True)
    quality = for_child(olivia, loaded)
    assert set(quality.flags) == {"undistinguished"}  # seen today, recorded today, led
    board = counts(loaded)
    assert (
        board["missing_from_record"] == 0 and board["undistinguished"] == 1 and board["children_checked"] >= 1
    )
