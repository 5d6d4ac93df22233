"""The unusual-access report, each flag on hand-built access-log entries (issue 13, item 5)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from jigsaw.audit import log, people, unusual
from jigsaw.audit.models import Action
from jigsaw.records.models import Agency
from tests.conftest import BOTH

pytestmark = pytest.mark.django_db(databases=BOTH)
LONDON = ZoneInfo("Europe/London")
WEDNESDAY = dt.datetime(2026, 3, 4, 10, 0, tzinfo=LONDON)  # a working day, mid-morning
LIMITS = unusual.Limits(children=5, minutes=10, opens=dt.time(8), closes=dt.time(18),
                        days=frozenset(range(5)))


@pytest.fixture
def write(db_alias, monkeypatch):
    """``write(at, actor, action, person, agency="")``: one entry, stamped at ``at``."""
    def entry(at, actor, action=Action.VIEW_CHILD, person=None, agency="", reason_text=""):
        monkeypatch.setattr(log.timezone, "now", lambda: at)
        log.record(actor, "hub_officer", agency, action, person_id=person, reason="s47",
                   reason_text=reason_text, using=db_alias)
    return entry


def _window():
    return WEDNESDAY - dt.timedelta(days=1), WEDNESDAY + dt.timedelta(days=2)


def test_many_children_in_a_short_time_is_one_finding_per_run(write, db_alias):
    for i in range(6):  # six children in five minutes
        write(WEDNESDAY + dt.timedelta(minutes=i), "browser", person=100 + i)
    for i in range(6):  # six children, but one every twenty minutes
        write(WEDNESDAY + dt.timedelta(minutes=20 * i), "steady", person=200 + i)
    for i in range(8):  # the same child eight times
        write(WEDNESDAY + dt.timedelta(seconds=30 * i), "one-child", person=300)
    found = unusual.many_children(*_window(), LIMITS, db_alias)
    assert [f.actor for f in found] == ["browser"]
    assert found[0].person_ids == list(range(100, 106)) and "6 different children" in found[0].why


def test_access_outside_the_users_agency_involvement(write, db_alias, monkeypatch):
    gp = Agency.objects.using(db_alias).create(name="Riverside Surgery", agency_type="health")
    school = Agency.objects.using(db_alias).create(name="Oak School", agency_type="education")
    monkeypatch.setattr(people, "agencies_involved", lambda ids, using: {1: {gp.pk}, 2: {school.pk}})
    write(WEDNESDAY, "nurse", person=1, agency="Riverside Surgery")  # their own patient
    write(WEDNESDAY, "nurse", person=2, agency="Riverside Surgery")  # the school's pupil only
    write(WEDNESDAY, "hub", person=2, agency="")  # no agency (hub): not this flag
    found = unusual.outside_agency(*_window(), db_alias)
    assert [(f.actor, f.person_ids) for f in found] == [("nurse", [2])]
    assert "Riverside Surgery holds no record of person 2" in found[0].why


def test_every_break_glass_use_is_listed_with_its_reason(write, db_alias):
    write(WEDNESDAY, "lead", action=Action.OVERRIDE, person=7, reason_text="child at A&E at night")
    write(WEDNESDAY, "lead", action=Action.VIEW_CHILD, person=7)
    found = unusual.break_glass(*_window(), db_alias)
    assert [(f.actor, f.person_ids) for f in found] == [("lead", [7])]
    assert "child at A&E at night" in found[0].why


def test_access_outside_working_hours_and_days(write, db_alias):
    write(WEDNESDAY.replace(hour=23, minute=15), "night", person=1)
    write(WEDNESDAY.replace(hour=7, minute=59), "early", person=2)
    write(WEDNESDAY.replace(hour=17, minute=59), "late-but-in", person=3)
    write(WEDNESDAY + dt.timedelta(days=3), "saturday", person=4)  # Saturday 10:00
    write(WEDNESDAY.replace(hour=23), "signin", action=Action.SIGN_IN)  # no child: not flagged
    found = unusual.out_of_hours(WEDNESDAY - dt.timedelta(days=1), WEDNESDAY + dt.timedelta(days=4), LIMITS,
                                 db_alias)
    assert {f.actor: f.why for f in found} == {"night": "person 1 accessed at 23:15",
                                               "early": "person 2 accessed at 07:59",
                                               "saturday": "person 4 accessed on a Saturday"}


def test_limits_come_from_settings(settings):
    settings.JIGSAW_UNUSUAL_CHILDREN, settings.JIGSAW_UNUSUAL_MINUTES = 3, 2
    settings.JIGSAW_WORKING_HOURS, settings.JIGSAW_WORKING_DAYS = "07:30-19:00", "mon,tue,wed,thu,fri,sat"
    limits = unusual.Limits.from_settings()
    assert (limits.children, limits.minutes) == (3, 2)
    assert (limits.opens, limits.closes) == (dt.time(7, 30), dt.time(19))
    assert limits.days == frozenset(range(6))
    assert "3 or more children within 2 minutes" in limits.describe()["many"]
