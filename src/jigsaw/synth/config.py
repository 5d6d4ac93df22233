"""The knobs of the synthetic partnership and the summary a run returns.

Identity-noise defaults follow the per-record corruption rates of the synthetic linkage benchmark
in ``research/anchors-linkage.md`` §5.3 (one-edit typos, short forms, day/month swaps, moved
addresses, missing NHS numbers), so linkage figures measured on synth output are comparable with
that study. Missing-NHS-number rates differ by agency the way real feeds do: GP and community
health records almost always carry one, police and school records usually do not.

Pattern rates are *expected injections per child* (a chunk of N children injects
Binomial(N, rate) instances); the defaults put a risk pattern on about 3% of children.
"""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class SynthConfig:
    """Identity-noise and risk-pattern rates; every field has a documented default."""

    # --- household make-up -------------------------------------------------------------------
    #: households with one carer (ONS families: about a quarter of families with children)
    single_carer_rate: float = 0.25
    #: share of maternities that are twins (ONS births: about 1.5%)
    twin_rate: float = 0.015
    #: households whose children's parents are of different heritage (children get M* codes),
    #: whatever the household's make-up (the other parent may be absent)
    mixed_heritage_rate: float = 0.05
    #: households that moved house inside the three-year window
    move_rate: float = 0.12
    #: single mothers with a partner who joins the household
    partner_join_rate: float = 0.25
    #: single-carer households whose carer is the father (the rest are mothers)
    lone_father_rate: float = 0.1
    #: two-carer households whose second carer is the children's father (the rest: a step-father)
    father_present_rate: float = 0.85
    #: households with a grandparent or other relative living in
    relative_rate: float = 0.03
    #: children who are girls (about 49% of births in England and Wales, ONS birth registrations)
    girl_rate: float = 0.49
    #: relatives living in who are women
    relative_female_rate: float = 0.7
    #: mixed-heritage households whose mother is the parent not of White British heritage
    mixed_mother_other_rate: float = 0.4
    #: step-fathers, and mothers' new partners, of the mother's heritage (the rest drawn afresh)
    step_same_heritage_rate: float = 0.85
    partner_same_heritage_rate: float = 0.85
    #: people with a middle name
    middle_name_rate: float = 0.55
    #: mothers' partners who leave again within the window
    partner_leave_rate: float = 0.3
    #: households registered with the GP practice that serves their street (the rest: any practice)
    household_gp_rate: float = 0.85
    #: people registered with their household's practice
    person_household_gp_rate: float = 0.92
    #: households that use the farther of the two emergency departments
    far_ed_rate: float = 0.2

    # --- identity noise: probability per person record ---------------------------------------
    given_typo_rate: float = 0.02  #: one edit (insert/delete/substitute/transpose)
    family_typo_rate: float = 0.015  #: one edit in the family name
    nickname_rate: float = 0.05  #: short form or variant spelling, where the name has one
    surname_change_rate: float = 0.03  #: previous/partner's or double-barrelled surname
    accent_strip_rate: float = 0.4  #: diacritics dropped (Zoë -> Zoe, Łukasz -> Lukasz)
    dob_swap_rate: float = 0.01  #: day and month swapped (where that is a different date)
    dob_digit_rate: float = 0.01  #: one digit of the birth date mistyped
    nhs_missing_gp: float = 0.005  #: GP practice records without an NHS number
    nhs_missing_health: float = 0.02  #: health visiting, maternity, adult mental health
    nhs_missing_ed: float = 0.08  #: emergency departments
    nhs_missing_social_care: float = 0.15  #: children's social care
    nhs_missing_police: float = 0.6  #: police
    nhs_missing_school: float = 0.85  #: schools (rarely hold NHS numbers)
    nhs_missing_substance: float = 0.3  #: drug and alcohol service
    nhs_wrong_rate: float = 0.002  #: a valid-checksum number of someone else or of nobody
    nhs_invalid_rate: float = 0.002  #: a typo that fails the modulus 11 check (a warning)
    stale_address_rate: float = 0.3  #: records of people who moved still showing the old address
    postcode_error_rate: float = 0.02  #: postcode with a wrong sector digit or unit letter
    postcode_missing_rate: float = 0.03  #: postcode left blank
    surname_change_hyphen_rate: float = 0.35  #: of changed surnames, double-barrelled with the old
    nhs_wrong_someone_rate: float = 0.5  #: of wrong NHS numbers, a real person's (else nobody's)

    # --- what agencies record besides identity: probability per person record ---------------
    middle_name_recorded_rate: float = 0.8  #: agencies that keep middle names record one held
    teen_phone_rate: float = 0.3  #: GP records of children over 13 with their own mobile
    adult_phone_rate: float = 0.7  #: adults' records, at agencies that keep phones, with one
    ethnicity_unknown_rate: float = 0.03  #: recorded ethnicity "not obtained" or "refused"
    ethnicity_not_obtained_share: float = 0.7  #: of those, not obtained (NOBT); the rest refused
    social_care_upn_rate: float = 0.3  #: children's social care records of pupils with the UPN

    # --- follow-up times the partnership picture reads (docs/insight.md) -----------------------
    # Illustrative shares, not published rates: no national figure for either is assumed.
    #: returns from missing with a return home interview within 72 hours (DfE, Children who run
    #: away or go missing from home or care, 2014: the interview is offered within 72 hours)
    return_interview_within_72h: float = 0.6
    #: returns whose interview came later (the rest record none: declined or not held)
    return_interview_later: float = 0.25
    #: domestic abuse incidents the school was told of before the next school day (Operation
    #: Encompass: police notify the school's key adult before the start of the next school day)
    encompass_before_school: float = 0.8

    # --- injected risk patterns: expected injections per child --------------------------------
    rate_non_mobile_injury: float = 0.001
    rate_injury_pattern: float = 0.002
    rate_ed_attendance_on_plan: float = 0.002
    rate_domestic_abuse_school_age: float = 0.006  #: households; one truth row per school-age child
    rate_missing_episode: float = 0.003  #: children with one or two missing episodes
    rate_missing_repeat: float = 0.0015  #: children with a run of repeat missing episodes
    rate_was_not_brought_on_plan: float = 0.0015
    rate_was_not_brought_repeat: float = 0.003
    rate_repeat_referral: float = 0.004
    rate_new_adult_baby: float = 0.0015
    rate_no_access_repeat: float = 0.002

    def __post_init__(self) -> None:
        for f in fields(self):
            v = getattr(self, f.name)
            if not isinstance(v, int | float) or not 0.0 <= float(v) <= 1.0:
                raise ValueError(f"SynthConfig.{f.name} must be a rate between 0 and 1, got {v!r}")

    def pattern_rate(self, pattern: str) -> float:
        """Expected injections per child of ``pattern``."""
        return float(getattr(self, f"rate_{pattern}"))


@dataclass(frozen=True)
class SynthSummary:
    """What a run wrote: counts over all sources and the wall time it took."""

    children: int
    people: int
    person_records: int
    events: int
    relationships: int
    involvements: int
    patterns: int
    source_systems: list[str]
    seconds: float
