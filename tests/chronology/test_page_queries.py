"""Query ceilings of the child's page and the home page: what they read does not grow per person.

Both pages name several people (the household; the alerts' people and the children opened).
Each person is asked about at the gate, named and logged set-wise, so a bigger household, more
alerts or more children opened add no query: an N+1 coming back fails here, on both databases.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jigsaw.accounts.roles import Role
from jigsaw.alerts.store import store
from jigsaw.audit.models import AccessEntry, Action
from jigsaw.records.importer import import_paths
from jigsaw.rules import Finding
from jigsaw.signpost.batch import link_all
from tests.accounts.support import verified_client
from tests.chronology.conftest import AMY, EVENTS, PEOPLE, RELS
from tests.conftest import BOTH, write_csv

pytestmark = pytest.mark.django_db(databases=BOTH)

#: The most queries either page may make (sign-in, session and access log included).
CHILD_PAGE_CEILING = 30
HOME_PAGE_CEILING = 20


def _queries(using: str, call) -> int:
    with CaptureQueriesContext(connections[using]) as captured:
        response = call()
    assert response.status_code == 200, response.status_code
    return len(captured.captured_queries)


def _more_siblings(root, using: str, how_many: int) -> None:
    """Another source system holding Amy and ``how_many`` siblings recorded against her; linked."""
    folder = root / "extra"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "source.json").write_text(json.dumps({
        "source_system": "extra", "name": "Extra record", "agency": "Northvale Early Help",
        "agency_type": "social_care"}), encoding="utf-8")
    people = [["extra", "X0", "Amy", "Smith", "2020-03-04", AMY, "F", "", "", "2024-01-10"]]
    people += [["extra", f"X{n}", f"Sib{n}", "Carter", f"201{n}-02-02", "", "M", "", "", "2024-01-10"]
               for n in range(1, how_many + 1)]
    write_csv(folder / "people.csv", PEOPLE, people)
    write_csv(folder / "events.csv", EVENTS, [])
    write_csv(folder / "relationships.csv", RELS,
              [["extra", "X0", f"X{n}", "sibling"] for n in range(1, how_many + 1)])
    assert all(f.status == "loaded" for f in import_paths([folder], using=using).files)
    link_all(using=using)


def test_the_child_page_reads_the_same_whatever_the_size_of_the_household(family, web_db, make_user,
                                                                          tmp_path):
    using, amy = family["using"], family["amy"]
    client = verified_client(make_user(Role.SOCIAL_WORKER, username="sw"))
    url = reverse("chronology:child", args=[amy])
    household = {"reason": "s47", "view": "household"}
    before = _queries(using, lambda: client.get(url, {"reason": "s47"}))
    before_household = _queries(using, lambda: client.get(url, household))
    named = AccessEntry.objects.using(using).filter(action=Action.VIEW_CHRONOLOGY, actor="sw").count()
    _more_siblings(tmp_path, using, 3)
    after = _queries(using, lambda: client.get(url, {"reason": "s47"}))
    after_household = _queries(using, lambda: client.get(url, household))
    # the page does name the three more siblings (one access-log entry each, twice)
    now_named = AccessEntry.objects.using(using).filter(action=Action.VIEW_CHRONOLOGY, actor="sw").count()
    assert now_named - named == 2 * (named // 2 + 3)
    assert after == before and after_household == before_household
    assert max(after, after_household) <= CHILD_PAGE_CEILING


def _alerts(using: str, people: list[int], first: int, how_many: int) -> None:
    findings = [Finding(rule_id="R04c", rule_version=1, title="ED attendance while on a plan",
                        severity="high", mode="required", route="hub", person_ids=(people[n % len(people)],),
                        event_keys=("csc:E1",), first_at=date(2024, 6, 1), last_at=date(2024, 6, 1),
                        explanation="why it matters", citation="CP-IS", uncertain=False,
                        pattern_key=f"R04c|query-count|{n}") for n in range(first, first + how_many)]
    store(findings, using)


def test_the_home_page_reads_the_same_whatever_the_number_of_alerts_and_children(family, web_db,
                                                                               make_user):
    using = family["using"]
    people = [family[name] for name in ("amy", "jane", "mark", "leo", "sam", "tom")]
    client = verified_client(make_user(Role.HUB_OFFICER, username="hub"))
    _alerts(using, people, 0, 5)  # as many as the page lists: the counts are asked for
    client.get(reverse("chronology:child", args=[people[0]]), {"reason": "s47"})
    few = _queries(using, lambda: client.get(reverse("home")))
    _alerts(using, people, 5, 4)
    for person in people[1:4]:
        client.get(reverse("chronology:child", args=[person]), {"reason": "s47"})
    page = client.get(reverse("home")).content.decode()
    assert "9 open alerts" in page and page.count('href="/children/') >= 4
    many = _queries(using, lambda: client.get(reverse("home")))
    assert many == few <= HOME_PAGE_CEILING
