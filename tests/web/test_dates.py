"""The ``long_date`` filter: dates in words on every page, whatever form the service gave them in."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from jigsaw.web.templatetags.dates import long_date


@pytest.mark.parametrize(("value", "shown"), [
    (date(2017, 3, 8), "8 March 2017"),
    ("2017-03-08", "8 March 2017"),
    (datetime(2026, 7, 1, 11, 5, tzinfo=UTC), "1 July 2026 12:05"),  # British Summer Time
    ("2026-12-04T09:30:00+00:00", "4 December 2026 09:30"),
    ("2017-03", "2017-03"),  # only a month known: shown as it is, never made up
    ("not a date", "not a date"),
    (None, ""),
    ("", ""),
    ("0001-01-01T00:00+14:00", "1 January 0001 00:00"),  # local time would be before year 1
])
def test_long_date(value, shown, settings):
    settings.TIME_ZONE = "Europe/London"
    assert long_date(value) == shown
