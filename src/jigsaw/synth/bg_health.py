"""Background health events: births, health visiting, GP, emergency departments, adult services.

Rates are plausible orders of magnitude for England (about one ED attendance per four children a
year, the five mandated health-visiting contacts, occasional single "was not brought"). Margins
keep them clear of the injected patterns: injuries only after the first birthday and at most one
per household, no ED attendance or WNB during a plan, nothing in a pattern household that could
complete its pattern.
"""

from __future__ import annotations

import numpy as np

from jigsaw.synth import texts as tx
from jigsaw.synth.context import Ctx
from jigsaw.synth.rng import pick
from jigsaw.synth.roles import CHILD, MOTHER
from jigsaw.synth.sources import AMH, DAS, GP, HV, MAT

YEAR = 365.25
_HV_REVIEWS = ((12, 0), (45, 1), (300, 2), (790, 3))  # (age in days, summary variant)
_INJ_SITES = {"bruise": (11, 12, 1, 8), "fracture": (10, 9), "burn": (9, 10), "bite": (9, 8),
              "head_injury": (1,), "laceration": (1, 11, 9), "other": (11, 12)}
_INJ_COMPLAINT = {"bruise": 13, "fracture": 9, "burn": 12, "bite": 9, "head_injury": 10,
                  "laceration": 11, "other": 9}


def baby_mobility(age_days: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Mobility noted on a health event: not mobile under 6 months, often 'mobile' from 1 year."""
    mob = np.where(age_days < 182, tx.MOB_NIM, tx.MOB_NONE)
    return np.where((age_days >= 365) & (age_days < 1095) & (rng.random(len(age_days)) < 0.6),
                    tx.MOB_MOBILE, mob)


def _spread(rng: np.random.Generator, person: np.ndarray, rate: np.ndarray, start: np.ndarray,
            end: int) -> tuple[np.ndarray, np.ndarray]:
    """Poisson(rate per year) events per person on uniform dates in [start, end]."""
    span = np.maximum(end - start, 0)
    n = rng.poisson(rate * span / YEAR)
    who = np.repeat(person, n)
    lo = np.repeat(start, n)
    return who, lo + np.floor(rng.random(len(who)) * (np.repeat(span, n) + 1)).astype("int64")


def births_and_maternity(ctx: Ctx) -> None:
    """Births in the window (maternity), one booking per pregnancy, pregnancies under way."""
    pop, buf, ws, as_of = ctx.pop, ctx.buf, ctx.ws, ctx.as_of
    rng = ctx.streams.get("bg:births")
    child = pop.role == CHILD
    babies = np.flatnonzero(child & (pop.birth >= ws))
    buf.add(babies, MAT, "birth", pop.birth[babies], tx.plain("birth"))
    prev_same = np.r_[False, (pop.birth[1:] == pop.birth[:-1]) & (pop.hh[1:] == pop.hh[:-1])]
    first_baby = babies[~prev_same[babies]]  # one booking per pregnancy, even for twins
    mother = pop.hh_mother[pop.hh[first_baby]]
    ok = mother >= 0
    b = pop.birth[first_baby[ok]]
    buf.add(mother[ok], MAT, "antenatal_booking", b - pick(rng, 70, 110, len(b)) - 140,
            tx.plain("antenatal_booking"))
    visit = rng.random(len(b)) < 0.8
    buf.add(mother[ok][visit], HV, "health_visit", b[visit] - pick(rng, 50, 80, int(visit.sum())),
            tx.plain("health_visit", 4))
    # pregnancies still under way on as_of
    m = np.flatnonzero((pop.role == MOTHER) & (as_of - pop.birth < 43 * YEAR))
    preg = m[rng.random(len(m)) < 0.035]
    buf.add(preg, MAT, "antenatal_booking", as_of - pick(rng, 0, 150, len(preg)),
            tx.plain("antenatal_booking"))


def health_visiting(ctx: Ctx) -> None:
    """The mandated reviews (new birth, 6-8 weeks, 1 year, 2 years) for under-fives."""
    pop, buf = ctx.pop, ctx.buf
    rng = ctx.streams.get("bg:hv")
    kids = np.flatnonzero((pop.role == CHILD) & (pop.birth > ctx.as_of - 5 * YEAR))
    for age, variant in _HV_REVIEWS:
        seen = kids[rng.random(len(kids)) < 0.92]
        a = age + pick(rng, -3, 12, len(seen))
        buf.add(seen, HV, "health_visit", pop.birth[seen] + a,
                tx.plain("health_visit", variant, baby_mobility(a, rng)))


def gp(ctx: Ctx) -> None:
    """GP appointments: frequent for under-fives, occasional for older children and adults."""
    pop, buf = ctx.pop, ctx.buf
    rng = ctx.streams.get("bg:gp")
    person = np.arange(pop.n)
    child = pop.role == CHILD
    rate = np.where(child, np.where(ctx.as_of - pop.birth < 5 * YEAR, 1.0, 0.45), 0.15)
    who, date = _spread(rng, person, rate, np.maximum(pop.birth, ctx.ws), ctx.as_of)
    age = date - pop.birth[who]
    mob = np.where(child[who], baby_mobility(age, rng), tx.MOB_NONE)
    buf.add(who, GP, "gp_appointment", date, tx.plain("gp_appointment", rng.integers(0, 4, len(who)), mob))


def emergency(ctx: Ctx) -> None:
    """Illness attendances for everyone, plus at most one injury per household."""
    pop, buf = ctx.pop, ctx.buf
    rng = ctx.streams.get("bg:ed")
    free = np.flatnonzero(~ctx.used_hh[pop.hh])
    child = pop.role[free] == CHILD
    rate = np.where(child, 0.12, 0.04)
    who, date = _spread(rng, free, rate, np.maximum(pop.birth[free], ctx.ws), ctx.as_of)
    keep = ~ctx.on_plan(who, date)
    who, date = who[keep], date[keep]
    age = date - pop.birth[who]
    mob = np.where(pop.role[who] == CHILD, baby_mobility(age, rng), tx.MOB_NONE)
    fam = ctx.ed_family(who, rng.random(len(who)) < 0.2)
    buf.add(who, fam, "ed_attendance", date, tx.ed(rng.integers(0, tx.N_ILLNESS, len(who)), mob))

    # background injuries: one child per chosen household, never before 400 days old
    kids = ctx.free_children()
    kids = kids[rng.permutation(len(kids))]
    _, first = np.unique(pop.hh[kids], return_index=True)
    pick_kid = kids[first]
    pick_kid = pick_kid[rng.random(len(pick_kid)) < 0.08]
    lo = np.maximum(ctx.ws, pop.birth[pick_kid] + 400)
    pick_kid, lo = pick_kid[lo <= ctx.as_of], lo[lo <= ctx.as_of]
    date = pick(rng, lo, ctx.as_of)
    at_ed = rng.random(len(pick_kid)) < 0.6
    keep = ~(at_ed & ctx.on_plan(pick_kid, date))
    pick_kid, date, at_ed = pick_kid[keep], date[keep], at_ed[keep]
    n = len(pick_kid)
    itype = rng.choice(len(tx.INJURIES), n, p=_injury_weights())
    names = np.array(tx.INJURIES)[itype]
    site = np.array([_INJ_SITES[t][int(u * len(_INJ_SITES[t]))] for t, u in
                     zip(names, rng.random(n), strict=True)], "int64")
    expl = np.where(names == "burn", 6, np.where(names == "bite", 7, rng.integers(1, 6, n)))
    mob = np.where(date - pop.birth[pick_kid] < 730, tx.MOB_MOBILE, tx.MOB_NONE)
    fam = np.where(at_ed, ctx.ed_family(pick_kid), GP)
    complaint = np.array([_INJ_COMPLAINT[t] for t in names], "int64")
    buf.add(pick_kid[at_ed], fam[at_ed], "ed_attendance", date[at_ed], tx.ed(complaint[at_ed], mob[at_ed]))
    buf.add(pick_kid, fam, "injury", date, tx.injury(itype, site, expl, mob))


def _injury_weights() -> np.ndarray:
    w = {"bruise": 0.25, "fracture": 0.15, "burn": 0.08, "bite": 0.05, "head_injury": 0.15,
         "laceration": 0.27, "other": 0.05}
    return np.array([w[t] for t in tx.INJURIES])


def was_not_brought(ctx: Ctx) -> None:
    """A single missed appointment for a few children, never during a plan."""
    pop, buf = ctx.pop, ctx.buf
    rng = ctx.streams.get("bg:wnb")
    kids = ctx.free_children()
    kids = kids[rng.random(len(kids)) < 0.04]
    lo = np.maximum(ctx.ws, pop.birth[kids] + 30)
    kids, lo = kids[lo <= ctx.as_of], lo[lo <= ctx.as_of]
    date = pick(rng, lo, ctx.as_of)
    keep = ~ctx.on_plan(kids, date)
    kids, date = kids[keep], date[keep]
    age = date - pop.birth[kids]
    fam = np.where((age < 5 * YEAR) & (rng.random(len(kids)) < 0.5), HV, GP)
    buf.add(kids, fam, "appointment_was_not_brought", date,
            tx.plain("appointment_was_not_brought", 0, baby_mobility(age, rng)))


def adult_services(ctx: Ctx) -> None:
    """Adult mental health and drug and alcohol service contacts for some adults."""
    pop, buf = ctx.pop, ctx.buf
    rng = ctx.streams.get("bg:adult")
    adults = np.flatnonzero(pop.role != CHILD)
    for fam, etype, share, extra in ((AMH, "mental_health_contact", 0.06, 2.0),
                                     (DAS, "substance_misuse_contact", 0.025, 1.5)):
        who = adults[rng.random(len(adults)) < share]
        n = 1 + rng.poisson(extra, len(who))
        first = pick(rng, ctx.ws, ctx.as_of, len(who))
        span = np.repeat(np.minimum(200, ctx.as_of - first + 1), n)  # an episode of care
        rep = np.repeat(who, n)
        date = np.repeat(first, n) + np.floor(rng.random(len(rep)) * span).astype("int64")
        buf.add(rep, fam, etype, date, tx.plain(etype, rng.integers(0, 2, len(rep))))
