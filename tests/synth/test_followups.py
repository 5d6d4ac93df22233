"""The follow-up times synth writes: the weekday after, and the shares the config sets."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pyarrow as pa

from jigsaw.synth import followups
from jigsaw.synth import texts as tx
from jigsaw.synth.config import SynthConfig

FRIDAY = (dt.date(2025, 3, 7) - dt.date(1970, 1, 1)).days


def test_the_next_weekday_skips_the_weekend():
    days = np.array([FRIDAY, FRIDAY + 1, FRIDAY + 2, FRIDAY + 3])  # Fri, Sat, Sun, Mon
    got = [dt.date(1970, 1, 1) + dt.timedelta(days=int(d)) for d in followups._next_weekday(days)]
    assert got == [dt.date(2025, 3, 10), dt.date(2025, 3, 10), dt.date(2025, 3, 10), dt.date(2025, 3, 11)]


def _run(config: SynthConfig, n: int = 200) -> list[dict]:
    etype = np.array([followups.RETURN, followups.INCIDENT] * n)
    plain_return = int(np.ravel(tx.plain("missing_return"))[0])
    text = np.array([plain_return, tx.DA_BASE + 29] * n)  # the incident: children present
    day = np.full(2 * n, FRIDAY)
    details = tx.DETAILS.take(pa.array(text))
    out = followups.add_follow_ups(details, etype, day, text, np.random.default_rng(1), config)
    return [json.loads(v.replace('""', '"')[1:-1]) if v else {} for v in out.to_pylist()]


def test_every_time_falls_where_the_config_says():
    on_time = _run(SynthConfig(return_interview_within_72h=1.0, return_interview_later=0.0,
                               encompass_before_school=1.0))
    friday = dt.datetime(2025, 3, 7)
    for ret, incident in zip(on_time[::2], on_time[1::2], strict=True):
        waited = dt.datetime.fromisoformat(ret["return_interview_at"]) - friday
        assert dt.timedelta(0) < waited <= dt.timedelta(hours=72)
        assert incident["children_present"] is True  # the incident's own details are kept
        told = dt.datetime.fromisoformat(incident["encompass_notified_at"])
        assert told.date() == dt.date(2025, 3, 10) and told.hour < 9
    late = _run(SynthConfig(return_interview_within_72h=0.0, return_interview_later=1.0,
                            encompass_before_school=0.0))
    for ret, incident in zip(late[::2], late[1::2], strict=True):
        assert dt.datetime.fromisoformat(ret["return_interview_at"]) - friday > dt.timedelta(hours=72)
        told = dt.datetime.fromisoformat(incident["encompass_notified_at"])
        assert told >= dt.datetime(2025, 3, 10, 10)
    none = _run(SynthConfig(return_interview_within_72h=0.0, return_interview_later=0.0))
    assert all("return_interview_at" not in ret for ret in none[::2])
