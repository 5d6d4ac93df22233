"""The times that follow an event, written into its ``details``: when a child returned from
missing had their return home interview (``return_interview_at``), and when police told the
child's school of a domestic abuse incident (``encompass_notified_at``).

Why: the partnership picture's two timeliness indicators read exactly these keys
(docs/insight.md); without them the demo can only say "not recorded". The shares are knobs of
:class:`~jigsaw.synth.config.SynthConfig`, illustrative rather than published rates. Times are
local, naive ISO strings like the feed's other datetimes; the event itself carries a date only,
so offsets count from its midnight.
"""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from jigsaw.synth import texts as tx
from jigsaw.synth.config import SynthConfig

RETURN, INCIDENT = tx.ET["missing_return"], tx.ET["domestic_abuse_incident"]
EPOCH = dt.datetime(1970, 1, 1)


def _stamp(day: int, minutes: int) -> str:
    return (EPOCH + dt.timedelta(days=int(day), minutes=int(minutes))).isoformat(timespec="minutes")


def _next_weekday(day: np.ndarray) -> np.ndarray:
    """The weekday after each day (1970-01-01, day 0, was a Thursday: weekday = (day + 3) % 7)."""
    nxt = day + 1
    weekday = (nxt + 3) % 7  # 0 Monday .. 6 Sunday
    return nxt + np.where(weekday == 5, 2, np.where(weekday == 6, 1, 0))


def interview_minutes(rng: np.random.Generator, n: int, config: SynthConfig) -> np.ndarray:
    """Minutes after the return's midnight of each interview; -1 for none recorded."""
    roll = rng.random(n)
    within = rng.integers(2 * 60, 72 * 60, n)  # from two hours to 72 hours
    later = rng.integers(73 * 60, 14 * 24 * 60, n)  # from just over 72 hours to a fortnight
    cut = config.return_interview_within_72h
    return np.where(roll < cut, within, np.where(roll < cut + config.return_interview_later, later, -1))


def notice_times(rng: np.random.Generator, day: np.ndarray,
                 config: SynthConfig) -> tuple[np.ndarray, np.ndarray]:
    """(day, minutes after its midnight) each school was told: before 09:00 on the next weekday,
    or (the rest) later that day or on one of the two weekdays after."""
    n = len(day)
    nxt = _next_weekday(day)
    on_time = rng.random(n) < config.encompass_before_school
    steps, late_day = rng.integers(0, 3, n), nxt
    for step in (1, 2):  # up to two more weekdays
        late_day = np.where(steps >= step, _next_weekday(late_day), late_day)
    days = np.where(on_time, nxt, late_day)
    minutes = np.where(on_time, rng.integers(7 * 60, 9 * 60, n), rng.integers(10 * 60, 17 * 60, n))
    return days, minutes


def add_follow_ups(details: pa.Array, etype: np.ndarray, day: np.ndarray, text: np.ndarray,
                   rng: np.random.Generator, config: SynthConfig) -> pa.Array:
    """``details`` (CSV-escaped, one per row) with the follow-up time merged into each return
    and incident; ``text`` is each row's text code (its details before escaping)."""
    rows = np.flatnonzero((etype == RETURN) | (etype == INCIDENT))
    if not len(rows):
        return details
    raw = [tx.DETAILS_RAW[t] for t in text[rows]]
    is_return = etype[rows] == RETURN
    interview = interview_minutes(rng, len(rows), config)
    notice_day, notice_min = notice_times(rng, day[rows], config)
    out = []
    for k, row in enumerate(rows):
        got = json.loads(raw[k]) if raw[k] else {}
        if is_return[k]:
            if interview[k] >= 0:
                got["return_interview_at"] = _stamp(day[row], interview[k])
        else:
            got["encompass_notified_at"] = _stamp(notice_day[k], notice_min[k])
        text = json.dumps(got, ensure_ascii=False, separators=(",", ":")) if got else None
        out.append(None if text is None else '"' + text.replace('"', '""') + '"')
    mask = np.zeros(len(details), bool)
    mask[rows] = True
    return pc.replace_with_mask(details, pa.array(mask), pa.array(out, pa.string()))
