"""An alert names its events ``source_system:event_id``; they are found through the events'
unique (source system, record key) index, which holds only because an event's record key is its
event id. Both lookups (the alert page's evidence, the notices' attendances) on both databases."""

from __future__ import annotations

import pytest

from jigsaw.alerts.evidence import attendances
from jigsaw.alerts.people import evidence
from jigsaw.feeds import UNSCHEDULED_CARE
from jigsaw.feeds.kinds import EVENTS
from jigsaw.records.models import Event
from tests.accounts.support import web_db  # noqa: F401 - fixture
from tests.conftest import BOTH
from tests.web.support import loaded  # noqa: F401 - fixture


@pytest.mark.parametrize("db_alias", ["default", pytest.param("postgres", marks=pytest.mark.postgres)],
                         indirect=True)
@pytest.mark.django_db(databases=BOTH)
def test_events_named_by_an_alert_are_found_by_their_key(db_alias, loaded):  # noqa: F811 - the fixture
    assert EVENTS.key_columns == ("event_id",)
    events = list(Event.objects.using(loaded).select_related("source_system")
                  .values_list("source_system__code", "event_id", "record_key", "event_type"))
    assert events and all(event_id == key for _, event_id, key, _ in events)
    keys = [f"{code}:{event_id}" for code, event_id, _, _ in events]
    lines = evidence([*keys, "gp:no-such-event"], loaded, hidden=set())
    assert sum(line.times for line in lines) == len(keys)
    Event.objects.using(loaded).filter(record_key="E2").update(event_type=UNSCHEDULED_CARE[0])
    assert set(attendances(keys, loaded)) == {"gp:E2"}  # the one unscheduled-care event
