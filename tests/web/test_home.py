"""The home page: the user's own work; for an administrator, import counts kept between views."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from jigsaw.accounts.roles import Role
from jigsaw.records.importer import import_paths
from jigsaw.records.models import Event, PersonRecord
from tests.accounts.support import verified_client
from tests.conftest import BOTH, PEOPLE_HEADER, write_csv

pytestmark = pytest.mark.django_db(databases=BOTH)


def _shown(page: str, what: str) -> int:
    return int(re.search(rf">(\d+)</span> {what}", page).group(1))


def test_home_counts_are_right_and_change_with_the_next_import(loaded, make_user, tmp_path,
                                                               django_assert_max_num_queries):
    client = verified_client(make_user(Role.ADMINISTRATOR))
    page = client.get(reverse("home")).content.decode()
    assert _shown(page, "person records") == PersonRecord.objects.using(loaded).count()
    assert _shown(page, "events") == Event.objects.using(loaded).count()
    with django_assert_max_num_queries(20, using=loaded) as counted:
        client.get(reverse("home"))
    events_counted = [q for q in counted.captured_queries if "records_event" in q["sql"]]
    assert not events_counted  # the second view takes the counts from the cache
    before = PersonRecord.objects.using(loaded).count()
    write_csv(tmp_path / "more" / "people.csv", PEOPLE_HEADER,
              [["extra", "X1", "Ann", "Lee", "2015-01-01", "", "", "F"]])
    import_paths([tmp_path / "more"], using=loaded)
    assert _shown(client.get(reverse("home")).content.decode(), "person records") == before + 1


def test_the_import_dashboard_is_the_administrators_only(loaded, make_user):
    for role in (Role.PRACTITIONER, Role.HUB_OFFICER, Role.SOCIAL_WORKER, Role.SAFEGUARDING_LEAD,
                 Role.ANALYST, Role.AUDITOR):
        page = verified_client(make_user(role)).get(reverse("home")).content.decode()
        assert "person records" not in page and "My work" in page, role
