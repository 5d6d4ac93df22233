"""The indicators page's numbers: read the chronology once, set-wise, and protect every figure.

One SQL query reads the events the indicators need (:data:`indicators.EVENT_TYPES`), each with
its resolved person (a record not yet linked counts as its own child); pandas does the rest.
The result depends only on the data and the day, so it is cached under a key of the data's
state (:func:`jigsaw.records.cache_keys.state_key`: the newest import batch and link run, the
day, the population and the suppression threshold): the first view after new data computes,
every later view reads the cache.

Disclosure control (:mod:`jigsaw.insight.disclosure`): a flow's numerators and denominators are
additive, so the 4 quarters x 3 months of each are protected as one table whose row totals are
the quarters and whose grand total is the year, so no month can be had back from a quarter; a
percentage or rate is withheld whenever its count is.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.db.models import Count, Max

from jigsaw.records.cache_keys import state_key
from jigsaw.records.models import ImportBatch, PersonRecord
from jigsaw.signpost.models import LinkRun, RecordLink

from . import disclosure, indicators
from .disclosure import Figure

CACHE_SECONDS = 3600


def child_population(using: str) -> tuple[int, str]:
    """The area's children (the ``JIGSAW_CHILD_POPULATION`` setting: ONS mid-year estimate, 0-17).

    Without the setting, the children known to Jigsaw stand in, and the page says so.
    """
    configured = getattr(settings, "JIGSAW_CHILD_POPULATION", None)
    if configured:
        return int(configured), "the area's child population (setting JIGSAW_CHILD_POPULATION)"
    known = (
        RecordLink.objects.using(using)
        .filter(record__is_child=True)
        .aggregate(n=Count("person", distinct=True))["n"]
    )
    unlinked = PersonRecord.objects.using(using).filter(is_child=True, link__isnull=True).count()
    return int(known + unlinked), (
        "children known to Jigsaw, because JIGSAW_CHILD_POPULATION is not set: "
        "set it to the ONS mid-year estimate of 0 to 17 year olds"
    )


def _time(value: Any) -> pd.Timestamp | None:
    if not value:
        return None
    try:
        stamp = pd.Timestamp(str(value))
    except (ValueError, TypeError):
        return None
    return stamp.tz_convert(None) if stamp.tzinfo else stamp


def load_events(using: str) -> pd.DataFrame:
    """child, type, at, interview_at, notified_at for every event an indicator reads."""
    types = indicators.EVENT_TYPES
    marks = ", ".join(["%s"] * len(types))
    sql = (  # only placeholders are formatted in
        f"SELECT COALESCE(l.person_id, -e.person_id), e.event_type, e.occurred_at, "  # noqa: S608
        f"CASE WHEN e.event_type IN ('missing_return', 'domestic_abuse_incident') THEN e.details END "
        f"FROM records_event e LEFT JOIN signpost_recordlink l ON l.record_id = e.person_id "
        f"WHERE e.event_type IN ({marks})"
    )
    with connections[using].cursor() as cur:
        cur.execute(sql, list(types))
        rows = cur.fetchall()
    frame = pd.DataFrame(rows, columns=["child", "type", "at", "details"])
    frame["at"] = pd.to_datetime(frame["at"], utc=True).dt.tz_convert(None)
    details = frame["details"].dropna()
    parsed = details.map(lambda d: d if isinstance(d, dict) else json.loads(d))
    frame["interview_at"] = pd.to_datetime(
        parsed.map(lambda d: _time(d.get("return_interview_at"))), errors="coerce"
    ).reindex(frame.index)
    frame["notified_at"] = pd.to_datetime(
        parsed.map(lambda d: _time(d.get("encompass_notified_at"))), errors="coerce"
    ).reindex(frame.index)
    frame["child"] = frame["child"].astype("int64")
    return frame.drop(columns=["details"])


@dataclass
class Shown:
    """One indicator as the page shows it: protected figures per month, quarter and year."""

    indicator: indicators.Indicator
    months: list[tuple[str, Figure, Figure, Figure]]  # label, numerator, denominator, value
    quarters: list[tuple[str, Figure, Figure, Figure]]
    year: tuple[str, Figure, Figure, Figure]
    recorded: bool = True


@dataclass
class Picture:
    as_of: dt.date
    population: int
    population_note: str
    shown: list[Shown] = field(default_factory=list)


def _value(ind: indicators.Indicator, num: Figure, den: Figure | None, population: int) -> Figure:
    if ind.unit == indicators.RATE:
        return disclosure.rate(num, Figure(population, f"{population:,}"), per=10_000)
    assert den is not None
    return disclosure.rate(num, den, per=100)


def _protect(
    values: indicators.Values, quarters: list[list[indicators.Period]], population: int, below: int
) -> Shown:
    ind = values.indicator
    grid_num = [[n for n, _ in q] for q in values.months]
    qlabels = [f"{q[0].start:%b}–{q[-1].end:%b %Y}" for q in quarters]
    year_label = f"{quarters[0][0].start:%b %Y} to {quarters[-1][-1].end:%b %Y}"
    if ind.kind == indicators.FLOW:
        num = disclosure.protect_table(grid_num, below)
        den = (
            disclosure.protect_table([[d or 0 for _, d in q] for q in values.months], below)
            if ind.unit == indicators.PERCENT
            else None
        )
        months, qs = [], []
        for qi, q in enumerate(quarters):
            for mi, m in enumerate(q):
                n, d = num.cells[qi][mi], den.cells[qi][mi] if den else None
                months.append((m.label, n, d or BLANK, _value(ind, n, d, population)))
            n, d = num.row_totals[qi], den.row_totals[qi] if den else None
            qs.append((qlabels[qi], n, d or BLANK, _value(ind, n, d, population)))
        n, d = num.total, den.total if den else None
        return Shown(
            ind, months, qs, (year_label, n, d or BLANK, _value(ind, n, d, population)), values.recorded
        )
    # a stock is counted on a day: the quarter's and the year's are its last month's
    months = []
    for q, vals in zip(quarters, values.months, strict=True):
        for m, (n, d) in zip(q, vals, strict=True):
            nf = disclosure.count(n, below)
            df = disclosure.count(d, below) if d is not None else None
            months.append((m.label, nf, df or BLANK, _value(ind, nf, df, population)))
    qs = [(qlabels[i], *months[3 * i + 2][1:]) for i in range(len(quarters))]
    return Shown(ind, months, qs, (year_label, *months[-1][1:]))


BLANK = Figure(None, "", disclosure.NOT_APPLICABLE)


def fingerprint(using: str, as_of: dt.date, below: int) -> str:
    """Changes whenever the indicators' inputs may have: an import, a link run, the day, settings."""
    return state_key(
        "jigsaw:insight:indicators:v1:",
        using,
        as_of.isoformat(),
        below,
        getattr(settings, "JIGSAW_CHILD_POPULATION", None),
        ImportBatch.objects.using(using).aggregate(last=Max("id"), at=Max("finished_at")),
        LinkRun.objects.using(using).aggregate(last=Max("id"), at=Max("finished_at")),
    )


def picture(using: str, as_of: dt.date) -> Picture:
    """Every indicator for the four quarters up to ``as_of``, protected, cached on the data's state."""
    below = disclosure.threshold()
    key = fingerprint(using, as_of, below)
    found = cache.get(key)
    if found is not None:
        return found
    population, note = child_population(using)
    quarters = indicators.quarters_ending(as_of)
    prep = indicators.prepare(load_events(using))
    result = Picture(
        as_of,
        population,
        note,
        [_protect(v, quarters, population, below) for v in indicators.compute(prep, quarters)],
    )
    cache.set(key, result, CACHE_SECONDS)
    return result
