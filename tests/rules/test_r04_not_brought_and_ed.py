"""R04a (was not brought on a CP plan), R04b (repeated was not brought), R04c (ED attendance on a
plan or looked after): the state tests and the count window."""

from tests.rules.helpers import ev, person, pop, run, subjects

KID = [person(1, "2018-01-01"), person(2, "2018-01-01")]


def plan(pid: int, start: str, end: str | None = None, kind: str = "cp_plan") -> list[dict]:
    out = [ev(pid, f"{kind}_start", start, "csc")]
    return out + ([ev(pid, f"{kind}_end", end, "csc")] if end else [])


def test_not_brought_while_on_an_open_plan():
    p = pop([*plan(1, "2025-01-01"), ev(1, "appointment_was_not_brought", "2026-02-01")], KID)
    [f] = run(p, "R04a")
    assert f.route == "allocated_worker" and f.event_keys[0].startswith("csc:")  # the plan start is evidence
    assert len(f.event_keys) == 2


def test_state_before_start_and_after_end():
    p = pop([*plan(1, "2025-01-01", "2025-06-30"),
             ev(1, "appointment_was_not_brought", "2024-12-31"),  # before the plan
             ev(1, "appointment_was_not_brought", "2025-06-30"),  # the day it ended: still on it
             ev(1, "appointment_was_not_brought", "2025-07-01")], KID)  # after
    [f] = run(p, "R04a")
    assert f.first_at.isoformat() == "2025-01-01" and f.last_at.isoformat() == "2025-06-30"


def test_second_plan_after_an_earlier_one_ended():
    p = pop([*plan(1, "2023-01-01", "2023-06-01"), *plan(1, "2025-01-01"),
             ev(1, "home_visit_no_access", "2024-01-01", "csc"),
             ev(1, "home_visit_no_access", "2025-03-01", "csc")], KID)
    [f] = run(p, "R04a")
    assert f.last_at.isoformat() == "2025-03-01"


def test_plan_of_another_person_does_not_count():
    p = pop([*plan(2, "2025-01-01"), ev(1, "appointment_was_not_brought", "2025-03-01")], KID)
    assert run(p, "R04a") == []


def test_repeated_not_brought_count_and_window():
    twice = pop([ev(1, "appointment_was_not_brought", "2025-01-01"),
                 ev(1, "appointment_was_not_brought", "2026-01-01")], KID)  # 365 days apart
    too_far = pop([ev(1, "appointment_was_not_brought", "2025-01-01"),
                   ev(1, "appointment_was_not_brought", "2026-01-02")], KID)
    assert subjects(run(twice, "R04b")) == {1} and run(too_far, "R04b") == []
    assert run(twice, "R04b", overrides={"R04b": {"min_count": 3}}) == []


def test_repeat_is_one_finding_per_chain():
    p = pop([ev(1, "appointment_was_not_brought", d) for d in
             ("2025-01-01", "2025-02-01", "2025-03-01", "2025-04-01")], KID)
    [f] = run(p, "R04b")
    assert len(f.event_keys) == 4


def test_ed_attendance_on_plan_or_looked_after():
    p = pop([*plan(1, "2025-01-01", kind="looked_after"), ev(1, "ed_attendance", "2025-05-01", "ed1"),
             ev(2, "ed_attendance", "2025-05-01", "ed1")], KID)
    [f] = run(p, "R04c")
    assert f.person_ids == (1,) and f.route == "allocated_worker"


def test_ed_attendance_after_looked_after_ended():
    p = pop([*plan(1, "2025-01-01", "2025-03-01", kind="looked_after"),
             ev(1, "ed_attendance", "2025-03-02", "ed1")], KID)
    assert run(p, "R04c") == []


def test_month_precision_plan_start_counts_from_the_first_of_the_month_and_is_uncertain():
    p = pop([ev(1, "cp_plan_start", "2025-03-20", "csc", precision="month"),
             ev(1, "ed_attendance", "2025-03-05", "ed1")], KID)
    [f] = run(p, "R04c")
    assert f.uncertain


def test_urgent_care_attendance_on_a_plan_is_noticed_like_an_ed_attendance():
    """CP-IS covers every unscheduled-care setting (urgent treatment centre, minor injury unit,
    walk-in centre ...), not only the emergency department."""
    p = pop([*plan(1, "2025-01-01"), ev(1, "urgent_care_attendance", "2025-05-01", "uc1"),
             ev(2, "urgent_care_attendance", "2025-05-01", "uc1")], KID)
    [f] = run(p, "R04c")
    assert f.person_ids == (1,) and len(f.event_keys) == 2  # the plan start and the attendance
