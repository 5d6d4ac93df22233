import contextlib
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jigsaw.feeds.dates import _parse_slowly, parse_date, parse_event_time
from jigsaw.feeds.errors import FieldError

LONDON = ZoneInfo("Europe/London")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# --- parse_date -------------------------------------------------------------------------------


def test_parse_date():
    assert parse_date("2019-02-28") == date(2019, 2, 28)
    assert parse_date(" 2019-02-28\n") == date(2019, 2, 28)


def test_leap_days():
    assert parse_date("2024-02-29") == date(2024, 2, 29)
    assert parse_date("2000-02-29") == date(2000, 2, 29)
    with pytest.raises(FieldError, match=r"day 29 does not exist in February 2023"):
        parse_date("2023-02-29")
    with pytest.raises(FieldError, match=r"day 29 does not exist in February 1900"):
        parse_date("1900-02-29")


def test_thirty_first_of_february_message():
    with pytest.raises(FieldError) as info:
        parse_date("2019-02-31")
    assert str(info.value) == (
        "'2019-02-31' is not a real date (day 31 does not exist in February 2019)"
    )


def test_wrong_format_message():
    with pytest.raises(FieldError) as info:
        parse_date("31/02/2019")
    assert str(info.value) == "'31/02/2019' is not an ISO 8601 date (expected YYYY-MM-DD)"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2019-13-01", "there is no month 13"),
        ("2019-00-10", "there is no month 0"),
        ("2019-04-00", "there is no day 0"),
        ("2019-04-31", "day 31 does not exist in April 2019"),
        ("0000-01-01", "there is no year 0"),
    ],
)
def test_not_real_dates(text, reason):
    with pytest.raises(FieldError, match=reason):
        parse_date(text)


@pytest.mark.parametrize(
    "text",
    ["", "2019", "2019-02", "20190228", "2019-2-28", "2019-02-28T00:00", "2019-W09-4",
     "٢٠١٩-٠٢-٢٨", "28 Feb 2019"],
)
def test_only_yyyy_mm_dd(text):
    with pytest.raises(FieldError, match="not an ISO 8601 date"):
        parse_date(text)


def test_long_and_control_text_is_shortened_and_escaped_in_messages():
    with pytest.raises(FieldError) as info:
        parse_date("x" * 1000)
    assert len(str(info.value)) < 100
    with pytest.raises(FieldError) as info:
        parse_date("2019\x0002-28")
    assert "\x00" not in str(info.value)


def test_non_text_raises_field_error():
    with pytest.raises(FieldError):
        parse_date(20190228)  # type: ignore[arg-type]


@given(st.dates())
def test_parse_date_round_trips_isoformat(d):
    assert parse_date(d.isoformat()) == d


@given(st.text())
def test_parse_date_raises_only_field_error(text):
    with contextlib.suppress(FieldError):
        assert isinstance(parse_date(text), date)


# --- parse_event_time -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # naive times are Europe/London: GMT in winter, BST (UTC+1) in summer
        ("2024-01-15T12:00", (utc(2024, 1, 15, 12), "datetime")),
        ("2024-07-15T12:00", (utc(2024, 7, 15, 11), "datetime")),
        ("2024-07-15 12:00:30", (utc(2024, 7, 15, 11, 0, 30), "datetime")),
        ("2024-07-15T12:00:30.25", (utc(2024, 7, 15, 11, 0, 30, 250000), "datetime")),
        ("2024-07-15T12:00:30.123456", (utc(2024, 7, 15, 11, 0, 30, 123456), "datetime")),
        # explicit offsets
        ("2024-07-15T12:00Z", (utc(2024, 7, 15, 12), "datetime")),
        ("2024-07-15T12:00:00+02:00", (utc(2024, 7, 15, 10), "datetime")),
        ("2024-07-15T12:00:00-05:30", (utc(2024, 7, 15, 17, 30), "datetime")),
        ("2024-01-01T00:30+01:00", (utc(2023, 12, 31, 23, 30), "datetime")),
        ("2024-07-15t12:00z", (utc(2024, 7, 15, 12), "datetime")),
        # dates and uncertain dates are midnight UTC of their first day
        ("2024-07-15", (utc(2024, 7, 15), "day")),
        ("2024-07", (utc(2024, 7, 1), "month")),
        ("2024", (utc(2024, 1, 1), "year")),
        (" 2024-07-15 ", (utc(2024, 7, 15), "day")),
    ],
)
def test_parse_event_time(text, expected):
    moment, precision = parse_event_time(text)
    assert (moment, precision) == expected
    assert moment.utcoffset() == timedelta(0)


def test_clock_changes_use_the_offset_before_the_change():
    # 2024-03-31 01:30 does not exist in London (clocks go 01:00 GMT -> 02:00 BST)
    assert parse_event_time("2024-03-31T01:30")[0] == utc(2024, 3, 31, 1, 30)
    assert parse_event_time("2024-03-31T02:30")[0] == utc(2024, 3, 31, 1, 30)
    # 2024-10-27 01:30 happens twice in London; the first (BST) is taken
    assert parse_event_time("2024-10-27T01:30")[0] == utc(2024, 10, 27, 0, 30)
    assert parse_event_time("2024-10-27T02:30")[0] == utc(2024, 10, 27, 2, 30)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2024-02-30T10:00", "day 30 does not exist in February 2024"),
        ("2023-02-29", "day 29 does not exist in February 2023"),
        ("2024-13", "there is no month 13"),
        ("0000", "there is no year 0"),
        ("2024-07-15T24:00", "not a real time"),
        ("2024-07-15T12:60", "not a real time"),
        ("2024-07-15T12:00:60", "not a real time"),
        ("2024-07-15T12:00+24:00", "impossible UTC offset"),
        ("2024-07-15T12:00+01:60", "impossible UTC offset"),
        ("9999-12-31T23:00-01:00", "outside the supported range"),
        ("0001-01-01T00:30+01:00", "outside the supported range"),
        ("15/07/2024", "not an ISO 8601 date or time"),
        ("2024-07-15T12", "not an ISO 8601 date or time"),
        ("2024-07-15T12:00:00.1234567", "not an ISO 8601 date or time"),
        ("2024-07-15T12:00+0100", "not an ISO 8601 date or time"),
        ("20240715", "not an ISO 8601 date or time"),
        ("2024-W29-1", "not an ISO 8601 date or time"),
        ("2024-07-15X12:00", "not an ISO 8601 date or time"),
        ("", "not an ISO 8601 date or time"),
    ],
)
def test_parse_event_time_errors(text, reason):
    with pytest.raises(FieldError, match=reason):
        parse_event_time(text)


def test_non_text_event_time_raises_field_error():
    with pytest.raises(FieldError):
        parse_event_time(None)  # type: ignore[arg-type]


minute_offsets = st.integers(min_value=-23 * 60 - 59, max_value=23 * 60 + 59).map(
    lambda m: timezone(timedelta(minutes=m))
)


@given(st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1),
                    timezones=minute_offsets))
def test_aware_isoformat_round_trips(moment):
    parsed, precision = parse_event_time(moment.isoformat())
    assert parsed == moment
    assert parsed.tzinfo is UTC
    assert precision == "datetime"


@given(st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1)),
       st.sampled_from(["T", " "]))
def test_naive_times_are_london(moment, sep):
    parsed, _ = parse_event_time(moment.isoformat(sep))
    assert parsed == moment.replace(tzinfo=LONDON).astimezone(UTC)


@given(st.dates())
def test_dates_are_midnight_utc_with_day_precision(d):
    assert parse_event_time(d.isoformat()) == (utc(d.year, d.month, d.day), "day")


edge_shapes = st.from_regex(
    r"[0-9]{4}(-[0-9]{2}(-[0-9]{2}([Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,7})?)?"
    r"([Zz]|[+-][0-9]{2}:?[0-9]{2})?)?)?)?",
    fullmatch=True,
)


@pytest.mark.slow
@given(st.one_of(st.text(), edge_shapes))
def test_parse_event_time_raises_only_field_error(text):
    try:
        moment, precision = parse_event_time(text)
    except FieldError:
        return
    assert moment.tzinfo is UTC
    assert precision in {"datetime", "day", "month", "year"}


@given(edge_shapes)
def test_fast_and_slow_paths_agree(text):
    try:
        expected = _parse_slowly(text.strip())
    except FieldError:
        with pytest.raises(FieldError):
            parse_event_time(text)
        return
    assert parse_event_time(text) == expected


@pytest.mark.parametrize(("day", "month", "year", "said"), [
    ("8", "3", "2017", ""),
    ("08", "03", "2017", ""),
    ("31", "2", "2017", "Enter a real date"),
    ("8", "3", "17", "Year must include 4 numbers"),
    ("8", "3", "99999999999999999999", "Year must include 4 numbers"),  # was an OverflowError
    ("31", "12", "9999", "Enter a year from 1000 to 9998"),  # a day later would overflow
    ("8", "3", "0999", "Enter a year from 1000 to 9998"),
    ("x", "3", "2017", "Enter a real date"),
    ("٨", "3", "2017", "Enter a real date"),  # an Arabic-Indic digit
    ("8", "", "2017", "Enter a day, month and year"),
])
def test_date_from_parts_never_raises(day, month, year, said):
    from jigsaw.feeds import date_from_parts

    found, message = date_from_parts(day, month, year)
    assert message == said and (found is None) == bool(said)
