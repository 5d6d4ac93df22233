"""R01: any injury to a baby under 182 days, or to a child recorded as not independently mobile."""

from tests.rules.helpers import ev, person, pop, run, subjects


def test_injury_to_a_baby_under_six_months_is_found():
    p = pop([ev(1, "injury", "2026-03-01", details={"injury_type": "bruise"})], [person(1, "2025-09-01")])
    [f] = run(p, "R01")
    assert f.person_ids == (1,) and f.severity == "high" and f.mode == "required" and f.route == "hub"
    assert "182 days" in f.explanation and "cumbriascp" in f.citation


def test_age_boundary_is_182_days():
    born = "2025-09-01"  # + 181 days = 2026-03-01, + 182 days = 2026-03-02
    p = pop([ev(1, "injury", "2026-03-01"), ev(2, "injury", "2026-03-02")],
            [person(1, born), person(2, born)])
    assert subjects(run(p, "R01")) == {1}


def test_older_child_recorded_not_independently_mobile_is_found():
    p = pop([ev(1, "injury", "2026-03-01", details={"mobility": "not_independently_mobile"}),
             ev(2, "injury", "2026-03-01", details={"mobility": "mobile"}),
             ev(3, "injury", "2026-03-01")],
            [person(1, "2019-01-01"), person(2, "2019-01-01"), person(3, "2019-01-01")])
    assert subjects(run(p, "R01")) == {1}


def test_unknown_birth_date_only_matches_on_mobility():
    p = pop([ev(1, "injury", "2026-03-01"), ev(2, "injury", "2026-03-01",
                                                  details={"mobility": "not_independently_mobile"})],
            [person(1, None), person(2, None)])
    assert subjects(run(p, "R01")) == {2}


def test_other_event_types_do_not_match():
    p = pop([ev(1, "ed_attendance", "2026-03-01", details={"mobility": "not_independently_mobile"})],
            [person(1, "2026-01-01")])
    assert run(p, "R01") == []


def test_override_narrows_the_age():
    p = pop([ev(1, "injury", "2026-03-01")], [person(1, "2025-12-01")])  # 90 days old
    assert run(p, "R01", overrides={"R01": {"max_age_days": 60}}) == []
    [f] = run(p, "R01", overrides={"R01": {"max_age_days": 120}})
    assert "120 days" in f.explanation
