"""Every indicator on a small hand-built partnership whose right answers are worked out here.

The year is the four calendar quarters to 31 December 2025 (Jan 2025 to Dec 2025). Working days
exclude weekends and England's bank holidays (2025: 1 Jan, 18 and 21 Apr, 5 and 26 May, 25 Aug,
25 and 26 Dec). Each child's story is written so a reader can count the answer by hand.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from jigsaw.insight import indicators as ind

NaT = pd.NaT


def ev(child: int, kind: str, at: str, interview: str | None = None, notified: str | None = None) -> dict:
    return {"child": child, "type": kind, "at": pd.Timestamp(at),
            "interview_at": pd.Timestamp(interview) if interview else NaT,
            "notified_at": pd.Timestamp(notified) if notified else NaT}


EVENTS = pd.DataFrame([
    # contacts: 3 in March 2025, 1 in November 2025, 1 in 2024 (outside the year)
    ev(1, "contact", "2025-03-03"), ev(2, "contact", "2025-03-10"), ev(3, "contact", "2025-03-31 23:00"),
    ev(4, "contact", "2025-11-05"), ev(5, "contact", "2024-12-31"),
    # referrals: child 1 on 2024-06-01 and 2025-05-01 (334 days: a re-referral), and 2025-07-01
    # (61 days after: a re-referral); child 2 on 2024-01-02 and 2025-02-03 (398 days: not one)
    ev(1, "referral", "2024-06-01"), ev(1, "referral", "2025-05-01"), ev(1, "referral", "2025-07-01"),
    ev(2, "referral", "2024-01-02"), ev(2, "referral", "2025-02-03"),
    # assessments: child 1 starts Mon 3 Mar, completes Fri 2 May (working days after 3 Mar up to
    # 2 May: March 20 + April 20 (22 weekdays less Good Friday and Easter Monday) + 2 May 2 = 42 -> in time);
    # child 2 starts Wed 1 Oct, completes Fri 5 Dec (Oct 22 + Nov 20 + Dec 5 = 47 -> late)
    ev(1, "assessment_start", "2025-03-03"), ev(1, "assessment_end", "2025-05-02"),
    ev(2, "assessment_start", "2025-10-01"), ev(2, "assessment_end", "2025-12-05"),
    # section 47 and conferences: child 1 discussion Mon 2 Jun, s47 the same day, conference Mon 23 Jun
    # (15 working days: in time), a second conference (a review) on 1 Sep does not count; child 2
    # discussion Mon 1 Sep, conference Tue 23 Sep (16 working days: late)
    ev(1, "strategy_discussion", "2025-06-02"), ev(1, "section47_start", "2025-06-02"),
    ev(1, "cp_conference", "2025-06-23"), ev(1, "cp_conference", "2025-09-01"),
    ev(2, "strategy_discussion", "2025-09-01"), ev(2, "section47_start", "2025-09-01"),
    ev(2, "cp_conference", "2025-09-23"),
    # plans: child 1 had a plan 2020-01-10 to 2020-06-01, a new one from 2025-06-23 (second time), open;
    # child 2 from 2025-09-23 (first), open; child 3 from 2023-01-01 to 2025-02-01 (2 years 1 month,
    # ended in Q1); child 4 from 2024-12-01 to 2025-04-01 (4 months, ended in Q2)
    ev(1, "cp_plan_start", "2020-01-10"), ev(1, "cp_plan_end", "2020-06-01"),
    ev(1, "cp_plan_start", "2025-06-23"), ev(2, "cp_plan_start", "2025-09-23"),
    ev(3, "cp_plan_start", "2023-01-01"), ev(3, "cp_plan_end", "2025-02-01"),
    ev(4, "cp_plan_start", "2024-12-01"), ev(4, "cp_plan_end", "2025-04-01"),
    # care: child 5 looked after since 2024-03-01, moved 2025-02-01 and 2025-08-01 (3 placements in
    # the 12 months to 31 Dec); child 6 from 2025-10-01, no move (1 placement); child 7 from
    # 2024-01-01 to 2025-05-01 (left)
    ev(5, "looked_after_start", "2024-03-01"), ev(5, "placement_change", "2025-02-01"),
    ev(5, "placement_change", "2025-08-01"),
    ev(6, "looked_after_start", "2025-10-01"),
    ev(7, "looked_after_start", "2024-01-01"), ev(7, "looked_after_end", "2025-05-01"),
    # missing: 2 returns in August, one interviewed after 48 hours, one after 80; one in Oct, none
    ev(5, "missing_return", "2025-08-04 10:00", interview="2025-08-06 10:00"),
    ev(6, "missing_return", "2025-08-10 10:00", interview="2025-08-13 18:00"),
    ev(6, "missing_return", "2025-10-10 10:00"),
    # Operation Encompass: Friday 19 Dec 22:00 incident, school told Monday 22 Dec 08:30 (in time);
    # Wednesday 24 Dec incident, told Monday 29 Dec 08:00 (25, 26 Dec are bank holidays; in time);
    # Tuesday 2 Dec incident, told Wednesday 3 Dec 10:00 (late)
    ev(8, "domestic_abuse_incident", "2025-12-19 22:00", notified="2025-12-22 08:30"),
    ev(9, "domestic_abuse_incident", "2025-12-24 02:00", notified="2025-12-29 08:00"),
    ev(8, "domestic_abuse_incident", "2025-12-02 21:00", notified="2025-12-03 10:00"),
])

QUARTERS = ind.quarters_ending(dt.date(2025, 12, 31))


@pytest.fixture(scope="module")
def values() -> dict[str, ind.Values]:
    return {v.indicator.id: v for v in ind.compute(ind.prepare(EVENTS), QUARTERS)}


def flat(v: ind.Values) -> list[tuple[int, int | None]]:
    return [m for q in v.months for m in q]


def month(v: ind.Values, label: str) -> tuple[int, int | None]:
    labels = [m.label for q in QUARTERS for m in q]
    return flat(v)[labels.index(label)]


def test_the_year_is_four_calendar_quarters_of_three_months():
    assert [m.label for m in QUARTERS[0]] == ["Jan 2025", "Feb 2025", "Mar 2025"]
    assert QUARTERS[-1][-1].end == dt.date(2025, 12, 31)


def test_contacts_and_referrals_are_counted_in_the_month_they_happened(values):
    assert month(values["contacts_rate"], "Mar 2025") == (3, None)
    assert month(values["contacts_rate"], "Nov 2025") == (1, None)
    assert sum(n for n, _ in flat(values["contacts_rate"])) == 4  # the 2024 contact is outside
    assert sum(n for n, _ in flat(values["referrals_rate"])) == 3


def test_re_referrals_within_12_months(values):
    assert month(values["re_referrals"], "May 2025") == (1, 1)  # 334 days after the last
    assert month(values["re_referrals"], "Jul 2025") == (1, 1)
    assert month(values["re_referrals"], "Feb 2025") == (0, 1)  # 398 days: not a re-referral


def test_assessments_within_45_working_days(values):
    assert ind.working_days_after(pd.Series([pd.Timestamp("2025-03-03")]),
                                  pd.Series([pd.Timestamp("2025-05-02")]))[0] == 42
    assert month(values["assessments_45"], "May 2025") == (1, 1)
    assert month(values["assessments_45"], "Dec 2025") == (0, 1)


def test_initial_conferences_within_15_working_days_of_the_strategy_discussion(values):
    assert month(values["icpc_15"], "Jun 2025") == (1, 1)
    assert month(values["icpc_15"], "Sep 2025") == (0, 1)  # 16 days; the review conference is not initial
    assert sum(n for n, _ in flat(values["s47_rate"])) == 2


def test_plans_at_the_end_of_each_month(values):
    assert month(values["cpp_rate"], "Jan 2025") == (2, None)  # children 3 and 4
    assert month(values["cpp_rate"], "Feb 2025") == (1, None)  # child 3's plan ended 1 Feb
    assert month(values["cpp_rate"], "Apr 2025") == (0, None)
    assert month(values["cpp_rate"], "Jun 2025") == (1, None)
    assert month(values["cpp_rate"], "Dec 2025") == (2, None)


def test_second_plans_and_plans_of_two_years(values):
    assert month(values["cpp_second"], "Jun 2025") == (1, 1)
    assert month(values["cpp_second"], "Sep 2025") == (0, 1)
    assert month(values["cpp_2_years"], "Feb 2025") == (1, 1)
    assert month(values["cpp_2_years"], "Apr 2025") == (0, 1)


def test_looked_after_and_placement_moves(values):
    assert month(values["cla_rate"], "Jan 2025") == (2, None)  # 5 and 7
    assert month(values["cla_rate"], "May 2025") == (1, None)  # 7 left on 1 May
    assert month(values["cla_rate"], "Dec 2025") == (2, None)  # 5 and 6
    assert month(values["placement_moves"], "Dec 2025") == (1, 2)  # child 5: 3 placements
    assert month(values["placement_moves"], "Jul 2025") == (0, 1)  # child 5: 2 so far


def test_missing_return_interviews_within_72_hours(values):
    assert month(values["missing_rhi_72"], "Aug 2025") == (1, 2)
    assert month(values["missing_rhi_72"], "Oct 2025") == (0, 1)


def test_operation_encompass_before_the_next_school_day(values):
    assert month(values["encompass_next_day"], "Dec 2025") == (2, 3)


def test_every_indicator_cites_a_source_and_a_direction():
    for i in ind.INDICATORS:
        assert i.source and i.definition and i.good in (ind.HIGHER, ind.LOWER, ind.NEITHER)


def test_a_detail_no_source_records_is_not_recorded_rather_than_zero():
    without = EVENTS.assign(interview_at=NaT)
    prep = ind.prepare(without)
    assert "missing_rhi_72" in prep.unrecorded and "encompass_next_day" not in prep.unrecorded
    got = {v.indicator.id: v for v in ind.compute(prep, QUARTERS)}
    assert not got["missing_rhi_72"].recorded and flat(got["missing_rhi_72"]) == [(0, 0)] * 12
