"""Each rule's deadline comes from its own file, and school and working days skip bank holidays."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from jigsaw.feeds.calendar import add_working_days, is_working_day, next_working_day, working_days_between
from jigsaw.rules import CATALOGUE_DIR, Deadline, RuleFileError, SchoolDays, load_catalogue
from jigsaw.rules.deadlines import parse_deadline


def test_the_shipped_rules_carry_their_deadlines():
    deadlines = {rule.id: rule.deadline for rule in load_catalogue()}
    assert deadlines["R05"] == Deadline(when="next_school_day")
    assert deadlines["R07a"] == Deadline(within_hours=72)
    assert deadlines["R04a"] == deadlines["R04c"] == Deadline(when="end_of_day")
    assert deadlines["R01"] == Deadline(when="immediately")
    assert deadlines["R08"] is None


def test_working_days_skip_weekends_and_englands_bank_holidays():
    assert not is_working_day(date(2026, 12, 25))
    assert not is_working_day(date(2026, 12, 28))  # Boxing Day, observed on the Monday
    assert next_working_day(date(2026, 12, 24)) == date(2026, 12, 29)
    assert add_working_days(date(2026, 4, 2), 1) == date(2026, 4, 7)  # Good Friday and Easter Monday
    assert add_working_days(date(2026, 12, 21), 5) == date(2026, 12, 30)
    assert working_days_between(date(2026, 12, 21), date(2026, 12, 30)) == 5
    assert add_working_days(date(2026, 7, 20), 1, closures={date(2026, 7, 21)}) == date(2026, 7, 22)


def test_the_next_school_day_skips_bank_holidays_and_closures():
    school = SchoolDays(time(8, 30), frozenset({date(2026, 4, 8)}))
    maundy_thursday = datetime(2026, 4, 2, 19, 0, tzinfo=UTC)
    # Good Friday, the weekend and Easter Monday pass: 7 April at 08:30 BST
    assert school.next_start(maundy_thursday) == datetime(2026, 4, 7, 7, 30, tzinfo=UTC)
    after_school_starts = datetime(2026, 4, 7, 9, 0, tzinfo=UTC)
    assert school.next_start(after_school_starts) == datetime(2026, 4, 9, 7, 30, tzinfo=UTC)
    due = Deadline(when="next_school_day").due(maundy_thursday, school)
    assert due == datetime(2026, 4, 7, 7, 30, tzinfo=UTC)


@pytest.mark.parametrize(("raw", "message"), [
    ({"when": "soon"}, "when must be one of"),
    ({"within_hours": 0}, "1 or more"),
    ({"within_hours": "72"}, "whole number"),
    ({}, "exactly one"),
    ({"when": "immediately", "within_hours": 3}, "exactly one"),
    ({"by": "monday"}, "unknown key 'by'"),
])
def test_a_bad_deadline_is_refused_with_what_is_wrong(raw, message):
    with pytest.raises(ValueError, match=message):
        parse_deadline(raw)


def test_a_rule_file_with_a_bad_deadline_names_the_file_and_line(tmp_path):
    text = (CATALOGUE_DIR / "R07a_missing_episode.toml").read_text()
    (tmp_path / "R07a.toml").write_text(text.replace("within_hours = 72", "within_hours = -1"))
    with pytest.raises(RuleFileError, match=r"R07a.toml:\d+: deadline within_hours"):
        load_catalogue(tmp_path)
