"""R03: two or more injuries to the children of a household within 365 days (household scope)."""

from tests.rules.helpers import ev, household, person, pop, run, subjects

KIDS = [person(1, "2018-01-01"), person(2, "2020-01-01"), person(9, "1990-01-01")]


def test_two_injuries_to_one_child_within_the_window():
    p = pop([ev(1, "injury", "2025-01-10", "ed1"), ev(1, "injury", "2026-01-10", "gp01")], KIDS)
    [f] = run(p, "R03")
    assert f.person_ids == (1,) and f.event_keys[0].startswith("ed1:") and f.mode == "advisory"


def test_window_edge_is_inclusive_of_365_days():
    inside = pop([ev(1, "injury", "2025-01-10"), ev(1, "injury", "2026-01-10")], KIDS)  # 365 days
    outside = pop([ev(1, "injury", "2025-01-10"), ev(1, "injury", "2026-01-11")], KIDS)  # 366 days
    assert len(run(inside, "R03")) == 1 and run(outside, "R03") == []


def test_injuries_across_siblings_count_together_once():
    p = pop([ev(1, "injury", "2025-06-01", "ed1"), ev(2, "injury", "2025-09-01", "gp01")], KIDS,
            household(1, 2, 9))
    [f] = run(p, "R03")  # seen from 1, 2 and the parent: one finding
    assert f.person_ids == (1, 2) and len(f.event_keys) == 2


def test_membership_ended_before_the_events_does_not_count():
    p = pop([ev(1, "injury", "2025-06-01"), ev(2, "injury", "2025-09-01")], KIDS,
            household(1, 2, ended="2025-05-31"))
    assert run(p, "R03") == []


def test_an_event_counts_for_members_living_with_the_injured_child_on_that_day():
    # together until July: 1's June injury is in 2's household history, 2's September one is not in 1's
    p = pop([ev(1, "injury", "2025-06-01"), ev(2, "injury", "2025-09-01")], KIDS,
            household(1, 2, ended="2025-07-01"))
    [f] = run(p, "R03")
    assert f.person_ids == (1, 2)


def test_adult_injuries_do_not_count():
    p = pop([ev(1, "injury", "2025-06-01"), ev(9, "injury", "2025-09-01")], KIDS, household(1, 9))
    assert run(p, "R03") == []


def test_same_injury_from_two_feeds_is_one_occurrence_but_both_are_evidence():
    p = pop([ev(1, "injury", "2025-06-01", "ed1"), ev(1, "injury", "2025-06-01", "gp01")], KIDS)
    assert run(p, "R03") == []
    p = pop([ev(1, "injury", "2025-06-01", "ed1"), ev(1, "injury", "2025-06-01", "gp01"),
             ev(1, "injury", "2025-08-01", "hv")], KIDS)
    [f] = run(p, "R03")
    assert len(f.event_keys) == 3


def test_distinct_sources_override():
    p = pop([ev(1, "injury", "2025-06-01", "ed1"), ev(1, "injury", "2025-08-01", "ed1"),
             ev(1, "injury", "2025-09-01", "ed1")], KIDS)
    assert len(run(p, "R03")) == 1
    assert run(p, "R03", overrides={"R03": {"min_sources": 2}}) == []
    p2 = pop([ev(1, "injury", "2025-06-01", "ed1"), ev(1, "injury", "2025-08-01", "ed1"),
              ev(1, "injury", "2025-09-01", "gp01")], KIDS)
    assert len(run(p2, "R03", overrides={"R03": {"min_sources": 2, "min_injuries": 3}})) == 1
    assert run(p2, "R03", overrides={"R03": {"min_sources": 3}}) == []


def test_growing_pattern_keeps_its_key():
    first_two = [ev(1, "injury", "2025-06-01", key="ed1:A"), ev(1, "injury", "2025-08-01", key="ed1:B")]
    early = pop(first_two, KIDS)
    later = pop([ev(1, "injury", "2025-06-01", key="ed1:A"), ev(1, "injury", "2025-08-01", key="ed1:B"),
                 ev(1, "injury", "2025-12-01", key="ed1:C")], KIDS)
    [a], [b] = run(early, "R03"), run(later, "R03")
    assert a.pattern_key == b.pattern_key == "R03:1:ed1:A" and len(b.event_keys) == 3
    assert subjects([b]) == {1}
