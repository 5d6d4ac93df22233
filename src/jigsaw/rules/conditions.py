"""Vectorised tests of a rule's conditions over many events at once: details, age and states.

Each test returns a boolean mask over the rows it was given, so a rule costs a few NumPy passes
over the events of its types rather than a Python call per event.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from jigsaw.rules.frame import OPEN, TYPE_CODE, UNKNOWN, Frame
from jigsaw.rules.model import STATES, Condition

_BIG = np.int64(1 << 26)  # > any day number we meet (1970 + 180,000 years)
_SHIFT = np.int64(1 << 25)  # days can be negative (before 1970)


def completed_years(birth: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Age in completed years on ``day`` (a 29 February birthday counts from 1 March)."""
    b, d = birth.astype("datetime64[D]"), day.astype("datetime64[D]")
    by, dy = b.astype("datetime64[Y]"), d.astype("datetime64[Y]")
    bm, dm = b.astype("datetime64[M]"), d.astype("datetime64[M]")
    b_md = (bm - by).astype(np.int64) * 32 + (b - bm).astype(np.int64)
    d_md = (dm - dy).astype(np.int64) * 32 + (d - dm).astype(np.int64)
    return (dy - by).astype(np.int64) - (d_md < b_md)


@dataclass
class Periods:
    """Periods in one state (e.g. on a child protection plan), searchable by (person, day)."""

    key_start: np.ndarray  # person-major key of each period start, sorted
    key_reach: np.ndarray  # running max of the person-major key of the period ends
    reach_row: np.ndarray  # frame row of the start event of the period reaching furthest

    @classmethod
    def build(cls, frame: Frame, state: str) -> Periods:
        """Each start event opens a period closed by the first end event on or after it, if any."""
        start_t, end_t = STATES[state]
        s_rows = np.flatnonzero(frame.etype == TYPE_CODE[start_t])
        e_rows = np.flatnonzero(frame.etype == TYPE_CODE[end_t])
        s_key = _key(frame.person[s_rows], frame.day[s_rows])
        e_key = _key(frame.person[e_rows], frame.day[e_rows])
        order = np.argsort(e_key, kind="stable")
        e_key = e_key[order]
        i = np.searchsorted(e_key, s_key, side="left")
        has_end = i < len(e_key)
        i = np.minimum(i, max(len(e_key) - 1, 0))
        same = has_end & (e_key[i] // _BIG == s_key // _BIG) if len(e_key) else np.zeros(len(s_key), bool)
        end_day = np.where(same, (e_key[i] % _BIG) - _SHIFT if len(e_key) else 0, OPEN)
        end_key = _key(frame.person[s_rows], end_day)
        order = np.argsort(s_key, kind="stable")
        s_key, end_key, s_rows = s_key[order], end_key[order], s_rows[order]
        reach = np.maximum.accumulate(end_key) if len(end_key) else end_key
        holder = np.where(end_key == reach, np.arange(len(end_key)), -1)
        holder = np.maximum.accumulate(holder) if len(holder) else holder
        return cls(s_key, reach, s_rows[holder] if len(holder) else s_rows)

    def covering(self, persons: np.ndarray, days: np.ndarray) -> np.ndarray:
        """Frame row of the start of a period that covers (person, day) — start and end days
        included — or -1."""
        if not len(self.key_start):
            return np.full(len(persons), -1)
        q = _key(persons, days)
        i = np.searchsorted(self.key_start, q, side="right") - 1
        ok = i >= 0
        i = np.maximum(i, 0)
        ok &= (self.key_reach[i] >= q) & (self.key_start[i] // _BIG == q // _BIG)
        return np.where(ok, self.reach_row[i], -1)


def _key(persons: np.ndarray, days: np.ndarray) -> np.ndarray:
    return persons.astype(np.int64) * _BIG + np.minimum(days.astype(np.int64), OPEN) + _SHIFT


class Tester:
    """Evaluates ``Condition``s against a frame, caching state periods across rules."""

    def __init__(self, frame: Frame) -> None:
        self.frame = frame
        self._periods: dict[str, Periods] = {}

    def periods(self, state: str) -> Periods:
        if state not in self._periods:
            self._periods[state] = Periods.build(self.frame, state)
        return self._periods[state]

    def test(self, cond: Condition, rows: np.ndarray, persons: np.ndarray, days: np.ndarray,
             ) -> tuple[np.ndarray, np.ndarray]:
        """(mask of rows meeting ``cond``, frame row of the state start that made it hold or -1).

        ``rows`` are the events (for details tests); ``persons``/``days`` whose age and state
        are tested (the event's own person, or a household member for subject tests).
        """
        n = len(rows)
        mask = np.ones(n, bool)
        state_row = np.full(n, -1, np.int64)
        for name, allowed in cond.details:
            values = self.frame.detail_values(rows[mask], name)
            hit = np.fromiter((v in allowed for v in values), bool, len(values))
            mask[np.flatnonzero(mask)[~hit]] = False
        if cond.age_under_days is not None or cond.age_between_years is not None:
            birth = self.frame.birth(persons)
            known = birth != UNKNOWN
            mask &= known
            age = np.where(known, days - np.where(known, birth, 0), -1)
            if cond.age_under_days is not None:
                mask &= (age >= 0) & (age < cond.age_under_days)
            if cond.age_between_years is not None:
                lo, hi = cond.age_between_years
                years = np.where(known & (age >= 0), completed_years(np.where(known, birth, 0), days), -1)
                mask &= (years >= lo) & (years <= hi)
        if cond.states:
            covered = np.full(n, -1, np.int64)
            for state in sorted(cond.states):
                hit = self.periods(state).covering(persons, days)
                covered = np.where(covered < 0, hit, covered)
            mask &= covered >= 0
            state_row = np.where(mask, covered, -1)
        if cond.any_of:
            alt_any = np.zeros(n, bool)
            alt_row = np.full(n, -1, np.int64)
            for alt in cond.any_of:
                sub = np.flatnonzero(mask & ~alt_any)
                m, r = self.test(alt, rows[sub], persons[sub], days[sub])
                alt_any[sub[m]] = True
                alt_row[sub[m]] = r[m]
            mask &= alt_any
            state_row = np.where(state_row >= 0, state_row, alt_row)
        return mask, state_row
