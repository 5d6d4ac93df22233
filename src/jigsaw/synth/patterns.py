"""The risk patterns synth injects, with the thresholds that define them.

One place names every pattern and its parameters so the generator, its truth file and any test of
the alert rules agree. Each pattern is the data shape of a rule in the research note
``research/anchors-chronology-reviews.md`` §2.1:

========================== ======= ===========================================================
pattern                    rule    shape injected (and recorded in ``truth/patterns.csv``)
========================== ======= ===========================================================
non_mobile_injury          R01     injury (mostly a bruise) to a baby under 6 months, or to an
                                   older child whose record says ``not_independently_mobile``
injury_pattern             R03     >= 3 injuries to a child or its siblings within 12 months,
                                   recorded by >= 2 different source systems
ed_attendance_on_plan      R04c    a child on a CP plan (``cp_plan_start``, no end yet) or looked
                                   after attends an emergency department
domestic_abuse_school_age  R05     police domestic abuse incident in a household with a child
                                   aged 5-16, recorded on the adult victim and each child present
                                   (``children_present`` true); one truth row per school-age child
missing_episode            R07a    every child with a missing episode; each is followed by
                                   ``missing_return``
missing_repeat             R07b    >= 3 missing episodes within 90 days (a local rule, see R7)
was_not_brought_on_plan    R04a    "was not brought" while the child is on a CP plan
was_not_brought_repeat     R04b    >= 3 "was not brought" within 12 months
repeat_referral            R08     a referral within 12 months of a previous referral
new_adult_baby             R11     an adult joins the household of a baby under 1
                                   (``household_member_joined`` on the baby, in CSC or HV)
no_access_repeat           R13     >= 3 ``home_visit_no_access`` / ``service_refused`` within
                                   6 months
========================== ======= ===========================================================

Background events are generated with margins around these thresholds (no background injury before
the first birthday, at most one background injury per household, no background missing episodes,
at most one background "was not brought", referral and no-access event per child or household,
no background ED attendance or WNB during a plan, no background domestic abuse in a household with
a child aged 4-17, no background adult joining while a child is under 400 days old), so every
pattern an alert rule should find is exactly one listed in the truth file.
"""

from __future__ import annotations

from dataclasses import dataclass

#: R1: bruising in a baby under this age (days) is a concern whatever the explanation
NON_MOBILE_MAX_AGE_DAYS = 182
#: R3: this many injuries ...
INJURY_PATTERN_MIN = 3
#: ... within this many days ...
INJURY_PATTERN_WINDOW_DAYS = 365
#: ... recorded by at least this many source systems
INJURY_PATTERN_MIN_SOURCES = 2
#: R5: school age for Operation Encompass purposes (completed years on the incident date)
SCHOOL_AGE_MIN = 5
SCHOOL_AGE_MAX = 16
#: R7 (local rule): this many missing episodes within the window
MISSING_REPEAT_MIN = 3
MISSING_REPEAT_WINDOW_DAYS = 90
#: R4(b): this many "was not brought" within the window
WNB_REPEAT_MIN = 3
WNB_REPEAT_WINDOW_DAYS = 365
#: R8: a referral within this many days of the previous one is a re-referral
REREFERRAL_WINDOW_DAYS = 365
#: R11: an adult joining while a child is younger than this (days)
NEW_ADULT_BABY_MAX_AGE_DAYS = 365
#: R13: this many no-access visits or refusals within the window
NO_ACCESS_MIN = 3
NO_ACCESS_WINDOW_DAYS = 183


@dataclass(frozen=True)
class PatternSpec:
    """A pattern's name, the catalogue rule that should find it (its id in ``rules/catalogue``) and the
    event types its truth row points at."""

    name: str
    rule: str
    first_types: frozenset[str]
    last_types: frozenset[str]


def _spec(name: str, rule: str, first: set[str], last: set[str]) -> PatternSpec:
    return PatternSpec(name, rule, frozenset(first), frozenset(last))


PATTERNS: dict[str, PatternSpec] = {
    p.name: p
    for p in (
        _spec("non_mobile_injury", "R01", {"injury"}, {"injury"}),
        _spec("injury_pattern", "R03", {"injury"}, {"injury"}),
        _spec("ed_attendance_on_plan", "R04c", {"cp_plan_start", "looked_after_start"},
              {"ed_attendance"}),
        _spec("domestic_abuse_school_age", "R05", {"domestic_abuse_incident"},
              {"domestic_abuse_incident"}),
        _spec("missing_episode", "R07a", {"missing_episode"}, {"missing_return"}),
        _spec("missing_repeat", "R07b", {"missing_episode"}, {"missing_episode"}),
        _spec("was_not_brought_on_plan", "R04a", {"cp_plan_start"}, {"appointment_was_not_brought"}),
        _spec("was_not_brought_repeat", "R04b", {"appointment_was_not_brought"},
              {"appointment_was_not_brought"}),
        _spec("repeat_referral", "R08", {"referral"}, {"referral"}),
        _spec("new_adult_baby", "R11", {"household_member_joined"}, {"household_member_joined"}),
        _spec("no_access_repeat", "R13", {"home_visit_no_access", "service_refused"},
              {"home_visit_no_access", "service_refused"}),
    )
}

PATTERN_NAMES: tuple[str, ...] = tuple(PATTERNS)
#: which catalogue rule should find each pattern: the one home of that fact (benchmarks and tests read it)
PATTERN_RULES: dict[str, str] = {p.name: p.rule for p in PATTERNS.values()}
