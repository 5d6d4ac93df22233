"""R07a (every missing episode) and R07b (3 or more within 90 days)."""

from tests.rules.helpers import ev, person, pop, run, subjects

KIDS = [person(1, "2011-01-01"), person(2, "1980-01-01")]


def test_every_missing_episode_of_a_child_is_a_finding():
    p = pop([ev(1, "missing_episode", "2026-01-01", "police"),
             ev(1, "missing_return", "2026-01-02", "police"),
             ev(1, "missing_episode", "2026-05-01", "police"),
             ev(2, "missing_episode", "2026-01-01", "police")], KIDS)
    found = run(p, "R07a")
    assert len(found) == 2 and subjects(found) == {1}
    assert "72 hours" in found[0].explanation


def test_repeat_missing_window_edges():
    three = [ev(1, "missing_episode", d, "police") for d in ("2026-01-01", "2026-02-01", "2026-04-01")]
    assert len(run(pop(three, KIDS), "R07b")) == 1  # 90 days from first to last
    late = [ev(1, "missing_episode", d, "police") for d in ("2026-01-01", "2026-02-01", "2026-04-02")]
    assert run(pop(late, KIDS), "R07b") == []
    assert len(run(pop(late, KIDS), "R07b", overrides={"R07b": {"window_days": 91}})) == 1


def test_two_feeds_reporting_the_same_episode_count_once():
    rows = [ev(1, "missing_episode", "2026-01-01", "police"), ev(1, "missing_episode", "2026-01-01", "csc"),
            ev(1, "missing_episode", "2026-02-01", "police")]
    assert run(pop(rows, KIDS), "R07b") == []
    [f] = run(pop(rows, KIDS), "R07a", as_of=__import__("datetime").date(2026, 1, 15))
    assert len(f.event_keys) == 2  # one finding for the day, both records as evidence
