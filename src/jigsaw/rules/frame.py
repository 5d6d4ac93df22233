"""Turns a ``Population`` into sorted NumPy columns the rule evaluator works on, cleaning as it goes.

Everything the rules must not trip over is settled here, once per evaluation: events later than
``as_of``, unknown event types, exact duplicate keys, dates known only to the month or year, and
events dated after the person's recorded death. Days are integers (days since 1970-01-01).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from jigsaw.feeds import EVENT_TYPES
from jigsaw.rules.population import Population

TYPES: tuple[str, ...] = tuple(EVENT_TYPES)
TYPE_CODE: dict[str, int] = {t: i for i, t in enumerate(TYPES)}
#: far-future day, for open periods
OPEN = 10_000_000
UNKNOWN = np.iinfo(np.int64).min
_US_PER_DAY = 86_400_000_000


@dataclass
class Diagnostics:
    """Input problems met during an evaluation; nothing is dropped without being counted here."""

    unknown_event_types: int = 0
    missing_required: int = 0
    duplicate_keys: int = 0
    after_as_of: int = 0
    uncertain_dates: int = 0
    malformed_details: int = 0
    #: event keys ignored because they are dated after the person's recorded death
    after_death: dict[int, list[str]] = field(default_factory=dict)


@dataclass
class Frame:
    """Usable events sorted by (person, day, type, source, key), with per-person lookups."""

    person: np.ndarray
    day: np.ndarray
    etype: np.ndarray
    source: np.ndarray
    uncertain: np.ndarray
    keys: pa.Array
    details: pa.Array
    people_ids: np.ndarray
    people_birth: np.ndarray
    hh_member: np.ndarray
    hh_person: np.ndarray
    hh_start: np.ndarray
    hh_end: np.ndarray
    diagnostics: Diagnostics
    _parsed: dict[int, dict[str, Any]] = field(default_factory=dict)

    def birth(self, persons: np.ndarray) -> np.ndarray:
        """Birth day of each person, ``UNKNOWN`` where not known."""
        if not len(self.people_ids):
            return np.full(len(persons), UNKNOWN)
        i = np.minimum(np.searchsorted(self.people_ids, persons), len(self.people_ids) - 1)
        return np.where(self.people_ids[i] == persons, self.people_birth[i], UNKNOWN)

    def detail_values(self, rows: np.ndarray, name: str) -> np.ndarray:
        """Canonical JSON text of details field ``name`` for ``rows`` ('' where absent)."""
        out = np.empty(len(rows), dtype=object)
        texts = self.details.take(pa.array(rows, pa.int64())).to_pylist() if len(rows) else []
        for j, (r, text) in enumerate(zip(rows.tolist(), texts, strict=True)):
            parsed = self._parsed.get(r)
            if parsed is None:
                parsed = {}
                if text:
                    try:
                        value = json.loads(text)
                        parsed = value if isinstance(value, dict) else {}
                    except ValueError:
                        self.diagnostics.malformed_details += 1
                self._parsed[r] = parsed
            out[j] = json.dumps(parsed[name]) if name in parsed else ""
        return out

    def event_keys(self, rows: np.ndarray) -> list[str]:
        return self.keys.take(pa.array(rows, pa.int64())).to_pylist()


def _days(ts: pa.ChunkedArray) -> np.ndarray:
    us = pc.cast(ts, pa.timestamp("us", tz="UTC")).cast(pa.int64()).to_numpy(zero_copy_only=False)
    return np.floor_divide(us, _US_PER_DAY)


def _floor(day: np.ndarray, month: np.ndarray, year: np.ndarray, latest: bool = False) -> np.ndarray:
    """Earliest (or latest) day a month- or year-precision date may stand for."""
    d = day.astype("datetime64[D]")
    m, y = d.astype("datetime64[M]"), d.astype("datetime64[Y]")
    if latest:
        m_d, y_d = (m + 1).astype("datetime64[D]") - 1, (y + 1).astype("datetime64[D]") - 1
    else:
        m_d, y_d = m.astype("datetime64[D]"), y.astype("datetime64[D]")
    out = np.where(month, m_d, np.where(year, y_d, d))
    return (out - np.datetime64("1970-01-01", "D")).astype(np.int64)


def _closure(persons: set[int], a: np.ndarray, b: np.ndarray, hops: int) -> np.ndarray:
    ids = np.array(sorted(persons), dtype=np.int64)
    for _ in range(hops):
        ids = np.union1d(ids, b[np.isin(a, ids)])
    return ids


def build_frame(pop: Population, as_of: date, persons: set[int] | None) -> tuple[Frame, np.ndarray | None]:
    """(the frame, the people findings may be about when ``persons`` restricts the run)."""
    diag = Diagnostics()
    ev, hh = pop.events, pop.households
    hh_a = hh.column("person_id").to_numpy(zero_copy_only=False)
    hh_b = hh.column("member_id").to_numpy(zero_copy_only=False)
    focus = None
    if persons is not None:
        focus = _closure(persons, hh_a, hh_b, 1)
        wide = _closure(set(focus.tolist()), hh_a, hh_b, 1)
        ev = ev.filter(pc.is_in(ev.column("person_id"), pa.array(wide, pa.int64())))
        keep = np.isin(hh_a, wide)
        hh = hh.filter(pa.array(keep))
        hh_a, hh_b = hh_a[keep], hh_b[keep]
    etype = pc.index_in(ev.column("event_type"), value_set=pa.array(TYPES, pa.string()))
    ok = pc.is_valid(etype)
    diag.unknown_event_types = int(pc.sum(pc.and_(pc.invert(ok), pc.is_valid(ev.column("event_type"))))
                                   .as_py() or 0)
    required = pc.and_(pc.and_(pc.is_valid(ev.column("person_id")), pc.is_valid(ev.column("occurred_at"))),
                       pc.is_valid(ev.column("event_key")))
    diag.missing_required = ev.num_rows - int(pc.sum(required).as_py() or 0)
    keep = pc.and_(ok, required)
    ev = ev.filter(keep)
    etype = etype.filter(keep)
    # exact duplicate keys (the same record sent twice): keep the first
    uniq = pc.unique(ev.column("event_key"))
    if len(uniq) < ev.num_rows:
        first = pc.index_in(uniq, value_set=ev.column("event_key")).to_numpy()
        diag.duplicate_keys = ev.num_rows - len(uniq)
        first = np.sort(first)
        ev, etype = ev.take(pa.array(first)), etype.take(pa.array(first))
    person = ev.column("person_id").to_numpy(zero_copy_only=False).astype(np.int64)
    code = etype.to_numpy(zero_copy_only=False).astype(np.int16)
    raw_day = _days(ev.column("occurred_at"))
    prec = ev.column("precision").fill_null("day")
    is_month = pc.equal(prec, "month").to_numpy(zero_copy_only=False)
    is_year = pc.equal(prec, "year").to_numpy(zero_copy_only=False)
    uncertain = ~pc.is_in(prec, value_set=pa.array(["datetime", "day"])).to_numpy(zero_copy_only=False)
    day = _floor(raw_day, is_month, is_year) if uncertain.any() else raw_day
    diag.uncertain_dates = int(uncertain.sum())
    as_of_day = (np.datetime64(as_of, "D") - np.datetime64("1970-01-01", "D")).astype(np.int64)
    live = day <= as_of_day
    diag.after_as_of = int((~live).sum())
    # death: the latest day it may have happened ends the person's chronology
    dead = live & (code == TYPE_CODE["death"])
    if dead.any():
        d_person = person[dead]
        d_day = _floor(raw_day[dead], is_month[dead], is_year[dead], latest=True)
        order = np.lexsort((d_day, d_person))
        d_person, d_day = d_person[order], d_day[order]
        first = np.r_[True, d_person[1:] != d_person[:-1]]
        d_person, d_day = d_person[first], d_day[first]
        i = np.minimum(np.searchsorted(d_person, person), len(d_person) - 1)
        late = live & (d_person[i] == person) & (day > d_day[i])
        if late.any():
            by_person: dict[int, list[str]] = defaultdict(list)
            for p, k in zip(person[late].tolist(),
                            ev.column("event_key").filter(pa.array(late)).to_pylist(), strict=True):
                by_person[p].append(k)
            diag.after_death = dict(by_person)
            live &= ~late
    src_codes = pc.dictionary_encode(ev.column("source_system").fill_null("")).combine_chunks()
    source = src_codes.indices.to_numpy(zero_copy_only=False).astype(np.int32)
    sel = np.flatnonzero(live)
    keys_all = ev.column("event_key").combine_chunks()
    order = sel[np.lexsort((source[sel], code[sel], day[sel], person[sel]))]
    idx = pa.array(order, pa.int64())
    people = pop.people
    pid = people.column("person_id").to_numpy(zero_copy_only=False).astype(np.int64)
    birth = people.column("birth_date").cast(pa.int32()).cast(pa.int64()).fill_null(UNKNOWN)
    birth_i = birth.to_numpy(zero_copy_only=False).astype(np.int64)
    p_order = np.argsort(pid, kind="stable")
    started = hh.column("started").cast(pa.int32()).fill_null(-OPEN).to_numpy(zero_copy_only=False)
    ended = hh.column("ended").cast(pa.int32()).fill_null(OPEN).to_numpy(zero_copy_only=False)
    not_self = hh_a != hh_b
    h_order = np.flatnonzero(not_self)[np.argsort(hh_b[not_self], kind="stable")]
    frame = Frame(person=person[order], day=day[order], etype=code[order], source=source[order],
                  uncertain=uncertain[order], keys=keys_all.take(idx),
                  details=ev.column("details").combine_chunks().take(idx),
                  people_ids=pid[p_order], people_birth=birth_i[p_order],
                  hh_member=hh_b[h_order].astype(np.int64), hh_person=hh_a[h_order].astype(np.int64),
                  hh_start=started[h_order].astype(np.int64), hh_end=ended[h_order].astype(np.int64),
                  diagnostics=diag)
    return frame, focus
