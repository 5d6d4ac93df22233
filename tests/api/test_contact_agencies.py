"""The contact's agencies, read with written-out SQL: by current name, else by a former one."""

from __future__ import annotations

import pytest

from jigsaw.api.query import _agencies
from jigsaw.records.models import Agency
from tests.conftest import BOTH

pytestmark = pytest.mark.django_db(databases=BOTH)


def test_agencies_are_found_by_current_then_former_name(db_alias):
    health = Agency.objects.using(db_alias).create(
        name="Leeds Health", agency_type="health", former_names=["Leeds PCT"],
        safeguarding_phone="0113 000 0001", safeguarding_email="sg@health.example")
    school = Agency.objects.using(db_alias).create(name="Oak School", agency_type="education")
    found = _agencies({"Leeds Health", "Oak School"}, db_alias)
    assert {k: (a.pk, a.name, a.agency_type, a.safeguarding_phone, a.safeguarding_email)
            for k, a in found.items()} == {
        "leeds health": (health.pk, "Leeds Health", "health", "0113 000 0001", "sg@health.example"),
        "oak school": (school.pk, "Oak School", "education", "", "")}
    renamed = _agencies({"leeds pct", "Oak School"}, db_alias)  # a feed still on the old name
    assert renamed["leeds pct"].pk == health.pk and renamed["oak school"].pk == school.pk
    assert _agencies(set(), db_alias) == {}
