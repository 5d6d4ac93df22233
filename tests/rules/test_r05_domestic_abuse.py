"""R05: domestic abuse incident in the household of a child aged 4-17 (Operation Encompass)."""

from tests.rules.helpers import ev, household, person, pop, run, subjects

PEOPLE = [person(1, "1985-01-01"), person(2, "2015-06-01"), person(3, "2022-06-01"),
          person(4, "2008-06-01"), person(5, "2021-06-10")]


def test_each_school_age_child_of_the_household_is_a_subject():
    p = pop([ev(1, "domestic_abuse_incident", "2026-01-10", "police", details={"children_present": False})],
            PEOPLE, household(1, 2, 3))
    [f] = run(p, "R05")
    assert f.person_ids == (2,) and f.route == "school_safeguarding_lead"


def test_incident_recorded_on_mother_and_child_is_one_finding_per_child():
    p = pop([ev(1, "domestic_abuse_incident", "2026-01-10", "police"),
             ev(2, "domestic_abuse_incident", "2026-01-10", "police")], PEOPLE, household(1, 2))
    [f] = run(p, "R05")
    assert f.person_ids == (2,) and len(f.event_keys) == 2


def test_age_band_edges():
    # 4 (born 2021-06-10 -> 4 on 2025-06-10) and 17 (born 2008-06-01 -> 18 on 2026-06-01)
    p = pop([ev(1, "domestic_abuse_incident", "2025-06-10", "police")], PEOPLE, household(1, 4, 5))
    assert subjects(run(p, "R05")) == {4, 5}
    p = pop([ev(1, "domestic_abuse_incident", "2026-06-01", "police")], PEOPLE, household(1, 4, 5))
    assert subjects(run(p, "R05")) == {5}
    p = pop([ev(1, "domestic_abuse_incident", "2025-06-09", "police")], PEOPLE, household(1, 5))
    assert run(p, "R05") == []


def test_child_who_left_the_household_before_the_incident():
    p = pop([ev(1, "domestic_abuse_incident", "2026-01-10", "police")], PEOPLE,
            household(1, 2, ended="2025-12-31"))
    assert run(p, "R05") == []


def test_child_who_joined_after_is_not_a_subject_of_earlier_incidents():
    p = pop([ev(1, "domestic_abuse_incident", "2026-01-10", "police")], PEOPLE,
            household(1, 2, started="2026-02-01"))
    assert run(p, "R05") == []


def test_override_of_the_band():
    p = pop([ev(1, "domestic_abuse_incident", "2026-01-10", "police")], PEOPLE, household(1, 2, 3))
    assert subjects(run(p, "R05", overrides={"R05": {"youngest": 2}})) == {2, 3}
