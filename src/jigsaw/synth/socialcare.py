"""Children's social care case histories: contact -> referral -> assessment -> plans -> closure.

One routine serves both the background caseload (whole sibling groups, outcomes drawn at national
proportions) and the injected patterns (a single child with a forced outcome), so a plan an alert
rule sees always has the statutory steps around it in a plausible order and timing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from jigsaw.synth import texts as tx
from jigsaw.synth.eventbuf import EventBuf
from jigsaw.synth.plan import NONE
from jigsaw.synth.rng import pick
from jigsaw.synth.sources import CSC

NFA, CIN, S47_NFA, S47_CIN, CP, LAC = range(6)
#: background outcome shares (DfE Children in Need census, rounded)
OUTCOME_P = np.array([0.45, 0.30, 0.1125, 0.0625, 0.0675, 0.0075])
TEAMS = ("Assessment Team", "Child in Need Team", "Assessment Team", "Child in Need Team",
         "Child Protection Team", "Children in Care Team")


@dataclass
class CaseLog:
    """Allocated-social-worker involvements collected while cascades are generated."""

    person: list[np.ndarray] = field(default_factory=list)
    start: list[np.ndarray] = field(default_factory=list)
    end: list[np.ndarray] = field(default_factory=list)
    team: list[np.ndarray] = field(default_factory=list)

    def columns(self) -> dict[str, np.ndarray]:
        def cat(parts: list[np.ndarray]) -> np.ndarray:
            return np.concatenate(parts) if parts else np.zeros(0, "int64")
        return {"person": cat(self.person), "start": cat(self.start), "end": cat(self.end),
                "team": cat(self.team)}


@dataclass
class Cascade:
    """Per-child results: key event rows and the periods the child was on a plan."""

    child: np.ndarray
    referral: np.ndarray  # date
    referral_row: np.ndarray
    plan_row: np.ndarray  # cp_plan_start row (or -1)
    lac_row: np.ndarray
    cp_start: np.ndarray
    cp_end: np.ndarray
    lac_start: np.ndarray
    lac_end: np.ndarray
    cin_start: np.ndarray
    cin_end: np.ndarray
    close: np.ndarray


def _visits(rng: np.random.Generator, start: np.ndarray, end: np.ndarray, lo: int, hi: int,
            ) -> tuple[np.ndarray, np.ndarray]:
    """(unit, date) of visits every lo..hi days from start (exclusive) to end (exclusive)."""
    live = np.flatnonzero(start < end)
    if not len(live):
        return np.zeros(0, "int64"), np.zeros(0, "int64")
    k = int(np.ceil((end[live] - start[live]).max() / lo)) + 1
    steps = rng.integers(lo, hi + 1, (len(live), k)).cumsum(1)
    dates = start[live][:, None] + steps
    ok = dates < end[live][:, None]
    unit = np.broadcast_to(live[:, None], dates.shape)[ok]
    return unit, dates[ok]


@dataclass
class _Steps:
    """Per case unit: the date of every statutory step (NONE where the outcome has no such step)."""

    referral: np.ndarray
    a_start: np.ndarray
    strat: np.ndarray
    s47_start: np.ndarray
    s47_end: np.ndarray
    a_end: np.ndarray
    cp_start: np.ndarray
    cp_end: np.ndarray
    lac_start: np.ndarray
    lac_end: np.ndarray
    cin_start: np.ndarray
    cin_end: np.ndarray
    close: np.ndarray
    variant: np.ndarray  # which wording of each step's text


def _steps(rng: np.random.Generator, t0: np.ndarray, outcome: np.ndarray) -> _Steps:
    """Dates from the contact on: referral, assessment, section 47, plans, closure, in statutory order."""
    n = len(t0)
    referral = t0 + pick(rng, 0, 2, n)
    a_start = referral + pick(rng, 1, 5, n)
    s47 = outcome >= S47_NFA
    strat = referral + pick(rng, 0, 2, n)
    s47_start = strat + pick(rng, 0, 1, n)
    s47_end = s47_start + pick(rng, 7, 15, n)
    a_end = np.where(s47, s47_end + pick(rng, 0, 10, n), a_start + pick(rng, 15, 45, n))
    cp = outcome >= CP
    cp_start = np.where(cp, s47_start + pick(rng, 10, 15, n), NONE)
    lac = outcome == LAC
    lac_start = np.where(lac, cp_start + pick(rng, 30, 300, n), NONE)
    lac_end = np.where(lac, lac_start + pick(rng, 180, 900, n), NONE)
    cp_end = np.where(lac, lac_start, np.where(cp, cp_start + pick(rng, 180, 540, n), NONE))
    cin_start = np.select([(outcome == CIN) | (outcome == S47_CIN), outcome == CP],
                          [a_end + pick(rng, 3, 14, n), cp_end], NONE)
    cin_end = np.where(cin_start < NONE, cin_start + pick(rng, 120, 360, n), NONE)
    close = np.select([(outcome == NFA) | (outcome == S47_NFA), outcome == LAC],
                      [a_end + pick(rng, 0, 10, n), lac_end + pick(rng, 30, 120, n)],
                      cin_end + pick(rng, 0, 14, n))
    return _Steps(referral, a_start, strat, s47_start, s47_end, a_end, cp_start, cp_end, lac_start, lac_end,
                  cin_start, cin_end, close, rng.integers(0, 8, n))


def _emit_steps(buf: EventBuf, child: np.ndarray, unit: np.ndarray, t0: np.ndarray, outcome: np.ndarray,
                d: _Steps) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every step's event on every child of its unit: (referral rows, CP plan rows, looked-after rows)."""
    n, variant = len(t0), d.variant
    s47, cp, lac = outcome >= S47_NFA, outcome >= CP, outcome == LAC

    def emit(etype: str, dates: np.ndarray, text: np.ndarray, where: np.ndarray | None = None,
             ) -> np.ndarray:
        sel = np.ones(len(child), bool) if where is None else where[unit]
        rows = np.full(len(child), -1, "int64")
        rows[sel] = buf.add(child[sel], CSC, etype, dates[unit[sel]], text[unit[sel]])
        return rows

    def text(etype: str, v: np.ndarray | int = variant) -> np.ndarray:
        return np.broadcast_to(tx.plain(etype, v), n)

    emit("contact", t0, text("contact"))
    ref_row = emit("referral", d.referral, text("referral"))
    emit("assessment_start", d.a_start, text("assessment_start"))
    emit("strategy_discussion", d.strat, text("strategy_discussion"), s47)
    emit("section47_start", d.s47_start, text("section47_start"), s47)
    emit("section47_end", d.s47_end, text("section47_end", np.where(outcome == S47_NFA, 1, 0)), s47)
    planned = (outcome == CIN) | (outcome >= S47_CIN)
    emit("assessment_end", d.a_end, text("assessment_end", np.where(planned, 1, 2 * (variant % 2))))
    emit("cp_conference", d.cp_start, text("cp_conference", np.where(variant % 3 == 2, 2, 0)), cp)
    plan_row = emit("cp_plan_start", d.cp_start, text("cp_plan_start"), cp)
    for k in (1, 2, 3):  # review conferences at 3 months, then six-monthly
        review = d.cp_start + 90 + 182 * (k - 1)
        emit("cp_conference", review, text("cp_conference", 1), cp & (review < d.cp_end))
    emit("cp_plan_end", d.cp_end, text("cp_plan_end", lac.astype("int64")), cp)
    lac_row = emit("looked_after_start", d.lac_start, text("looked_after_start"), lac)
    emit("looked_after_end", d.lac_end, text("looked_after_end"), lac)
    emit("cin_plan_start", d.cin_start, text("cin_plan_start"), d.cin_start < NONE)
    emit("cin_plan_end", d.cin_end, text("cin_plan_end"), d.cin_start < NONE)
    emit("case_closed", d.close, text("case_closed"))
    return ref_row, plan_row, lac_row


def _emit_visits(buf: EventBuf, rng: np.random.Generator, child: np.ndarray, unit: np.ndarray, n: int,
                 d: _Steps, as_of: int, no_access_rate: float) -> None:
    """Home visits while a plan runs (CIN every 3-6 weeks, CP every 2-4, looked after every 6-12),
    each on every child of the unit; with ``no_access_rate``, at most one visit per unit finds no one in.
    """
    hi = as_of + 1
    visit_units, visit_dates = [], []
    for start, end, lo, hi_step in ((d.cin_start, d.cin_end, 21, 42), (d.cp_start, d.cp_end, 14, 28),
                                    (d.lac_start, d.lac_end, 42, 84)):
        u, day = _visits(rng, np.minimum(start, hi), np.minimum(end, hi), lo, hi_step)
        visit_units.append(u)
        visit_dates.append(day)
    vu, vd = np.concatenate(visit_units), np.concatenate(visit_dates)
    if not len(vu):
        return
    no_access = np.zeros(len(vu), bool)
    if no_access_rate > 0:  # at most one per unit, recorded on the unit's first child
        order = rng.permutation(len(vu))
        _, first = np.unique(vu[order], return_index=True)
        cand = order[first]
        no_access[cand[rng.random(len(cand)) < no_access_rate]] = True
    counts = np.bincount(unit, minlength=n)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    by_unit = child[np.argsort(unit, kind="stable")]
    reps = counts[vu]
    within = np.arange(reps.sum()) - np.repeat(np.cumsum(reps) - reps, reps)
    who = by_unit[np.repeat(starts[vu], reps) + within]
    vdate = np.repeat(vd, reps)
    na = np.repeat(no_access, reps)
    buf.add(who[~na], CSC, "home_visit", vdate[~na], tx.plain("home_visit", vdate[~na] % 2))
    sel = na & (within == 0)
    buf.add(who[sel], CSC, "home_visit_no_access", vdate[sel],
            tx.plain("home_visit_no_access", vdate[sel] % 2))


def cascade(buf: EventBuf, cases: CaseLog, rng: np.random.Generator, child: np.ndarray,
            unit: np.ndarray, t0: np.ndarray, outcome: np.ndarray, as_of: int,
            no_access_rate: float = 0.0) -> Cascade:
    """Emit the CSC events of cases starting with a contact on ``t0`` (per unit).

    ``child``/``unit`` list the children of each unit (a sibling group or one child). Dates
    after ``as_of`` are simply not emitted: those cases are still open. Stages: the steps' dates,
    their events, the home visits, and the allocated social worker's involvement.
    """
    d = _steps(rng, t0, outcome)
    ref_row, plan_row, lac_row = _emit_steps(buf, child, unit, t0, outcome, d)
    _emit_visits(buf, rng, child, unit, len(t0), d, as_of, no_access_rate)
    team = np.select([outcome == LAC, outcome == CP, d.cin_start < NONE], [5, 4, 1], 0)
    cases.person.append(child)
    cases.start.append(d.referral[unit])
    cases.end.append(np.where(d.close[unit] <= as_of, d.close[unit], NONE))
    cases.team.append(team[unit])
    return Cascade(child=child, referral=d.referral[unit], referral_row=ref_row, plan_row=plan_row,
                   lac_row=lac_row, cp_start=d.cp_start[unit], cp_end=d.cp_end[unit],
                   lac_start=d.lac_start[unit], lac_end=d.lac_end[unit], cin_start=d.cin_start[unit],
                   cin_end=d.cin_end[unit], close=d.close[unit])
