"""Application logs never hold personal data (DESIGN's house rule), across a whole working session.

Every logger is captured at DEBUG while a user searches, opens a child, is refused another, and
posts bad forms; no name, birth date, postcode or NHS number of the loaded people may appear.
"""

from __future__ import annotations

import logging
import re

import pytest
from django.urls import reverse

from jigsaw.accounts.roles import Role
from jigsaw.records.models import PersonRecord
from tests.accounts.support import verified_client
from tests.conftest import BOTH
from tests.signpost import person_of
from tests.web.support import make_alert, search_form

pytestmark = pytest.mark.django_db(databases=BOTH)


def _personal_values(using: str) -> set[str]:
    values = set()
    for row in PersonRecord.objects.using(using).values("given_name", "family_name", "birth_date", "postcode",
                                                        "nhs_number"):
        values |= {str(v) for v in row.values() if v and len(str(v)) >= 4}
    return values


def test_a_working_session_leaves_no_personal_data_in_the_logs(loaded, make_user, caplog):
    olivia, jack = person_of("csc", "C1", loaded), person_of("csc", "C3", loaded)
    alert = make_alert(loaded, olivia)
    hidden = logging.getLogger("django.security")  # does not propagate to the root logger
    hidden.addHandler(caplog.handler)
    try:
        with caplog.at_level(logging.DEBUG):
            hub = verified_client(make_user(Role.HUB_OFFICER))
            hub.post(reverse("signpost:search"), search_form(
                given_name="Olivia", family_name="Bennett", nhs_number="9434765919",
                **{"dob-day": "8", "dob-month": "3", "dob-year": "2017"}))
            hub.get(reverse("chronology:child", args=[olivia]), {"reason": "s47", "view": "household"})
            hub.get(reverse("alerts:alert", args=[alert.pk]))
            hub.post(reverse("signpost:search"), search_form(given_name="Olivia" * 50, family_name="Bennett"))
            hub.post(reverse("signpost:search"), {"given_name": "Bennett" * 20_000})  # too big to parse
            gp = verified_client(make_user(Role.PRACTITIONER, agency="Riverside Surgery"))
            assert gp.get(reverse("chronology:child", args=[jack]), {"reason": "health"}).status_code == 403
    finally:
        hidden.removeHandler(caplog.handler)
    text = caplog.text
    assert caplog.records, "nothing was logged: the test would prove nothing"
    leaked = sorted(v for v in _personal_values(loaded) if v.casefold() in text.casefold())
    assert not leaked, f"personal data in application logs: {leaked}"


def test_an_unhandled_error_is_logged_by_its_kind_never_its_message():
    """A 500's exception text can quote the data; the log keeps its class and where it was raised."""
    import sys

    from django.conf import settings

    from jigsaw.web.logs import ErrorWithoutDetail

    try:
        raise ValueError('Key (name)=(Amy Smith) already exists')
    except ValueError:
        record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Internal Server Error: %s",
                                   ("/children/7/",), sys.exc_info())
    assert ErrorWithoutDetail().filter(record) is True
    line = logging.Formatter("%(message)s").format(record)
    assert line.startswith("Internal Server Error: /children/7/ (ValueError")
    assert "Amy" not in line and "Traceback" not in line
    assert "(ValueError)" in line  # raised here in the tests, not in Jigsaw: no place named
    from jigsaw.api.fhir import BadRequest, parse_query

    try:
        parse_query(b"not json")
    except BadRequest:
        record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Internal Server Error: %s",
                                   ("/fhir/",), sys.exc_info())
    ErrorWithoutDetail().filter(record)
    assert re.search(r"\(BadRequest at fhir\.py:\d+\)$", record.getMessage())
    assert settings.LOGGING["loggers"]["django.request"]["handlers"] == ["errors"]
    assert settings.LOGGING["handlers"]["errors"]["filters"] == ["no_detail"]
