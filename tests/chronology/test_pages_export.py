"""Downloading and printing a chronology from the child's page: same checks, same view, logged."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.urls import reverse

from jigsaw.accounts.roles import Role
from jigsaw.audit.models import AccessEntry
from tests.accounts.support import verified_client
from tests.conftest import BOTH
from tests.signpost import person_of
from tests.web.support import page_of

pytestmark = pytest.mark.django_db(databases=BOTH)


def _export(client, person: int, fmt: str, **params: str):
    params.setdefault("reason", "s47")  # every read names its own reason
    return client.get(reverse("chronology:chronology-export", args=[person, fmt]), params)


def test_csv_json_and_print_view_hold_the_filtered_events(loaded, make_user):
    olivia = person_of("csc", "C1", loaded)
    client = verified_client(make_user(Role.SOCIAL_WORKER, username="sw"))
    page = page_of(client.get(reverse("chronology:child", args=[olivia]), {"reason": "s47"}))
    assert reverse("chronology:chronology-export", args=[olivia, "csv"]) in page
    rows = list(csv.DictReader(io.StringIO(_export(client, olivia, "csv").content.decode())))
    assert [r["date"] for r in rows] == ["2018-01-01", "2019-05-05", "2023-02-01", "2024-02-02", "2024-06-01"]
    only_visits = _export(client, olivia, "json", type="home_visit")
    assert only_visits["Content-Disposition"] == f'attachment; filename="chronology-{olivia}.json"'
    assert [e["event_type"] for e in json.loads(only_visits.content)["entries"]] == ["home_visit"]
    printed = _export(client, olivia, "html")
    assert printed.status_code == 200 and "Olivia Bennett" in page_of(printed)  # no inline style or script
    assert client.get("/static/chronology/print.css").status_code == 200
    assert "Content-Disposition" not in printed
    logged = AccessEntry.objects.using(loaded).filter(action="export", actor="sw", person_id=olivia)
    assert [(e.detail["format"], e.reason_code) for e in logged] == [("csv", "s47"), ("json", "s47"),
                                                                     ("html", "s47")]
    assert logged[1].detail["filters"]["event_types"] == ["home_visit"]


def test_the_anonymised_version_names_no_one(loaded, make_user):
    olivia = person_of("csc", "C1", loaded)
    client = verified_client(make_user(Role.SAFEGUARDING_LEAD))
    body = _export(client, olivia, "csv", reason="s47", view="household", anonymise="1").content.decode()
    assert "Child A" in body and "Olivia" not in body and "Bennett" not in body
    entry = AccessEntry.objects.using(loaded).get(action="export")
    assert entry.detail["anonymised"] is True and entry.detail["household"] is True


def test_an_export_asks_for_a_reason_and_refuses_a_bad_format_or_date(loaded, make_user):
    olivia = person_of("csc", "C1", loaded)
    client = verified_client(make_user(Role.HUB_OFFICER))
    asking = _export(client, olivia, "csv", reason="")
    assert "Why are you opening this record?" in asking.content.decode()
    assert _export(client, olivia, "xlsx", reason="s47").status_code == 404
    bad = _export(client, olivia, "csv", reason="s47", **{"from-day": "31", "from-month": "2",
                                                          "from-year": "2020"})
    assert bad.status_code == 400 and "real date" in bad.content.decode()
    assert not AccessEntry.objects.using(loaded).filter(action="export").exists()
    assert verified_client(make_user(Role.ANALYST)).get(
        reverse("chronology:chronology-export", args=[olivia, "csv"]), {"reason": "s47"}).status_code == 403
