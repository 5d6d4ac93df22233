"""Injects the risk patterns named in ``patterns.py`` and records a truth row for each.

Each pattern claims whole households (``Ctx.claim``), so background generators leave those
households' risky event types alone and the injected events are the only ones that make the
pattern. Counts are Binomial(children in chunk, rate); a pattern is skipped where no household
qualifies (tiny chunks).
"""

from __future__ import annotations

import numpy as np

from jigsaw.synth import patterns as pt
from jigsaw.synth import socialcare as sc
from jigsaw.synth import texts as tx
from jigsaw.synth.bg_health import _INJ_COMPLAINT, _INJ_SITES
from jigsaw.synth.bg_other import perpetrator, school_family
from jigsaw.synth.context import Ctx
from jigsaw.synth.dates import add_years, age_years
from jigsaw.synth.plan import NONE
from jigsaw.synth.rng import pick
from jigsaw.synth.sources import CSC, GP, HV, POL

YEAR = 365.25
HIGH = 2


def inject_all(ctx: Ctx) -> None:
    """Every pattern, rarest eligibility first."""
    new_adult_baby(ctx)
    non_mobile_injury(ctx)
    missing(ctx)
    domestic_abuse_school_age(ctx)
    injury_pattern(ctx)
    on_plan(ctx, "ed_attendance_on_plan")
    on_plan(ctx, "was_not_brought_on_plan")
    repeat_referral(ctx)
    no_access_repeat(ctx)
    was_not_brought_repeat(ctx)


def new_adult_baby(ctx: Ctx) -> None:
    pop, rng = ctx.pop, ctx.streams.get("inject:new_adult_baby")
    kids = ctx.free_children()
    hh = pop.hh[kids]
    lo = np.maximum(pop.birth[kids] + 14, ctx.ws + 1)
    hi = np.minimum(pop.birth[kids] + pt.NEW_ADULT_BABY_MAX_AGE_DAYS - 35, ctx.as_of)
    ok = (pop.hh_partner[hh] >= 0) & (pop.hh_mother[hh] >= 0) & (lo <= hi)
    baby = ctx.claim(rng, kids[ok], ctx.count("new_adult_baby"))
    if not len(baby):
        return
    join = pick(rng, np.maximum(pop.birth[baby] + 14, ctx.ws + 1),
                np.minimum(pop.birth[baby] + pt.NEW_ADULT_BABY_MAX_AGE_DAYS - 35, ctx.as_of))
    partner = pop.hh_partner[pop.hh[baby]]
    mother = pop.hh_mother[pop.hh[baby]]
    pop.join[partner] = join
    pop.leave[partner] = NONE
    pop.addr[partner] = pop.addr[mother]
    fam = np.where(rng.random(len(baby)) < 0.7, HV, CSC)
    text = tx.plain("household_member_joined", 0)
    row = ctx.buf.add(baby, fam, "household_member_joined", join, text, signif=1)
    ctx.buf.add(mother, fam, "household_member_joined", join, text)
    in_csc = fam == CSC
    ctx.buf.add(baby[in_csc], CSC, "contact", join[in_csc] + pick(rng, 1, 20, int(in_csc.sum())),
                tx.plain("contact", 2))
    ctx.record("new_adult_baby", baby, row, row)


def non_mobile_injury(ctx: Ctx) -> None:
    pop, rng = ctx.pop, ctx.streams.get("inject:non_mobile_injury")
    k = ctx.count("non_mobile_injury")
    kids = ctx.free_children()
    lo = np.maximum(pop.birth[kids] + 21, ctx.ws)
    hi = np.minimum(pop.birth[kids] + pt.NON_MOBILE_MAX_AGE_DAYS - 7, ctx.as_of)
    babies = ctx.claim(rng, kids[lo <= hi], round(k * 0.85))
    older = ctx.claim(rng, kids[ctx.as_of - pop.birth[kids] >= 2 * YEAR], k - len(babies))
    who = np.concatenate([babies, older])
    if not len(who):
        return
    date = np.concatenate([
        pick(rng, np.maximum(pop.birth[babies] + 21, ctx.ws),
             np.minimum(pop.birth[babies] + pt.NON_MOBILE_MAX_AGE_DAYS - 7, ctx.as_of)),
        pick(rng, np.maximum(pop.birth[older] + 730, ctx.ws), ctx.as_of)])
    n = len(who)
    itype = np.where(rng.random(n) < 0.8, tx.INJ["bruise"],
                     rng.choice([tx.INJ["fracture"], tx.INJ["head_injury"], tx.INJ["burn"]], n))
    site = rng.integers(1, 8, n)
    expl = rng.choice([0, 8, 9, 10], n)
    u = rng.random(n)
    under5 = date - pop.birth[who] < 5 * YEAR
    fam = np.where(u < 0.5, ctx.ed_family(who), np.where((u > 0.8) & under5, HV, GP))
    at_ed = u < 0.5
    complaint = np.where(itype == tx.INJ["bruise"], 13, np.where(itype == tx.INJ["burn"], 12, 10))
    ctx.buf.add(who[at_ed], fam[at_ed], "ed_attendance", date[at_ed],
                tx.ed(complaint[at_ed], tx.MOB_NIM), signif=HIGH)
    row = ctx.buf.add(who, fam, "injury", date, tx.injury(itype, site, expl, tx.MOB_NIM), signif=HIGH)
    ctx.record("non_mobile_injury", who, row, row)


def missing(ctx: Ctx) -> None:
    pop, rng = ctx.pop, ctx.streams.get("inject:missing")
    kids = ctx.free_children()
    lo = np.maximum(ctx.ws, add_years(pop.birth[kids], 11))
    once = ctx.claim(rng, kids[lo <= ctx.as_of - 135], ctx.count("missing_episode"))
    runs = ctx.claim(rng, kids[lo <= ctx.as_of - 95], ctx.count("missing_repeat"))
    first_once = pick(rng, np.maximum(ctx.ws, add_years(pop.birth[once], 11)), ctx.as_of - 135)
    room = ctx.as_of - 5 - first_once - 120
    second = np.where((rng.random(len(once)) < 0.3) & (room >= 0),
                      first_once + 120 + np.floor(rng.random(len(once)) * (room + 1)), NONE)
    first_run = pick(rng, np.maximum(ctx.ws, add_years(pop.birth[runs], 11)), ctx.as_of - 95)
    n_run = rng.integers(pt.MISSING_REPEAT_MIN, 6, len(runs))
    gaps = rng.integers(5, 22, (len(runs), 4)).cumsum(1)
    who = np.concatenate([once, runs])
    episodes = np.full((len(who), 5), NONE, "int64")
    episodes[: len(once), 0], episodes[: len(once), 1] = first_once, second
    episodes[len(once):, 0] = first_run
    episodes[len(once):, 1:] = np.where(np.arange(1, 5)[None, :] < n_run[:, None],
                                        first_run[:, None] + gaps, NONE)
    ep_rows = np.full((len(who), 5), -1, "int64")
    ret_rows = np.full((len(who), 5), -1, "int64")
    for j in range(5):
        sel = np.flatnonzero(episodes[:, j] < NONE)
        d = episodes[sel, j]
        ep_rows[sel, j] = ctx.buf.add(who[sel], POL, "missing_episode", d,
                                      tx.plain("missing_episode", 0), signif=HIGH)
        ret_rows[sel, j] = ctx.buf.add(who[sel], POL, "missing_return", d + pick(rng, 0, 3, len(sel)),
                                       tx.plain("missing_return"))
    last = (episodes < NONE).sum(1) - 1
    ctx.record("missing_episode", who, ep_rows[:, 0], ret_rows[np.arange(len(who)), last])
    r = np.arange(len(once), len(who))
    ctx.record("missing_repeat", runs, ep_rows[r, 0], ep_rows[r, last[r]])


def domestic_abuse_school_age(ctx: Ctx) -> None:
    pop, rng = ctx.pop, ctx.streams.get("inject:domestic_abuse")
    kids = ctx.free_children()
    age = ctx.as_of - pop.birth[kids]
    ok = (age > 6 * YEAR) & (age < 15.5 * YEAR) & (pop.hh_mother[pop.hh[kids]] >= 0)
    anchor = ctx.claim(rng, kids[ok], ctx.count("domestic_abuse_school_age"))
    if not len(anchor):
        return
    hh = pop.hh[anchor]
    date = pick(rng, np.maximum(ctx.ws, add_years(pop.birth[anchor], pt.SCHOOL_AGE_MIN)), ctx.as_of)
    dash = np.where(rng.random(len(hh)) < 0.8, rng.integers(0, 28, len(hh)), -1)
    text = tx.domestic_abuse(np.ones(len(hh), bool), dash)
    ctx.buf.add(pop.hh_mother[hh], POL, "domestic_abuse_incident", date, text, signif=HIGH)
    members = pop.hh_first_child[hh][:, None] + np.arange(5)[None, :]
    born = (np.arange(5)[None, :] < pop.hh_kids[hh][:, None])
    members = np.minimum(members, pop.n - 1)
    born &= pop.birth[members] <= date[:, None]
    r, c = np.nonzero(born)
    child, d = members[r, c], date[r]
    row = ctx.buf.add(child, POL, "domestic_abuse_incident", d, text[r], signif=HIGH)
    years = age_years(pop.birth[child], d)
    school = (years >= pt.SCHOOL_AGE_MIN) & (years <= pt.SCHOOL_AGE_MAX)
    ctx.record("domestic_abuse_school_age", child[school], row[school], row[school])
    perp = perpetrator(ctx, hh, date)
    arrest = (perp >= 0) & (rng.random(len(hh)) < 0.5)
    ctx.buf.add(perp[arrest], POL, "arrest", date[arrest], tx.plain("arrest"))
    notify = school & (pop.reception[child] <= d) & (d + 1 <= ctx.as_of)
    ctx.buf.add(child[notify], school_family(pop.year7[child[notify]], d[notify] + 1),
                "school_concern", d[notify] + 1, tx.plain("school_concern", 1))


def injury_pattern(ctx: Ctx) -> None:
    pop, rng = ctx.pop, ctx.streams.get("inject:injury_pattern")
    kids = ctx.free_children()
    lo = np.maximum(ctx.ws, pop.birth[kids] + 400)
    hi = ctx.as_of - pt.INJURY_PATTERN_WINDOW_DAYS + 35
    focal = ctx.claim(rng, kids[lo <= hi], ctx.count("injury_pattern"))
    if not len(focal):
        return
    base = pick(rng, np.maximum(ctx.ws, pop.birth[focal] + 400), hi)
    weights = {"bruise": 0.35, "fracture": 0.15, "burn": 0.1, "head_injury": 0.15,
               "laceration": 0.2, "bite": 0.05, "other": 0.0}
    w = np.array([weights[t] for t in tx.INJURIES])
    who, date, fam, inst, order = [], [], [], [], []
    for i, (f, b) in enumerate(zip(focal, base, strict=True)):
        n = pt.INJURY_PATTERN_MIN + int(rng.random() < 0.3)
        offsets = np.sort(rng.choice(np.arange(1, pt.INJURY_PATTERN_WINDOW_DAYS - 35), n - 1,
                                     replace=False))
        days = np.concatenate([[b], b + offsets])
        h = pop.hh[f]
        sibs = np.arange(pop.hh_first_child[h], pop.hh_first_child[h] + pop.hh_kids[h])
        sibs = sibs[(sibs != f) & (pop.birth[sibs] + 400 <= b)]
        target = np.full(n, f)
        if len(sibs) and rng.random() < 0.35:
            target[1:] = rng.choice(np.concatenate([[f], sibs]), n - 1)
        place = rng.integers(0, 3, n)  # 0 nearest ED, 1 other ED, 2 GP
        if len(set(place)) == 1:
            place[1] = (place[0] + 1 + rng.integers(0, 2)) % 3
        who.append(target)
        date.append(days)
        fam.append(place)
        inst += [i] * n
        order += list(range(n))
    who_a, date_a, place = np.concatenate(who), np.concatenate(date), np.concatenate(fam)
    inst_a, order_a = np.array(inst), np.array(order)
    fam_a = np.where(place == 2, GP, ctx.ed_family(who_a, place == 1))
    m = len(who_a)
    itype = rng.choice(len(tx.INJURIES), m, p=w / w.sum())
    names = np.array(tx.INJURIES)[itype]
    site = np.array([_INJ_SITES[t][int(u * len(_INJ_SITES[t]))] for t, u in
                     zip(names, rng.random(m), strict=True)], "int64")
    expl = rng.choice([0, 1, 3, 4, 5, 8], m)
    mob = np.where(date_a - pop.birth[who_a] < 730, tx.MOB_MOBILE, tx.MOB_NONE)
    ed = place < 2
    complaint = np.array([_INJ_COMPLAINT[t] for t in names], "int64")
    ctx.buf.add(who_a[ed], fam_a[ed], "ed_attendance", date_a[ed], tx.ed(complaint[ed], mob[ed]))
    row = ctx.buf.add(who_a, fam_a, "injury", date_a, tx.injury(itype, site, expl, mob), signif=HIGH)
    first = row[order_a == 0]
    last_idx = np.flatnonzero(np.r_[inst_a[1:] != inst_a[:-1], True])
    ctx.record("injury_pattern", focal, first, row[last_idx])


def _plan_children(ctx: Ctx, rng: np.random.Generator, name: str, latest: int) -> np.ndarray:
    pop = ctx.pop
    kids = ctx.free_children()
    return ctx.claim(rng, kids[np.maximum(ctx.ws, pop.birth[kids] + 30) <= latest], ctx.count(name))


def on_plan(ctx: Ctx, name: str) -> None:
    """A child on a CP plan (or looked after) attends ED / is not brought to an appointment."""
    pop, rng = ctx.pop, ctx.streams.get(f"inject:{name}")
    child = _plan_children(ctx, rng, name, ctx.as_of - 150)
    if not len(child):
        return
    t0 = pick(rng, np.maximum(ctx.ws, pop.birth[child] + 30), ctx.as_of - 150)
    lac = (name == "ed_attendance_on_plan") & (rng.random(len(child)) < 0.2) & (t0 <= ctx.as_of - 420)
    res = sc.cascade(ctx.buf, ctx.cases, rng, child, np.arange(len(child)), t0,
                     np.where(lac, sc.LAC, sc.CP), ctx.as_of)
    lac_lo, lac_hi = res.lac_start + 7, np.minimum(res.lac_end, ctx.as_of + 1) - 1
    use_lac = lac & (lac_lo <= lac_hi)
    lo = np.where(use_lac, lac_lo, res.cp_start + 7)
    hi = np.where(use_lac, lac_hi, np.minimum(res.cp_end, ctx.as_of + 1) - 1)
    ok = lo <= hi
    child, lo, hi, use_lac = child[ok], lo[ok], hi[ok], use_lac[ok]
    first = np.where(use_lac, res.lac_row[ok], res.plan_row[ok])
    date = pick(rng, lo, hi)
    if name == "ed_attendance_on_plan":
        row = ctx.buf.add(child, ctx.ed_family(child), "ed_attendance", date,
                          tx.ed(rng.integers(0, tx.N_ILLNESS, len(child))))
    else:
        young = (date - pop.birth[child] < 5 * YEAR) & (rng.random(len(child)) < 0.5)
        row = ctx.buf.add(child, np.where(young, HV, GP), "appointment_was_not_brought", date,
                          tx.plain("appointment_was_not_brought"), signif=HIGH)
    ctx.record(name, child, first, row)


def repeat_referral(ctx: Ctx) -> None:
    pop, rng = ctx.pop, ctx.streams.get("inject:repeat_referral")
    child = _plan_children(ctx, rng, "repeat_referral", ctx.as_of - 200)
    if not len(child):
        return
    units = np.arange(len(child))
    t0 = pick(rng, np.maximum(ctx.ws, pop.birth[child] + 30), ctx.as_of - 200)
    first = sc.cascade(ctx.buf, ctx.cases, rng, child, units, t0, np.full(len(child), sc.NFA), ctx.as_of)
    t1 = pick(rng, first.close + 14,
              np.minimum(first.referral + pt.REREFERRAL_WINDOW_DAYS - 7, ctx.as_of - 5))
    outcome = np.where(rng.random(len(child)) < 0.6, sc.NFA, sc.CIN)
    second = sc.cascade(ctx.buf, ctx.cases, rng, child, units, t1, outcome, ctx.as_of)
    ctx.record("repeat_referral", child, first.referral_row, second.referral_row)


def no_access_repeat(ctx: Ctx) -> None:
    pop, rng = ctx.pop, ctx.streams.get("inject:no_access_repeat")
    child = _plan_children(ctx, rng, "no_access_repeat", ctx.as_of - 330)
    if not len(child):
        return
    t0 = pick(rng, np.maximum(ctx.ws, pop.birth[child] + 30), ctx.as_of - 330)
    res = sc.cascade(ctx.buf, ctx.cases, rng, child, np.arange(len(child)), t0,
                     np.full(len(child), sc.CIN), ctx.as_of)
    n = pt.NO_ACCESS_MIN + (rng.random(len(child)) < 0.3)
    start = res.cin_start + pick(rng, 5, 15, len(child))  # inside the CIN plan (>= 120 days)
    offsets = np.sort(rng.integers(1, 95, (len(child), 3)), 1)
    rows = np.full((len(child), 4), -1, "int64")
    for j in range(4):
        sel = np.flatnonzero(n > j)
        d = start[sel] + (offsets[sel, j - 1] + j if j else 0)
        young = (d - pop.birth[child[sel]] < 5 * YEAR) & (rng.random(len(sel)) < 0.2)
        rows[sel[young], j] = ctx.buf.add(child[sel[young]], HV, "service_refused", d[young],
                                          tx.plain("service_refused", 0))
        rows[sel[~young], j] = ctx.buf.add(child[sel[~young]], CSC, "home_visit_no_access",
                                           d[~young], tx.plain("home_visit_no_access", j))
    ctx.record("no_access_repeat", child, rows[:, 0], rows[np.arange(len(child)), n - 1])


def was_not_brought_repeat(ctx: Ctx) -> None:
    pop, rng = ctx.pop, ctx.streams.get("inject:was_not_brought_repeat")
    hi = ctx.as_of - pt.WNB_REPEAT_WINDOW_DAYS + 35
    child = _plan_children(ctx, rng, "was_not_brought_repeat", hi)
    if not len(child):
        return
    base = pick(rng, np.maximum(ctx.ws, pop.birth[child] + 30), hi)
    n = pt.WNB_REPEAT_MIN + (rng.random(len(child)) < 0.35)
    offsets = np.sort(rng.integers(1, pt.WNB_REPEAT_WINDOW_DAYS - 40, (len(child), 3)), 1)
    offsets += np.arange(3)[None, :]  # distinct days
    rows = np.full((len(child), 4), -1, "int64")
    for j in range(4):
        sel = np.flatnonzero(n > j)
        d = base[sel] + (offsets[sel, j - 1] if j else 0)
        young = (d - pop.birth[child[sel]] < 5 * YEAR) & (rng.random(len(sel)) < 0.5)
        rows[sel, j] = ctx.buf.add(child[sel], np.where(young, HV, GP),
                                   "appointment_was_not_brought", d,
                                   tx.plain("appointment_was_not_brought"), signif=1)
    ctx.record("was_not_brought_repeat", child, rows[:, 0], rows[np.arange(len(child)), n - 1])
