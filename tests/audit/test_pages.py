"""The auditor's access-log search and the unusual-access page (issue 13, item 5)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from jigsaw.accounts.roles import Role
from jigsaw.audit import log, people
from jigsaw.audit.models import AccessEntry, Action
from tests.accounts.support import make_user, verified_client, web_db  # noqa: F401 - fixtures
from tests.conftest import BOTH

pytestmark = pytest.mark.django_db(databases=BOTH)
DAY = dt.datetime(2026, 3, 4, 10, 0, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture
def auditor(make_user, web_db, monkeypatch):  # noqa: F811 - the imported fixtures, by name
    """An auditor's client, after a hand-built log: three users over three days."""
    def write(at, actor, action, person=None):
        monkeypatch.setattr(log.timezone, "now", lambda: at)
        log.record(actor, "social_worker", "", action, person_id=person, reason="s47", using=web_db)

    write(DAY, "sam", Action.VIEW_CHILD, 11)
    write(DAY + dt.timedelta(hours=1), "sam", Action.SEARCH, 12)
    write(DAY + dt.timedelta(days=1), "kim", Action.VIEW_CHILD, 12)
    write(DAY + dt.timedelta(days=2), "kim", Action.EXPORT, 11)
    for i in range(60):
        write(DAY + dt.timedelta(days=2, minutes=i), "bulk", Action.VIEW_CHRONOLOGY, 500 + i)
    monkeypatch.undo()
    return verified_client(make_user(Role.AUDITOR, username="aud"))


def _rows(response) -> list[str]:
    html = response.content.decode()
    return [row for row in html.split('<tr class="govuk-table__row">')[2:]]


def test_the_default_view_is_recent_activity_newest_first_and_paged(auditor):
    page = auditor.get(reverse("audit:audit"))
    html = page.content.decode()
    assert page.status_code == 200 and "Recent activity" in html and "page 1 of 2" in html
    rows = _rows(page)
    assert len(rows) == 50 and ">bulk<" in rows[0]  # newest first: the last of bulk's entries
    second = auditor.get(reverse("audit:audit"), {"page": 2})
    assert any(">sam<" in row for row in _rows(second))


@pytest.mark.parametrize(("params", "actors", "count"), [
    ({"user": "sam"}, {"sam"}, 2),
    ({"user": "ki"}, {"kim"}, 2),  # part of a username
    ({"child": "12"}, {"sam", "kim"}, 2),
    ({"action": "export"}, {"kim"}, 1),
    ({"from-day": "5", "from-month": "3", "from-year": "2026", "to-day": "5", "to-month": "3",
      "to-year": "2026"}, {"kim"}, 1),
    ({"user": "sam", "action": "view_child"}, {"sam"}, 1),
])
def test_search_by_user_child_action_and_dates(auditor, params, actors, count):
    page = auditor.get(reverse("audit:audit"), params)
    html = page.content.decode()
    assert page.status_code == 200 and "Entries found" in html
    assert f"{count} entr" in html
    rows = _rows(page)
    assert {a for a in ("sam", "kim", "bulk", "aud") if any(f">{a}<" in r for r in rows)} == actors


def test_sorting_by_user_and_oldest_first(auditor):
    oldest = _rows(auditor.get(reverse("audit:audit"), {"sort": "oldest"}))
    assert ">sam<" in oldest[0] and "View a child" in oldest[0]
    by_user = _rows(auditor.get(reverse("audit:audit"), {"sort": "user"}))
    assert ">aud<" in by_user[0] or ">bulk<" in by_user[0]


def test_a_child_by_name_asks_the_index_and_is_logged(auditor, web_db, monkeypatch):  # noqa: F811
    monkeypatch.setattr(people, "people_named",
                        lambda given, family, using: [11] if family == "Thompson" else [])
    html = auditor.get(reverse("audit:audit"), {"child": "Jessica Thompson"}).content.decode()
    assert "matches person 11" in html and "2 entries" in html
    entry = AccessEntry.objects.using(web_db).filter(actor="aud", action=Action.SEARCH).get()
    assert entry.detail == {"what": "access log", "child_by_name": True, "people": [11]}
    none = auditor.get(reverse("audit:audit"), {"child": "Nobody Known"}).content.decode()
    assert "No child in the index has that name" in none and "0 entries" in none


@pytest.mark.parametrize(("params", "message"), [
    ({"child": "Jessica"}, "person id (a number) or the child&#x27;s given and family name"),
    ({"action": "dance"}, "Choose an action from the list"),
    ({"from-day": "31", "from-month": "2", "from-year": "2026"}, "From date: enter a real date"),
    ({"from-day": "5", "from-month": "3", "from-year": "2026", "to-day": "4", "to-month": "3",
      "to-year": "2026"}, "must be the same as or after"),
])
def test_bad_filters_are_gov_uk_errors(auditor, params, message):
    page = auditor.get(reverse("audit:audit"), params)
    assert page.status_code == 400 and message in page.content.decode()


def test_csv_has_what_the_search_found_and_the_export_is_logged(auditor, web_db):  # noqa: F811
    text = auditor.get(reverse("audit:audit-csv"), {"user": "kim"}).content.decode()
    lines = text.strip().splitlines()
    assert lines[0].startswith("sequence,at,actor") and len(lines) == 3
    export = AccessEntry.objects.using(web_db).filter(actor="aud", action=Action.EXPORT).get()
    assert export.detail["actor"] == "kim"


def test_the_unusual_access_page_shows_each_section(auditor, settings):
    settings.JIGSAW_UNUSUAL_CHILDREN, settings.JIGSAW_UNUSUAL_MINUTES = 20, 30
    page = auditor.get(reverse("audit:unusual"), {"from-day": "1", "from-month": "3", "from-year": "2026",
                                                  "to-day": "10", "to-month": "3", "to-year": "2026"})
    html = page.content.decode()
    assert page.status_code == 200
    for title in ("Many children opened in a short time (1)", "Emergency access (break-glass) (0)",
                  "Access outside working hours", "Access outside the user&#x27;s agency&#x27;s involvement"):
        assert title in html
    assert "60 different children opened" in html and "20 or more children within 30 minutes" in html
    assert auditor.get(reverse("audit:unusual")).status_code == 200  # the last week by default
