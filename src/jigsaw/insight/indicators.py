"""The partnership's safeguarding indicators, computed set-wise from the merged chronology.

Each indicator states its definition and the published measure it follows, so a board member
can read what is counted and an analyst can compare it with the DfE's tables:

- DfE, *Children in need* statistics (children in need census; tables C1 referrals and
  re-referrals, C2 assessments by duration, C4 section 47 enquiries and initial child protection
  conferences, D1/D3/D7 child protection plans), https://explore-education-statistics.service.gov.uk/find-statistics/children-in-need
- DfE, *Children looked after in England including adoptions* (SSDA903: rate per 10,000 on
  31 March, placement stability), https://explore-education-statistics.service.gov.uk/find-statistics/children-looked-after-in-england-including-adoptions
- Ofsted, *Inspecting local authority children's services* (ILACS) Annex A, the "inspection
  data list" of children's records an inspection asks for (contacts, referrals, assessments,
  section 47s, plans, missing episodes and return interviews).
- HM Government, *Working Together to Safeguard Children 2023*: assessment within 45 working days
  of referral; initial conference within 15 working days of the strategy discussion at which
  section 47 enquiries were started.
- DfE, *Children who run away or go missing from home or care* (2014): the return home interview
  within 72 hours of the child's return.
- DfE, *Operation Encompass* guidance (2024): police share a domestic abuse notification with
  the child's school before the start of the next school day.

Everything is vectorised over one :class:`pandas.DataFrame` of events (``child``, ``type``, ``at``
and the two detail times ``interview_at`` and ``notified_at``) so 100,000 children over three
years take well under a second; no row is read through the ORM. The numbers returned here are
*unprotected*: :mod:`jigsaw.insight.board` passes every one through disclosure control.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from jigsaw.feeds import next_working_day

RATE, PERCENT = "per 10,000 children", "%"
HIGHER, LOWER, NEITHER = "higher is better", "lower is better", "no direction of good"
STOCK, FLOW = "stock", "flow"  # counted on the last day of a period, or over the days of it

CIN = "DfE, Children in need statistics"
CLA = "DfE, Children looked after in England including adoptions"
OFSTED = "Ofsted ILACS inspection data list (Annex A)"


@dataclass(frozen=True)
class Indicator:
    """One measure: what is counted, out of what, how it is shown and where it comes from."""

    id: str
    title: str
    definition: str
    unit: str  # RATE (numerator per 10,000 of the child population) or PERCENT
    good: str
    kind: str  # STOCK or FLOW
    source: str


INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "contacts_rate",
        "Contacts per 10,000 children",
        "Contacts received by children's social care in the period, per 10,000 children in the area.",
        RATE,
        NEITHER,
        FLOW,
        OFSTED,
    ),
    Indicator(
        "referrals_rate",
        "Referrals per 10,000 children",
        "Referrals accepted by children's social care in the period, per 10,000 children in the area.",
        RATE,
        NEITHER,
        FLOW,
        f"{CIN}, table C1",
    ),
    Indicator(
        "re_referrals",
        "Re-referrals within 12 months",
        "Referrals in the period made within 12 months (365 days) of a previous referral of the same child, "
        "as a percentage of all referrals in the period.",
        PERCENT,
        LOWER,
        FLOW,
        f"{CIN}, table C1",
    ),
    Indicator(
        "assessments_45",
        "Assessments completed within 45 working days",
        "Assessments completed in the period whose start was no more than 45 working days before their "
        "completion (working days exclude weekends and England's bank holidays), as a percentage of "
        "assessments completed.",
        PERCENT,
        HIGHER,
        FLOW,
        f"{CIN}, table C2; Working Together to Safeguard Children 2023",
    ),
    Indicator(
        "s47_rate",
        "Section 47 enquiries per 10,000 children",
        "Section 47 enquiries started in the period, per 10,000 children.",
        RATE,
        NEITHER,
        FLOW,
        f"{CIN}, table C4",
    ),
    Indicator(
        "icpc_15",
        "Initial conferences within 15 working days of the strategy discussion",
        "Initial child protection conferences held in the period (the first conference after a strategy "
        "discussion) no more than 15 working days after that discussion, as a percentage of initial "
        "conferences. The DfE's table counts from the start of the section 47 enquiry, which usually "
        "falls on the day of the discussion.",
        PERCENT,
        HIGHER,
        FLOW,
        f"{CIN}, table C4; Working Together to Safeguard Children 2023",
    ),
    Indicator(
        "cpp_rate",
        "Children on a child protection plan per 10,000",
        "Children subject to a child protection plan on the last day of the period, per 10,000 children.",
        RATE,
        NEITHER,
        STOCK,
        f"{CIN}, table D1",
    ),
    Indicator(
        "cpp_second",
        "Plans for a second or subsequent time",
        "Child protection plans starting in the period for a child who had a plan before (at any time), "
        "as a percentage of plans starting.",
        PERCENT,
        LOWER,
        FLOW,
        f"{CIN}, table D3",
    ),
    Indicator(
        "cpp_2_years",
        "Plans ending that lasted 2 years or more",
        "Child protection plans ending in the period that had lasted two years or more, as a percentage "
        "of plans ending.",
        PERCENT,
        LOWER,
        FLOW,
        f"{CIN}, table D7",
    ),
    Indicator(
        "cla_rate",
        "Children looked after per 10,000",
        "Children looked after on the last day of the period, per 10,000 children.",
        RATE,
        NEITHER,
        STOCK,
        f"{CLA}, children looked after on 31 March",
    ),
    Indicator(
        "placement_moves",
        "Looked-after children with 3 or more placements in 12 months",
        "Children looked after on the last day of the period who had three or more placements in the 12 "
        "months up to it (the placement they were in when the 12 months began, each new period of care "
        "and each move to new carers), as a percentage of children looked after.",
        PERCENT,
        LOWER,
        STOCK,
        f"{CLA}, placement stability",
    ),
    Indicator(
        "missing_rhi_72",
        "Missing episodes with a return interview within 72 hours",
        "Returns from missing in the period followed by a return home interview within 72 hours "
        "(the ``return_interview_at`` detail of the return), as a percentage of returns.",
        PERCENT,
        HIGHER,
        FLOW,
        "DfE, Children who run away or go missing from home or care (2014); " + OFSTED,
    ),
    Indicator(
        "encompass_next_day",
        "Operation Encompass notices before the next school day",
        "Domestic abuse incidents in the period where the child's school was notified (the "
        "``encompass_notified_at`` detail) before 09:00 on the next school day after the incident, as a "
        "percentage of incidents. School days are weekdays that are not bank holidays; school holidays "
        "are not known to Jigsaw.",
        PERCENT,
        HIGHER,
        FLOW,
        "DfE, Operation Encompass guidance (2024)",
    ),
)
BY_ID = {i.id: i for i in INDICATORS}

#: the event types the indicators read, and nothing else
EVENT_TYPES = (
    "contact",
    "referral",
    "assessment_start",
    "assessment_end",
    "strategy_discussion",
    "section47_start",
    "cp_conference",
    "cp_plan_start",
    "cp_plan_end",
    "looked_after_start",
    "looked_after_end",
    "placement_change",
    "missing_return",
    "domestic_abuse_incident",
)


@dataclass(frozen=True)
class Period:
    label: str
    start: dt.date
    end: dt.date  # inclusive


def quarters_ending(day: dt.date, n: int = 4) -> list[list[Period]]:
    """The ``n`` calendar quarters up to the one holding ``day``, each as its three months."""
    q_start_month = 3 * ((day.month - 1) // 3) + 1
    year, month = day.year, q_start_month
    starts = []
    for _ in range(n):
        starts.append(dt.date(year, month, 1))
        year, month = (year, month - 3) if month > 3 else (year - 1, month + 9)
    out = []
    for q in reversed(starts):
        months = []
        for k in range(3):
            m0 = dt.date(q.year + (q.month + k - 1) // 12, (q.month + k - 1) % 12 + 1, 1)
            nxt = dt.date(m0.year + m0.month // 12, m0.month % 12 + 1, 1)
            months.append(Period(m0.strftime("%b %Y"), m0, nxt - dt.timedelta(days=1)))
        out.append(months)
    return out


@lru_cache(maxsize=64)
def _holidays(first: int, last: int) -> np.ndarray:
    """England's bank holidays from ``first`` to ``last`` (the feeds calendar: a weekday that is
    not the next working day after the day before it)."""
    days = pd.date_range(dt.date(first, 1, 1), dt.date(last, 12, 31), freq="D")
    out = [d.date() for d in days if d.weekday() < 5
           and next_working_day(d.date() - dt.timedelta(days=1)) != d.date()]
    return np.array(out, dtype="datetime64[D]")


def working_days_after(start: pd.Series, end: pd.Series) -> np.ndarray:
    """Working days after ``start`` up to and including ``end`` (the calendar module's count)."""
    s = start.to_numpy(dtype="datetime64[D]")
    e = end.to_numpy(dtype="datetime64[D]")
    if not len(s):
        return np.zeros(0, dtype=int)
    years = pd.DatetimeIndex(np.concatenate([s, e])).year
    hol = _holidays(int(years.min()) - 1, int(years.max()) + 1)
    return np.busday_count(s + 1, e + 1, holidays=hol)


def next_school_day_9am(day: pd.Series) -> pd.Series:
    """09:00 on the first weekday after ``day`` that is not a bank holiday."""
    d = day.to_numpy(dtype="datetime64[D]")
    if not len(d):
        return pd.Series([], dtype="datetime64[ns]")
    years = pd.DatetimeIndex(d).year
    hol = _holidays(int(years.min()) - 1, int(years.max()) + 1)
    nxt = np.busday_offset(d + 1, 0, roll="forward", holidays=hol)
    return pd.Series(pd.to_datetime(nxt) + pd.Timedelta(hours=9), index=day.index)


@dataclass
class Prepared:
    """The events turned once into the tables every period reads (episodes, firsts, gaps)."""

    flows: dict[str, pd.DataFrame]  # indicator -> rows (day, hit) of what it counts
    plans: pd.DataFrame  # child, start, end (NaT: open)
    care: pd.DataFrame  # child, start, end
    moves: pd.DataFrame  # child, day (care starts and placement changes)
    unrecorded: set[str]  # indicators whose detail no source records (shown as not recorded, not 0%)


def _of(events: pd.DataFrame, kind: str) -> pd.DataFrame:
    return events.loc[events["type"] == kind]


def _episodes(events: pd.DataFrame, start: str, end: str) -> pd.DataFrame:
    """Each start with the first end of the same child on or after it (NaT: still open)."""
    s = _of(events, start)[["child", "day"]].sort_values("day").rename(columns={"day": "start"})
    e = _of(events, end)[["child", "day"]].sort_values("day").rename(columns={"day": "end"})
    if s.empty:
        return pd.DataFrame(
            {
                "child": pd.Series(dtype="int64"),
                "start": pd.Series(dtype="datetime64[ns]"),
                "end": pd.Series(dtype="datetime64[ns]"),
            }
        )
    e = e.assign(end_key=e["end"])
    out = pd.merge_asof(s, e, left_on="start", right_on="end_key", by="child", direction="forward")
    return out[["child", "start", "end"]].reset_index(drop=True)


def prepare(events: pd.DataFrame) -> Prepared:
    """``events``: child (int), type (str), at (datetime64), interview_at, notified_at (datetime64/NaT)."""
    ev = events.copy()
    ev["day"] = ev["at"].dt.normalize()
    ev = ev.sort_values(["day", "child"], kind="stable")
    flows: dict[str, pd.DataFrame] = {}

    def flow(name: str, day: pd.Series, hit: pd.Series | bool = True) -> None:
        flows[name] = pd.DataFrame({"day": day.to_numpy(), "hit": np.broadcast_to(np.asarray(hit), len(day))})

    flow("contacts_rate", _of(ev, "contact")["day"])
    flow("referrals_rate", _of(ev, "referral")["day"])
    flow("s47_rate", _of(ev, "section47_start")["day"])

    refs = _of(ev, "referral")[["child", "day"]].sort_values(["child", "day"])
    gap = refs["day"] - refs.groupby("child")["day"].shift()
    flow("re_referrals", refs["day"], (gap <= pd.Timedelta(days=365)).to_numpy())

    ends = _of(ev, "assessment_end")[["child", "day"]].sort_values("day")
    starts = _of(ev, "assessment_start")[["child", "day"]].sort_values("day").rename(columns={"day": "start"})
    asmt = pd.merge_asof(
        ends,
        starts.assign(key=starts["start"]),
        left_on="day",
        right_on="key",
        by="child",
        direction="backward",
    ).dropna(subset=["start"])
    flow("assessments_45", asmt["day"], working_days_after(asmt["start"], asmt["day"]) <= 45)

    confs = _of(ev, "cp_conference")[["child", "day"]].sort_values("day")
    disc = _of(ev, "strategy_discussion")[["child", "day"]].sort_values("day").rename(columns={"day": "disc"})
    icpc = pd.merge_asof(
        confs, disc.assign(key=disc["disc"]), left_on="day", right_on="key", by="child", direction="backward"
    ).dropna(subset=["disc"])
    icpc = icpc.sort_values("day").drop_duplicates(["child", "disc"], keep="first")  # the first after it
    flow("icpc_15", icpc["day"], working_days_after(icpc["disc"], icpc["day"]) <= 15)

    plans = _episodes(ev, "cp_plan_start", "cp_plan_end")
    plans = plans.sort_values(["child", "start"])
    flow("cpp_second", plans["start"], (plans.groupby("child").cumcount() > 0).to_numpy())
    ended = plans.dropna(subset=["end"])
    flow("cpp_2_years", ended["end"], (ended["end"] >= ended["start"] + pd.DateOffset(years=2)).to_numpy())

    unrecorded: set[str] = set()
    ret = _of(ev, "missing_return")
    if ret["interview_at"].isna().all():  # no source records return interviews: say so, not 0%
        unrecorded.add("missing_rhi_72")
        ret = ret.iloc[0:0]
    flow(
        "missing_rhi_72",
        ret["day"],
        ((ret["interview_at"] - ret["at"]) <= pd.Timedelta(hours=72)) & (ret["interview_at"] >= ret["at"]),
    )
    da = _of(ev, "domestic_abuse_incident")
    if da["notified_at"].isna().all():
        unrecorded.add("encompass_next_day")
        da = da.iloc[0:0]
    flow("encompass_next_day", da["day"], (da["notified_at"] < next_school_day_9am(da["day"])).to_numpy())

    care = _episodes(ev, "looked_after_start", "looked_after_end")
    moves = ev.loc[ev["type"].isin(["looked_after_start", "placement_change"]), ["child", "day"]]
    return Prepared(flows, plans, care, moves.reset_index(drop=True), unrecorded)


def _flow_counts(rows: pd.DataFrame, periods: Sequence[Period]) -> list[tuple[int, int]]:
    """(hits, all) per period: one vectorised bucketing of every row."""
    if rows.empty:
        return [(0, 0) for _ in periods]
    edges = np.array(
        [np.datetime64(p.start) for p in periods] + [np.datetime64(periods[-1].end + dt.timedelta(days=1))],
        dtype="datetime64[ns]",
    )
    days = rows["day"].to_numpy(dtype="datetime64[ns]")
    idx = np.searchsorted(edges, days, side="right") - 1
    inside = (idx >= 0) & (idx < len(periods)) & (days < edges[-1])
    hit = rows["hit"].to_numpy(dtype=bool)
    alln = np.bincount(idx[inside], minlength=len(periods))
    hits = np.bincount(idx[inside], weights=hit[inside], minlength=len(periods)).astype(int)
    return list(zip(hits.tolist(), alln.tolist(), strict=True))


def _active_on(episodes: pd.DataFrame, day: dt.date) -> pd.Series:
    t = pd.Timestamp(day)
    return (episodes["start"] <= t) & (episodes["end"].isna() | (episodes["end"] > t))


def _stock(prep: Prepared, indicator: str, day: dt.date) -> tuple[int, int | None]:
    """(numerator, denominator or None for a rate) on ``day``."""
    if indicator == "cpp_rate":
        return int(prep.plans.loc[_active_on(prep.plans, day), "child"].nunique()), None
    looked_after = prep.care.loc[_active_on(prep.care, day)]
    children = looked_after["child"].unique()
    if indicator == "cla_rate":
        return len(children), None
    t = pd.Timestamp(day)
    window_start = t - pd.DateOffset(years=1)
    moves = prep.moves.loc[
        (prep.moves["day"] > window_start) & (prep.moves["day"] <= t) & prep.moves["child"].isin(children)
    ]
    placements = moves.groupby("child").size()
    already = prep.care.loc[_active_on(prep.care, window_start.date()), "child"].unique()
    total = placements.reindex(children, fill_value=0) + pd.Series(1, index=already).reindex(
        children, fill_value=0
    )
    return int((total >= 3).sum()), len(children)


@dataclass
class Values:
    """Unprotected numbers of one indicator over a grid of quarters x months."""

    indicator: Indicator
    months: list[list[tuple[int, int | None]]]  # [quarter][month] -> (numerator, denominator)
    recorded: bool = True


def compute(prep: Prepared, quarters: list[list[Period]]) -> list[Values]:
    """Every indicator for every month of ``quarters`` (numerators and denominators)."""
    months = [m for q in quarters for m in q]
    out = []
    for ind in INDICATORS:
        if ind.kind == FLOW:
            pairs = _flow_counts(prep.flows[ind.id], months)
            flat: list[tuple[int, int | None]] = [
                (h, n) if ind.unit == PERCENT else (n, None) for h, n in pairs
            ]
        else:
            flat = [_stock(prep, ind.id, m.end) for m in months]
        out.append(
            Values(ind, [flat[i : i + 3] for i in range(0, len(flat), 3)], ind.id not in prep.unrecorded)
        )
    return out
