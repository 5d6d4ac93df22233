"""Published comparator values: read a documented CSV, check every row, load all or nothing.

Format (UTF-8, header row, docs/insight.md): ``indicator, area_type, area, period, value,
source``. ``indicator`` is an id of :data:`jigsaw.insight.indicators.INDICATORS`; ``area_type``
is ``england``, ``region``, ``statistical_neighbours`` or ``local_authority``; ``period`` names the
published year (``2024-25``: the year ending 31 March 2025); ``value`` is the published number in
the indicator's unit; ``source`` cites the table it came from. Re-importing a row replaces its
value (same indicator, area and period). The shipped sample is ``data/comparators_sample.csv``.

Statistical neighbours: the DfE publishes, for each local authority, its ten statistical
neighbours (the *children's services statistical neighbour benchmarking tool*), and LA-level
values in its tables. A neighbour list (CSV ``local_authority, neighbour, source``; the shipped
one is ``data/statistical_neighbours_sample.csv``) loaded with the comparators turns the
``local_authority`` rows of the neighbours into one ``statistical_neighbours`` row per indicator
and period: the mean of the neighbours with a published value, as the DfE's Local Authority
Interactive Tool computes it (a suppressed value is left out, and the row says how many of the
ten it averages).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from . import indicators
from .models import Comparator

COLUMNS = ("indicator", "area_type", "area", "period", "value", "source")
SAMPLE = Path(__file__).parent / "data" / "comparators_sample.csv"
NEIGHBOUR_COLUMNS = ("local_authority", "neighbour", "source")
SAMPLE_NEIGHBOURS = Path(__file__).parent / "data" / "statistical_neighbours_sample.csv"
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


@dataclass(frozen=True)
class Neighbours:
    local_authority: str
    neighbours: tuple[str, ...]
    source: str


def parse_neighbours(text: str, name: str = "neighbours") -> Neighbours:
    """One local authority's statistical neighbours; the first problem raises :class:`ComparatorError`."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in NEIGHBOUR_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ComparatorError(
            f"{name}: missing column(s) {', '.join(missing)}; expected {', '.join(NEIGHBOUR_COLUMNS)}"
        )
    la, found, sources = "", [], []
    for line, raw in enumerate(reader, start=2):
        got = {k: (raw.get(k) or "").strip() for k in NEIGHBOUR_COLUMNS}
        if not all(got.values()):
            raise ComparatorError(f"{name} line {line}: local_authority, neighbour and source are required")
        if la and got["local_authority"] != la:
            raise ComparatorError(
                f"{name} line {line}: one local authority per list ({la!r}, then {got['local_authority']!r})"
            )
        if got["neighbour"] in found or got["neighbour"] == got["local_authority"]:
            raise ComparatorError(f"{name} line {line}: {got['neighbour']!r} is listed twice")
        la = got["local_authority"]
        found.append(got["neighbour"])
        if got["source"] not in sources:
            sources.append(got["source"])
    if not found:
        raise ComparatorError(f"{name}: no rows")
    return Neighbours(la, tuple(found), "; ".join(sources))


def neighbour_area(local_authority: str) -> str:
    return f"Statistical neighbours of {local_authority}"[:120]


def average_neighbours(listed: Neighbours, using: str) -> int:
    """Write the mean of the neighbours' ``local_authority`` values per indicator and period.

    Why a mean of the published values, not a pooled rate: the DfE publishes rates and
    percentages per authority, and LAIT's statistical-neighbour figure is their plain mean.
    """
    rows = Comparator.objects.using(using).filter(
        area_type="local_authority", area__in=listed.neighbours
    )
    groups: dict[tuple[str, str], list[Comparator]] = {}
    for c in rows:
        groups.setdefault((c.indicator, c.period), []).append(c)
    for (indicator, period), found in sorted(groups.items()):
        mean = round(sum(c.value for c in found) / len(found), 1)
        named = {c.area for c in found}
        without = [n for n in listed.neighbours if n not in named]
        cited = "; ".join(sorted({c.source for c in found}))
        note = f"; no published value for {', '.join(without)}" if without else ""
        Comparator.objects.using(using).update_or_create(
            indicator=indicator,
            area_type="statistical_neighbours",
            area=neighbour_area(listed.local_authority),
            period=period,
            defaults={
                "value": mean,
                "source": (
                    f"Mean of the published values of {len(found)} of the {len(listed.neighbours)} "
                    f"statistical neighbours of {listed.local_authority}{note}. Neighbours: "
                    f"{listed.source}. Values: {cited}"
                ),
            },
        )
    return len(groups)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ComparatorError(f"{path.name}: no such file") from None
    except UnicodeDecodeError:
        raise ComparatorError(f"{path.name}: not UTF-8 text") from None


def import_file(path: Path, using: str, neighbours: Path | None = None) -> int:
    """Load ``path`` (all rows or none), then the neighbour averages; the number of rows loaded."""
    rows = parse(_read(path), path.name)
    listed = parse_neighbours(_read(neighbours), neighbours.name) if neighbours else None
    with transaction.atomic(using=using):
        for r in rows:
            Comparator.objects.using(using).update_or_create(
                indicator=r.indicator,
                area_type=r.area_type,
                area=r.area,
                period=r.period,
                defaults={"value": r.value, "source": r.source},
            )
        if listed:
            average_neighbours(listed, using)
    return len(rows)


def import_sample(using: str) -> int:
    """The shipped published values and one illustrative neighbour list (docs/insight.md)."""
    return import_file(SAMPLE, using, SAMPLE_NEIGHBOURS)


def own_authority() -> str:
    """``JIGSAW_LOCAL_AUTHORITY``: the partnership's local authority as the DfE names it, or blank."""
    return str(getattr(settings, "JIGSAW_LOCAL_AUTHORITY", "") or "").strip()


def latest(using: str) -> dict[str, list[Comparator]]:
    """Indicator id -> its comparators, the latest period of each area first.

    A ``local_authority`` row is shown only for the partnership's own authority
    (:func:`own_authority`); the other authorities' rows are there to make neighbour averages.
    """
    out: dict[str, list[Comparator]] = {}
    seen: set[tuple[str, str, str]] = set()
    own = own_authority()
    for c in Comparator.objects.using(using).order_by("indicator", "area_type", "area", "-period"):
        if c.area_type == "local_authority" and c.area != own:
            continue
        key = (c.indicator, c.area_type, c.area)
        if key not in seen:
            seen.add(key)
            out.setdefault(c.indicator, []).append(c)
    return out
