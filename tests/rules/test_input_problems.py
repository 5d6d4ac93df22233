"""Bad input the evaluator must survive: order, duplicates, uncertain dates, death, as_of,
malformed details; and the ``persons`` restriction of incremental runs."""

from datetime import date

import pyarrow as pa

from jigsaw.rules import Population, evaluate, evaluate_report, load_catalogue
from tests.rules.helpers import AS_OF, ev, household, person, pop, run, subjects

KIDS = [person(1, "2011-01-01"), person(2, "2012-01-01"), person(3, "2025-12-01")]


def test_events_out_of_order_give_the_same_findings():
    rows = [ev(1, "missing_episode", d, "police", key=f"police:{d}")
            for d in ("2026-03-01", "2026-01-01", "2026-02-01")]
    a, b = run(pop(rows, KIDS), "R07b"), run(pop(rows[::-1], KIDS), "R07b")
    assert a == b and a[0].event_keys == ("police:2026-01-01", "police:2026-02-01", "police:2026-03-01")


def test_exact_duplicate_key_is_read_once():
    rows = [ev(1, "referral", "2025-01-01", "csc", key="csc:1")] * 2
    r = evaluate_report(load_catalogue(), pop(rows, KIDS), AS_OF)
    assert r.diagnostics.duplicate_keys == 1 and not [f for f in r.findings if f.rule_id == "R08"]


def test_month_precision_uses_the_earliest_day_and_marks_the_finding_uncertain():
    # recorded as "some time in March": read as 1 March, 90 days after the first episode
    rows = [ev(1, "missing_episode", "2025-12-01", "police"),
            ev(1, "missing_episode", "2026-01-15", "police"),
            ev(1, "missing_episode", "2026-03-31", "police", precision="month")]
    [f] = run(pop(rows, KIDS), "R07b")
    assert f.uncertain and f.last_at == date(2026, 3, 1)
    exact = [*rows[:2], ev(1, "missing_episode", "2026-03-31", "police")]
    assert run(pop(exact, KIDS), "R07b") == []


def test_year_precision_is_uncertain():
    [f] = run(pop([ev(3, "injury", "2026-05-05", precision="year")], [person(3, "2025-12-01")]), "R01")
    assert f.uncertain and f.first_at == date(2026, 1, 1)


def test_events_after_death_are_ignored_and_reported():
    rows = [ev(1, "missing_episode", "2026-01-01", "police"), ev(1, "death", "2026-01-05", "csc"),
            ev(1, "missing_episode", "2026-02-01", "police", key="police:late")]
    r = evaluate_report(load_catalogue(), pop(rows, KIDS), AS_OF)
    found = [f for f in r.findings if f.rule_id == "R07a"]
    assert len(found) == 1 and "police:late" in found[0].notes[0]
    assert r.diagnostics.after_death == {1: ["police:late"]}


def test_death_known_to_the_month_keeps_events_of_that_month():
    rows = [ev(1, "death", "2026-01-05", "csc", precision="month"),
            ev(1, "missing_episode", "2026-01-20", "police")]
    assert len(run(pop(rows, KIDS), "R07a")) == 1


def test_events_after_as_of_are_not_seen():
    rows = [ev(1, "referral", "2025-01-01", "csc"), ev(1, "referral", "2025-03-01", "csc")]
    assert run(pop(rows, KIDS), "R08", as_of=date(2025, 2, 1)) == []
    assert len(run(pop(rows, KIDS), "R08", as_of=date(2025, 3, 1))) == 1


def test_unknown_types_bad_details_and_missing_people_do_not_crash():
    # person 9 has no person row (age unknown) but a mobility record; person 1's details are broken
    rows = [ev(9, "injury", "2026-01-01", details={"mobility": "not_independently_mobile"}),
            ev(1, "not_a_type", "2026-01-01"), {**ev(1, "injury", "2026-01-02"), "details": "{not json"}]
    r = evaluate_report(load_catalogue(), pop(rows, KIDS), AS_OF)
    assert r.diagnostics.unknown_event_types == 1 and r.diagnostics.malformed_details == 1
    assert subjects([f for f in r.findings if f.rule_id == "R01"]) == {9}


def test_empty_population():
    empty = Population.from_rows([], [], [])
    assert evaluate(load_catalogue(), empty, AS_OF) == []


def test_dates_and_naive_timestamps_are_accepted():
    t = pa.table({"event_key": ["a:1"], "person_id": [3], "event_type": ["injury"],
                  "occurred_at": pa.array([date(2026, 1, 2)], pa.date32()), "source_system": ["a"]})
    people = pa.table({"person_id": [3], "birth_date": pa.array([date(2025, 12, 1)], pa.date32())})
    hh = pa.table({"person_id": pa.array([], pa.int64()), "member_id": pa.array([], pa.int64())})
    [f] = [f for f in evaluate(load_catalogue(), Population(t, people, hh), AS_OF) if f.rule_id == "R01"]
    assert f.first_at == date(2026, 1, 2)


def test_persons_restriction_matches_the_full_run():
    people = [person(i, "2015-01-01") for i in range(1, 7)] + [person(10, "1985-01-01")]
    rows = [ev(10, "domestic_abuse_incident", "2026-01-01", "police"),
            ev(1, "referral", "2025-01-01", "csc"), ev(1, "referral", "2025-06-01", "csc"),
            ev(4, "referral", "2025-01-01", "csc"), ev(4, "referral", "2025-06-01", "csc"),
            ev(5, "injury", "2025-01-01"), ev(6, "injury", "2025-02-01")]
    p = pop(rows, people, household(10, 2, 3) + household(5, 6))
    cat = load_catalogue()
    full = evaluate(cat, p, AS_OF)
    for wanted in ([2], [1], [5], [4, 6]):
        closure = set(wanted) | {m for r in household(10, 2, 3) + household(5, 6)
                                 if r["person_id"] in wanted for m in [r["member_id"]]}
        expect = [f for f in full if closure & set(f.person_ids)]
        assert evaluate(cat, p, AS_OF, persons=wanted) == expect
    assert subjects(evaluate(cat, p, AS_OF, persons=[2])) == {2, 3}
