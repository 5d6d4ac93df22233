"""Where a chunk's households live and whom they are registered with.

Address slots follow the households (and a mother's partner who joined or left keeps an address of
his own), so identity noise has a true previous address to draw on; GP practices, the nearest
emergency department and schools follow the street and postcode sector, as catchments do.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from jigsaw.synth.config import SynthConfig
from jigsaw.synth.dates import academic_year_start, from_ymd, ymd
from jigsaw.synth.places import UNITS_PER_SECTOR
from jigsaw.synth.plan import NONE, RunPlan
from jigsaw.synth.rng import pick
from jigsaw.synth.roles import Layout


def addresses(rm: np.random.Generator, cfg: SynthConfig, plan: RunPlan, chunk: int, lay: Layout,
               join: np.ndarray, leave: np.ndarray, pp: np.ndarray,
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(household move date, household address slot, current and previous address slot per person)."""
    h, hh_p, as_of, ws = len(lay.hh_first), lay.hh_p, plan.as_of_d, plan.window_start_d
    moved = rm.random(h) < cfg.move_rate
    hh_move = np.where(moved, pick(rm, ws + 1, as_of, h), NONE)
    n_moved = int(moved.sum())
    prev_id = np.full(h, -1, "int64")
    prev_id[moved] = h + np.arange(n_moved)
    base = h + n_moved
    if base + 2 * len(pp) > plan.chunk_children:
        raise RuntimeError("address ids overflow the chunk's address space")
    slot_base = chunk * plan.chunk_children
    pl = plan.places
    hh_slot = pl.slot_of(slot_base + np.arange(h))
    addr = hh_slot[hh_p].copy()
    prev_addr = np.where(prev_id[hh_p] >= 0, pl.slot_of(slot_base + prev_id[hh_p]), -1)
    joined_in_window = join[pp] > ws
    prev_addr[pp] = np.where(joined_in_window, pl.slot_of(slot_base + base + np.arange(len(pp))), -1)
    left = leave[pp] != NONE
    addr[pp[left]] = pl.slot_of(slot_base + base + len(pp) + np.flatnonzero(left))
    return hh_move, hh_slot, addr, prev_addr


@dataclass
class Registrations:
    gp_src: np.ndarray
    hh_ed: np.ndarray
    primary_src: np.ndarray
    secondary_src: np.ndarray
    reception: np.ndarray
    year7: np.ndarray


def registrations(rr: np.random.Generator, cfg: SynthConfig, plan: RunPlan, lay: Layout,
                   hh_slot: np.ndarray, birth: np.ndarray) -> Registrations:
    """GP practice, nearest emergency department, primary and secondary school by where people live."""
    cat, pl, as_of, ws = plan.catalogue, plan.places, plan.as_of_d, plan.window_start_d
    h, hh_p, child = len(hh_slot), lay.hh_p, lay.child
    street = pl.street_of(hh_slot)
    sector = pl.locate(hh_slot)[2] // UNITS_PER_SECTOR
    hh_gp = np.where(rr.random(h) < cfg.household_gp_rate, (street * 7919 + 13) % len(cat.gp),
                     rr.integers(0, len(cat.gp), h))
    gp = np.where(rr.random(lay.p) < cfg.person_household_gp_rate, hh_gp[hh_p],
                  rr.integers(0, len(cat.gp), lay.p))
    hh_ed = np.where((pl.street_town[street] < len(pl.towns) // 2) ^ (rr.random(h) < cfg.far_ed_rate), 0, 1)
    reception = from_ymd(ymd(academic_year_start(birth))[0] + 5, 9, 1)
    year7 = from_ymd(ymd(reception)[0] + 7, 9, 1)
    primary = np.where(child & (reception <= as_of) & (year7 > ws),
                       cat.primary[(street[hh_p] * 104729) % len(cat.primary)], -1)
    secondary = np.where(child & (year7 <= as_of),
                         cat.secondary[(sector[hh_p] * 131 + 7) % len(cat.secondary)], -1)
    return Registrations(cat.gp[gp], hh_ed, primary, secondary, reception, year7)
