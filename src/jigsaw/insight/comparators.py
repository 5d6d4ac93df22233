"""Published comparator values: read a documented CSV, check every row, load all or nothing.

Format (UTF-8, header row, docs/insight.md): ``indicator, area_type, area, period, value,
source``. ``indicator`` is an id of :data:`jigsaw.insight.indicators.INDICATORS`; ``area_type``
is ``england``, ``region``, ``statistical_neighbours`` or ``local_authority``; ``period`` names the
published year (``2024-25``: the year ending 31 March 2025); ``value`` is the published number in
the indicator's unit; ``source`` cites the table it came from. Re-importing a row replaces its
value (same indicator, area and period). The shipped sample is ``data/comparators_sample.csv``.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from . import indicators
from .models import Comparator

COLUMNS = ("indicator", "area_type", "area", "period", "value", "source")
SAMPLE = Path(__file__).parent / "data" / "comparators_sample.csv"
AREA_TYPES = {code for code, _ in Comparator.AREA_TYPES}


class ComparatorError(ValueError):
    """One line saying what is wrong and where."""


@dataclass(frozen=True)
class Row:
    indicator: str
    area_type: str
    area: str
    period: str
    value: float
    source: str


def parse(text: str, name: str = "comparators") -> list[Row]:
    """Every row checked; the first problem raises :class:`ComparatorError`."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ComparatorError(
            f"{name}: missing column(s) {', '.join(missing)}; expected {', '.join(COLUMNS)}"
        )
    rows = []
    for line, raw in enumerate(reader, start=2):
        where = f"{name} line {line}"
        got = {k: (raw.get(k) or "").strip() for k in COLUMNS}
        if got["indicator"] not in indicators.BY_ID:
            raise ComparatorError(f"{where}: unknown indicator {got['indicator']!r}")
        if got["area_type"] not in AREA_TYPES:
            raise ComparatorError(f"{where}: area_type must be one of {', '.join(sorted(AREA_TYPES))}")
        if not got["area"] or not got["period"] or not got["source"]:
            raise ComparatorError(f"{where}: area, period and source are required")
        try:
            value = float(got["value"])
        except ValueError:
            raise ComparatorError(f"{where}: value {got['value']!r} is not a number") from None
        unit = indicators.BY_ID[got["indicator"]].unit
        if value < 0 or value != value or (unit == indicators.PERCENT and value > 100):
            raise ComparatorError(f"{where}: value {value} is out of range for {unit}")
        rows.append(
            Row(got["indicator"], got["area_type"], got["area"], got["period"][:20], value, got["source"])
        )
    if not rows:
        raise ComparatorError(f"{name}: no rows")
    return rows


def import_file(path: Path, using: str) -> int:
    """Load ``path`` (all rows or none); the number of rows loaded."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ComparatorError(f"{path.name}: no such file") from None
    except UnicodeDecodeError:
        raise ComparatorError(f"{path.name}: not UTF-8 text") from None
    rows = parse(text, path.name)
    with transaction.atomic(using=using):
        for r in rows:
            Comparator.objects.using(using).update_or_create(
                indicator=r.indicator,
                area_type=r.area_type,
                area=r.area,
                period=r.period,
                defaults={"value": r.value, "source": r.source},
            )
    return len(rows)


def latest(using: str) -> dict[str, list[Comparator]]:
    """Indicator id -> its comparators, the latest period of each area first."""
    out: dict[str, list[Comparator]] = {}
    seen: set[tuple[str, str, str]] = set()
    for c in Comparator.objects.using(using).order_by("indicator", "area_type", "area", "-period"):
        key = (c.indicator, c.area_type, c.area)
        if key not in seen:
            seen.add(key)
            out.setdefault(c.indicator, []).append(c)
    return out
