"""A straightforward re-implementation of the pattern rules, used to check synth's truth file.

Runs over one chunk's true population and events (before identity noise), so it can tell
whether every pattern a rule would find is one synth says it injected, and vice versa.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from jigsaw.synth import patterns as pt
from jigsaw.synth import texts as tx
from jigsaw.synth.context import Ctx
from jigsaw.synth.dates import age_years
from jigsaw.synth.households import CHILD
from jigsaw.synth.sources import CSC, HV, POL

ET = tx.ET


def _by_person(ev: dict[str, np.ndarray], types: set[str], fams: set[int] | None = None,
               ) -> dict[int, list[int]]:
    codes = [ET[t] for t in types]
    sel = np.isin(ev["etype"], codes)
    if fams is not None:
        sel &= np.isin(ev["fam"], list(fams))
    out: dict[int, list[int]] = defaultdict(list)
    for p, d in zip(ev["person"][sel], ev["date"][sel], strict=True):
        out[int(p)].append(int(d))
    return {p: sorted(ds) for p, ds in out.items()}


def _run(dates: list[int], k: int, window: int) -> bool:
    return any(dates[i + k - 1] - dates[i] < window for i in range(len(dates) - k + 1))


def _plan_periods(ev: dict[str, np.ndarray]) -> dict[int, list[tuple[int, int]]]:
    periods: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for start, end in (("cp_plan_start", "cp_plan_end"), ("looked_after_start", "looked_after_end")):
        starts = _by_person(ev, {start})
        ends = _by_person(ev, {end})
        for p, ss in starts.items():
            for s in ss:
                later = [e for e in ends.get(p, []) if e >= s]
                periods[p].append((s, later[0] if later else 2**40))
    return periods


def find(ctx: Ctx) -> dict[str, set[int]]:
    """Persons (households for injury_pattern) each rule finds in the chunk."""
    pop = ctx.pop
    ev = ctx.buf.columns()
    found: dict[str, set[int]] = {name: set() for name in pt.PATTERN_NAMES}
    inj = ev["etype"] == ET["injury"]
    text = ev["text"][inj] - tx.INJURY_BASE
    nim = text % 3 == tx.MOB_NIM
    young = ev["date"][inj] - pop.birth[ev["person"][inj]] < pt.NON_MOBILE_MAX_AGE_DAYS
    found["non_mobile_injury"] = set(ev["person"][inj][nim | young].tolist())

    by_hh: dict[int, list[tuple[int, int]]] = defaultdict(list)
    src = np.where(ev["fam"] < 0, 0, ev["fam"])  # family is enough to tell ED from GP from HV
    for p, d, f in zip(ev["person"][inj], ev["date"][inj], src[inj], strict=True):
        by_hh[int(pop.hh[p])].append((int(d), int(f)))
    for h, items in by_hh.items():
        items.sort()
        for i in range(len(items)):
            window = [x for x in items[i:] if x[0] - items[i][0] < pt.INJURY_PATTERN_WINDOW_DAYS]
            if len(window) >= pt.INJURY_PATTERN_MIN and len({f for _, f in window}) >= 2:
                found["injury_pattern"].add(h)

    periods = _plan_periods(ev)
    for name, etype in (("ed_attendance_on_plan", "ed_attendance"),
                        ("was_not_brought_on_plan", "appointment_was_not_brought")):
        for p, ds in _by_person(ev, {etype}).items():
            if any(s <= d <= e for d in ds for s, e in periods.get(p, [])):
                found[name].add(p)

    da = (ev["etype"] == ET["domestic_abuse_incident"]) & (ev["fam"] == POL)
    for p, d in zip(ev["person"][da], ev["date"][da], strict=True):
        h = pop.hh[p]
        kids = np.arange(pop.hh_first_child[h], pop.hh_first_child[h] + pop.hh_kids[h])
        kids = kids[pop.birth[kids] <= d]
        age = age_years(pop.birth[kids], np.full(len(kids), d))
        school = kids[(age >= pt.SCHOOL_AGE_MIN) & (age <= pt.SCHOOL_AGE_MAX)]
        found["domestic_abuse_school_age"].update(school.tolist())

    missing = _by_person(ev, {"missing_episode"})
    found["missing_episode"] = set(missing)
    found["missing_repeat"] = {p for p, ds in missing.items()
                               if _run(ds, pt.MISSING_REPEAT_MIN, pt.MISSING_REPEAT_WINDOW_DAYS)}
    found["was_not_brought_repeat"] = {
        p for p, ds in _by_person(ev, {"appointment_was_not_brought"}).items()
        if _run(ds, pt.WNB_REPEAT_MIN, pt.WNB_REPEAT_WINDOW_DAYS)}
    found["repeat_referral"] = {p for p, ds in _by_person(ev, {"referral"}).items()
                                if _run(ds, 2, pt.REREFERRAL_WINDOW_DAYS)}
    for p, ds in _by_person(ev, {"household_member_joined"}, {CSC, HV}).items():
        if pop.role[p] == CHILD and any(0 <= d - pop.birth[p] < pt.NEW_ADULT_BABY_MAX_AGE_DAYS
                                        for d in ds):
            found["new_adult_baby"].add(p)
    no_access = _by_person(ev, {"home_visit_no_access", "service_refused"})
    found["no_access_repeat"] = {p for p, ds in no_access.items()
                                 if _run(ds, pt.NO_ACCESS_MIN, pt.NO_ACCESS_WINDOW_DAYS)}
    hh_access: dict[int, list[int]] = defaultdict(list)
    for p, ds in no_access.items():
        hh_access[int(pop.hh[p])] += ds
    found["no_access_household"] = {h for h, ds in hh_access.items()
                                    if _run(sorted(ds), pt.NO_ACCESS_MIN, pt.NO_ACCESS_WINDOW_DAYS)}
    return found


def injected(ctx: Ctx) -> dict[str, set[int]]:
    """Persons (households for injury_pattern) in the chunk's truth rows."""
    out: dict[str, set[int]] = {name: set() for name in pt.PATTERN_NAMES}
    for person, code, _, _ in ctx.truth:
        name = pt.PATTERN_NAMES[code]
        if name == "injury_pattern":
            out[name].update(ctx.pop.hh[person].tolist())
        else:
            out[name].update(person.tolist())
    return out
