"""Working days in England and Wales: weekends, bank holidays from the package, local closures."""

from datetime import date

import holidays
import pytest

from jigsaw.reviews.workdays import add_working_days, is_working_day, skipped

ENGLAND = holidays.country_holidays("GB", subdiv="ENG", years=[2025, 2026, 2027])


def test_a_plain_week_is_five_working_days():
    assert add_working_days(date(2025, 6, 2), 5, closures=()) == date(2025, 6, 9)  # Monday -> Monday


def test_christmas_2025_moves_the_notification_clock_by_two_days():
    # aware Monday 22 Dec 2025: Christmas Day and Boxing Day (Thu, Fri) do not count
    assert date(2025, 12, 25) in ENGLAND and date(2025, 12, 26) in ENGLAND
    assert add_working_days(date(2025, 12, 22), 5, closures=()) == date(2025, 12, 31)
    assert [d for d, _ in skipped(date(2025, 12, 22), date(2025, 12, 31), closures=())] == [
        date(2025, 12, 25),
        date(2025, 12, 26),
    ]


def test_the_rapid_review_clock_skips_new_year():
    assert date(2026, 1, 1) in ENGLAND
    assert add_working_days(date(2025, 12, 31), 15, closures=()) == date(2026, 1, 22)


def test_easter_2026_good_friday_and_easter_monday_do_not_count():
    assert date(2026, 4, 3) in ENGLAND and date(2026, 4, 6) in ENGLAND
    assert add_working_days(date(2026, 4, 2), 5, closures=()) == date(2026, 4, 13)


def test_boxing_day_2026_on_a_saturday_is_observed_on_monday():
    assert not is_working_day(date(2026, 12, 28), closures=())
    assert add_working_days(date(2026, 12, 24), 1, closures=()) == date(2026, 12, 29)


def test_local_closure_days_come_from_the_setting(settings):
    settings.JIGSAW_REVIEW_CLOSURE_DAYS = (date(2025, 12, 29), date(2025, 12, 30))
    assert add_working_days(date(2025, 12, 22), 5) == date(2026, 1, 5)
    assert (date(2025, 12, 29), "local closure day") in skipped(date(2025, 12, 22), date(2026, 1, 5))


def test_counting_backwards_is_refused():
    with pytest.raises(ValueError):
        add_working_days(date(2025, 1, 1), -1)
