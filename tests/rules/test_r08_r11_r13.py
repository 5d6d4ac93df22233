"""R08 (re-referral within 12 months), R11 (new adult, baby under one), R13 (persistent no access)."""

from tests.rules.helpers import ev, household, person, pop, run, subjects

PEOPLE = [person(1, "2025-03-01"), person(2, "1995-01-01"), person(3, "2019-01-01")]


def test_re_referral_within_365_days():
    p = pop([ev(3, "referral", "2024-05-01", "csc"), ev(3, "referral", "2025-05-01", "csc")], PEOPLE)
    [f] = run(p, "R08")
    assert f.person_ids == (3,) and f.mode == "required"
    p = pop([ev(3, "referral", "2024-05-01", "csc"), ev(3, "referral", "2025-05-02", "csc")], PEOPLE)
    assert run(p, "R08") == []


def test_new_adult_joining_a_baby_household():
    p = pop([ev(2, "household_member_joined", "2025-09-01", "hv")], PEOPLE, household(1, 2, 3))
    [f] = run(p, "R11")
    assert f.person_ids == (1,) and f.mode == "advisory"


def test_new_adult_after_the_first_birthday():
    p = pop([ev(1, "household_member_joined", "2026-03-01", "hv")], PEOPLE, household(1, 2))
    assert run(p, "R11") == []  # 365 days old: no longer under one
    p = pop([ev(1, "household_member_joined", "2026-02-28", "hv")], PEOPLE, household(1, 2))
    assert subjects(run(p, "R11")) == {1}


def test_no_access_and_refusals_count_together():
    p = pop([ev(3, "home_visit_no_access", "2025-01-01", "csc"), ev(3, "service_refused", "2025-03-01", "hv"),
             ev(3, "home_visit_no_access", "2025-07-03", "csc")], PEOPLE)  # 183 days
    [f] = run(p, "R13")
    assert len(f.event_keys) == 3
    p = pop([ev(3, "home_visit_no_access", "2025-01-01", "csc"), ev(3, "service_refused", "2025-03-01", "hv"),
             ev(3, "home_visit_no_access", "2025-07-04", "csc")], PEOPLE)
    assert run(p, "R13") == []
