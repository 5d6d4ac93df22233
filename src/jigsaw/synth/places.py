"""The fictional partnership area: towns, streets, house numbers and postcodes.

Every household address is an integer *slot*; a slot maps to (street, house number) and a street to
its town and postcode sector, so addresses are unique (no two unrelated households share one by
accident), neighbours share streets and sectors, and strings are only built when written.
Postcodes use the real format (area, district, space, sector digit, two unit letters from
ABDEFGHJLNPQRSTUWXYZ) with area codes that no real postcode area uses (NV, KV, YV, TV).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from math import gcd

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from jigsaw.synth.names import DATA
from jigsaw.synth.rng import run_stream

UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
AREAS = ("NV", "KV", "YV", "TV")
UNITS_PER_SECTOR = 380
HOUSES_PER_UNIT = 20
_PREFIXES = ("", "Upper ", "Lower ", "New ", "Old ", "North ", "South ", "East ", "West ",
             "Little ", "Great ")
#: all two-letter units, in allocation order
UNITS = pa.array([a + b for a in UNIT_LETTERS for b in UNIT_LETTERS], pa.string())


def place_rows() -> dict[str, list[str]]:
    """Towns, street-name stems and suffixes from ``data/places.csv``."""
    out: dict[str, list[str]] = {}
    with (DATA / "places.csv").open(encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            out.setdefault(r["kind"], []).append(r["text"])
    return out


@dataclass(frozen=True)
class Places:
    """Street table for a run; ``slots`` addresses exist, numbered 0..slots-1."""

    slots: int
    towns: list[str]
    street_names: pa.Array
    street_town: np.ndarray
    street_start: np.ndarray  # first slot of each street
    street_unit0: np.ndarray  # first postcode unit (global unit number) of each street
    sector_names: pa.Array  # "NV3 4" per sector
    sector_town: np.ndarray
    mult: int
    offset: int
    n_units: int

    def slot_of(self, ids: np.ndarray) -> np.ndarray:
        """Scatter consecutive address ids over the area (a bijection on [0, slots))."""
        return (np.asarray(ids, "int64") * self.mult + self.offset) % self.slots

    def street_of(self, slot: np.ndarray) -> np.ndarray:
        """Street index of each slot."""
        return np.searchsorted(self.street_start, slot, side="right") - 1

    def locate(self, slot: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(street, house number, global postcode unit) of each slot."""
        street = self.street_of(slot)
        number = slot - self.street_start[street] + 1
        unit = self.street_unit0[street] + (number - 1) // HOUSES_PER_UNIT
        return street, number, unit

    def address_strings(self, street: np.ndarray, number: np.ndarray) -> pa.Array:
        """"12 Mill Lane, Marrowby" for each (street, number)."""
        town = pa.array(self.towns, pa.string()).take(pa.array(self.street_town[street]))
        return pc.binary_join_element_wise(
            pc.cast(pa.array(number), pa.string()), " ", self.street_names.take(pa.array(street)),
            ", ", town, "")

    def postcode_strings(self, unit: np.ndarray) -> pa.Array:
        """Postcode of each global unit number."""
        sector, u = np.divmod(unit, UNITS_PER_SECTOR)
        return pc.binary_join_element_wise(self.sector_names.take(pa.array(sector)),
                                           UNITS.take(pa.array(u)), "")


def build_places(slots: int) -> Places:
    """The street table for ``slots`` addresses (deterministic: depends only on ``slots``)."""
    rows = place_rows()
    towns, stems, suffixes = rows["town"], rows["stem"], rows["suffix"]
    rng = run_stream(0, "places")
    lengths = rng.integers(12, 181, size=slots // 12 + 16)
    cum = np.cumsum(lengths)
    n_streets = int(np.searchsorted(cum, slots) + 1)
    lengths = lengths[:n_streets]
    lengths[-1] -= int(cum[n_streets - 1] - slots)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype("int64")

    base = len(towns) * len(stems) * len(suffixes)
    layers = -(-n_streets // base)  # plain names first, then "Upper ...", "New ..." etc.
    if layers > len(_PREFIXES):
        raise ValueError("address space too large for the street-name table")
    picks = np.concatenate([rng.permutation(base) + p * base for p in range(layers)])[:n_streets]
    pre, rest = np.divmod(picks, base)
    order = np.argsort(rest, kind="stable")  # streets grouped by town
    pre, rest = pre[order], rest[order]
    town_of, rest = np.divmod(rest, len(stems) * len(suffixes))
    stem, suf = np.divmod(rest, len(suffixes))
    names = [f"{_PREFIXES[p]}{stems[s]} {suffixes[x]}" for p, s, x in zip(pre, stem, suf, strict=True)]

    units = (lengths + HOUSES_PER_UNIT - 1) // HOUSES_PER_UNIT
    unit0 = np.concatenate([[0], np.cumsum(units)[:-1]]).astype("int64")
    n_sectors = int((unit0[-1] + units[-1] + UNITS_PER_SECTOR - 1) // UNITS_PER_SECTOR)
    district, digit = np.divmod(np.arange(n_sectors), 10)
    area, dnum = np.divmod(district, 99)
    if area.max(initial=0) >= len(AREAS):
        raise ValueError("address space too large for the postcode districts")
    sector_names = [f"{AREAS[a]}{d + 1} {s}" for a, d, s in zip(area, dnum, digit, strict=True)]
    first_street = np.searchsorted(unit0, np.arange(n_sectors) * UNITS_PER_SECTOR, side="right") - 1
    mult = 2654435761 % slots or 1
    while gcd(mult, slots) != 1:
        mult += 1
    return Places(slots, towns, pa.array(names, pa.string()), town_of.astype("int32"), starts,
                  unit0, pa.array(sector_names, pa.string()),
                  town_of[first_street].astype("int32"), mult, slots // 3,
                  int(unit0[-1] + units[-1]))


def nearby_unit(rng: np.random.Generator, unit: np.ndarray, n_units: int) -> np.ndarray:
    """A plausible mistyped postcode: another unit letter pair or the next sector digit."""
    sector, u = np.divmod(unit, UNITS_PER_SECTOR)
    step = rng.integers(1, 4, len(unit)) * np.where(rng.random(len(unit)) < 0.5, -1, 1)
    other_unit = sector * UNITS_PER_SECTOR + (u + step) % UNITS_PER_SECTOR
    other_sector = (sector + np.where(sector % 10 == 9, -1, 1)) * UNITS_PER_SECTOR + u
    out = np.where(rng.random(len(unit)) < 0.7, other_unit, other_sector)
    return np.where(out < n_units, out, other_unit)
