"""Background social care, school, police and household events.

Social care: about one household in ten has a case in the window (contacts, referrals,
assessments, some plans), at most one referral per child. Police: domestic abuse is only
background where no child of the household is aged 4-17 on the day (school-age incidents are the
injected ``domestic_abuse_school_age`` pattern). Household changes (moves, partners joining and
leaving) are recorded by the agencies that would hear of them.
"""

from __future__ import annotations

import numpy as np

from jigsaw.synth import socialcare as sc
from jigsaw.synth import texts as tx
from jigsaw.synth.context import Ctx
from jigsaw.synth.dates import academic_year_start, age_years, from_ymd, ymd
from jigsaw.synth.plan import NONE
from jigsaw.synth.rng import choose, pick
from jigsaw.synth.roles import CHILD, MOTHER, PARTNER
from jigsaw.synth.sources import CSC, GP, HV, POL, SCH_P, SCH_S

YEAR = 365.25


def social_care(ctx: Ctx) -> None:
    """Case histories for about one household in ten, and lone contacts for a few more."""
    pop = ctx.pop
    rng = ctx.streams.get("bg:csc")
    hh = np.flatnonzero(~ctx.used_hh & (pop.hh_kids > 0))
    hh = hh[rng.random(len(hh)) < 0.10]
    t0 = pick(rng, ctx.ws, ctx.as_of - 5, len(hh))
    kids = pop.hh_first_child[hh][:, None] + np.arange(5)[None, :]
    ok = (np.arange(5)[None, :] < pop.hh_kids[hh][:, None])
    ok &= pop.birth[np.minimum(kids, pop.n - 1)] <= t0[:, None]
    unit, slot = np.nonzero(ok)
    child = kids[unit, slot]
    outcome = choose(rng, sc.OUTCOME_P, len(hh))
    res = sc.cascade(ctx.buf, ctx.cases, rng, child, unit, t0, outcome, ctx.as_of, no_access_rate=0.1)
    ctx.csc_hh[hh[np.unique(unit)]] = True
    on = res.cp_start < NONE
    ctx.plan_start[res.child[on]] = res.cp_start[on]
    ctx.plan_end[res.child[on]] = np.where(res.lac_start[on] < NONE, res.lac_end[on], res.cp_end[on])
    # a lone contact (no referral) for a few other children
    other = ctx.free_children()
    other = other[~ctx.csc_hh[pop.hh[other]] & (rng.random(len(other)) < 0.03)]
    date = pick(rng, np.maximum(ctx.ws, pop.birth[other]), ctx.as_of)
    ctx.buf.add(other, CSC, "contact", date, tx.plain("contact", rng.integers(0, 4, len(other))))


def school_family(year7: np.ndarray, date: np.ndarray) -> np.ndarray:
    """Which school (primary or secondary) a pupil attended on ``date``."""
    return np.where(date < year7, SCH_P, SCH_S)


def schools(ctx: Ctx) -> None:
    """Enrolments at reception and year 7, and yearly attendance, concern and exclusion events."""
    pop, buf, as_of, ws = ctx.pop, ctx.buf, ctx.as_of, ctx.ws
    rng = ctx.streams.get("bg:school")
    kids = np.flatnonzero(pop.role == CHILD)
    rec = kids[(pop.primary_src[kids] >= 0) & (pop.reception[kids] >= ws)]
    buf.add(rec, SCH_P, "school_enrolment", pop.reception[rec] + pick(rng, 0, 3, len(rec)),
            tx.plain("school_enrolment"))
    sec = kids[(pop.secondary_src[kids] >= 0) & (pop.year7[kids] >= ws)]
    buf.add(sec, SCH_S, "school_enrolment", pop.year7[sec] + pick(rng, 0, 3, len(sec)),
            tx.plain("school_enrolment"))
    pupils = kids[pop.reception[kids] <= as_of]
    first_year = int(ymd(academic_year_start(np.array([ws])))[0][0])
    last_year = int(ymd(academic_year_start(np.array([as_of])))[0][0])
    for year in range(first_year, last_year + 1):
        start = int(from_ymd(np.array([year]), np.array([9]), np.array([1]))[0])
        at = pupils[pop.reception[pupils] <= start]
        for etype, share, lo, hi, variant in (("persistent_absence", 0.08, 100, 140, 0),
                                              ("school_concern", 0.02, 10, 300, 0),
                                              ("exclusion", 0.012, 20, 300, 0),
                                              ("missing_education", 0.001, 20, 300, 0)):
            who = at[rng.random(len(at)) < share]
            date = start + pick(rng, lo, hi, len(who))
            buf.add(who, school_family(pop.year7[who], date), etype, date, tx.plain(etype, variant))


def police(ctx: Ctx) -> None:
    """Domestic abuse away from school-age children, welfare concerns, arrests, exploitation."""
    pop, buf = ctx.pop, ctx.buf
    rng = ctx.streams.get("bg:police")
    hh = np.flatnonzero(~ctx.used_hh)
    hh = hh[rng.random(len(hh)) < 0.02]
    date = pick(rng, ctx.ws, ctx.as_of, len(hh))
    members = pop.hh_first_child[hh][:, None] + np.arange(5)[None, :]
    is_kid = np.arange(5)[None, :] < pop.hh_kids[hh][:, None]
    safe = np.minimum(members, pop.n - 1)
    born = is_kid & (pop.birth[safe] <= date[:, None])
    age = age_years(pop.birth[safe], np.broadcast_to(date[:, None], safe.shape))
    school_age = (born & (age >= 4) & (age <= 17)).any(1)
    victim = np.where(pop.hh_mother[hh] >= 0, pop.hh_mother[hh], pop.hh_father[hh])
    keep = ~school_age & (victim >= 0)
    hh, date, born, members, victim = hh[keep], date[keep], born[keep], members[keep], victim[keep]
    present = born.any(1) & (rng.random(len(hh)) < 0.6)
    dash = np.where(rng.random(len(hh)) < 0.6, rng.integers(0, 28, len(hh)), -1)
    text = tx.domestic_abuse(present, dash)
    buf.add(victim, POL, "domestic_abuse_incident", date, text)
    r, c = np.nonzero(born & present[:, None])
    buf.add(members[r, c], POL, "domestic_abuse_incident", date[r], text[r])
    perp = perpetrator(ctx, hh, date)
    arrest = (perp >= 0) & (rng.random(len(hh)) < 0.4)
    buf.add(perp[arrest], POL, "arrest", date[arrest], tx.plain("arrest"))

    kids = ctx.free_children()
    concern = kids[rng.random(len(kids)) < 0.004]
    d = pick(rng, np.maximum(ctx.ws, pop.birth[concern]), ctx.as_of)
    buf.add(concern, POL, "police_concern", d, tx.plain("police_concern"))
    adults = np.flatnonzero(pop.role != CHILD)
    arrested = adults[rng.random(len(adults)) < 0.01]
    buf.add(arrested, POL, "arrest", pick(rng, ctx.ws, ctx.as_of, len(arrested)), tx.plain("arrest"))
    teens = kids[ctx.as_of - pop.birth[kids] > 13 * YEAR]
    teens = teens[rng.random(len(teens)) < 0.003]
    d = pick(rng, np.maximum(ctx.ws, pop.birth[teens] + int(12.5 * YEAR)), ctx.as_of)
    buf.add(teens, POL, "exploitation_concern", d, tx.plain("exploitation_concern"))


def perpetrator(ctx: Ctx, hh: np.ndarray, date: np.ndarray) -> np.ndarray:
    """The father, step-father or partner living in the household on ``date`` (or -1)."""
    pop = ctx.pop
    partner = pop.hh_partner[hh]
    safe = np.maximum(partner, 0)
    present = (partner >= 0) & (pop.join[safe] <= date) & (date < pop.leave[safe])
    return np.select([pop.hh_father[hh] >= 0, pop.hh_step[hh] >= 0, present],
                     [pop.hh_father[hh], pop.hh_step[hh], partner], -1)


def household_changes(ctx: Ctx) -> None:
    """Moves (GP), partners joining and leaving (HV, CSC), one refused service in a few homes."""
    pop, buf, as_of = ctx.pop, ctx.buf, ctx.as_of
    rng = ctx.streams.get("bg:household")
    # moves: the GP practice updates every member's address
    moved = pop.hh_move[pop.hh] < NONE
    who = np.flatnonzero(moved & (pop.leave == NONE))
    buf.add(who, GP, "address_change", pop.hh_move[pop.hh[who]], tx.plain("address_change"))
    # partners joining / leaving, on the mother and young children (HV) and in CSC cases
    partners = np.flatnonzero((pop.role == PARTNER) & ~ctx.used_hh[pop.hh])
    for etype, when in (("household_member_joined", pop.join), ("household_member_left", pop.leave)):
        d = when[partners]
        inside = (d >= ctx.ws) & (d <= as_of)
        hh, d = pop.hh[partners[inside]], d[inside]
        mem = pop.hh_first[hh][:, None] + np.arange(9)[None, :]
        ok = np.arange(9)[None, :] < pop.hh_size[hh][:, None]
        mem = np.minimum(mem, pop.n - 1)
        target = ok & ((pop.role[mem] == MOTHER) | (pop.role[mem] == CHILD))
        target &= pop.birth[mem] <= d[:, None]
        young = ((pop.role[mem] == CHILD) & (d[:, None] - pop.birth[mem] < 5 * YEAR) & target).any(1)
        r, c = np.nonzero(target & young[:, None])
        buf.add(mem[r, c], HV, etype, d[r], tx.plain(etype, 0))
        r, c = np.nonzero(target & ctx.csc_hh[hh][:, None])
        buf.add(mem[r, c], CSC, etype, d[r], tx.plain(etype, 0))
    # one refusal of an offered service in a few households without a social care case
    kids = ctx.free_children()
    kids = kids[~ctx.csc_hh[pop.hh[kids]] & (as_of - pop.birth[kids] < 4 * YEAR)]
    kids = kids[rng.permutation(len(kids))]
    _, first = np.unique(pop.hh[kids], return_index=True)
    refusing = kids[first][rng.random(len(first)) < 0.015]
    d = pick(rng, np.maximum(ctx.ws, pop.birth[refusing] + 14), as_of)
    buf.add(refusing, HV, "service_refused", d, tx.plain("service_refused", 0))
