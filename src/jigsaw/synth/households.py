"""The true population of one chunk: households, the people in them, and where they live.

Households hold one or two carers (mother, father or step-father), one to five children with
realistic spacing and twins, sometimes a mother's partner who joins (and may leave) and sometimes a
grandparent. People are rows of parallel arrays, contiguous per household (carers, children oldest
first, partner, relative), so later stages work on whole arrays.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from jigsaw.synth.dates import academic_year_start, from_ymd, ymd
from jigsaw.synth.identifiers import PERSON_CAP, nhs_for
from jigsaw.synth.names import COHORT_ADULT, COHORT_CHILD, Heritage, NameTables, tables
from jigsaw.synth.places import UNITS_PER_SECTOR
from jigsaw.synth.plan import NONE, RunPlan
from jigsaw.synth.rng import Streams, choose, pick

CHILD, MOTHER, FATHER, STEP, PARTNER, RELATIVE = range(6)
ROLE_ORDER = np.array([1, 0, 0, 0, 2, 3])  # children after carers, then partner, relative
ETHNICITY = ("WBRI", "WIRI", "WIRT", "WOTH", "WROM", "MWBC", "MWBA", "MWAS", "MOTH", "AIND",
             "APKN", "ABAN", "AOTH", "CHNE", "BCRB", "BAFR", "BOTH", "OOTH", "REFU", "NOBT")
ETH = {c: i for i, c in enumerate(ETHNICITY)}
_KIDS_P = np.array([0.42, 0.36, 0.15, 0.05, 0.02])
YEAR = 365.25


@dataclass
class Population:
    """One chunk's people (arrays of length P) and households (length H)."""

    chunk: int
    # households
    hh_first: np.ndarray
    hh_size: np.ndarray
    hh_kids: np.ndarray
    hh_first_child: np.ndarray
    hh_mother: np.ndarray  # person index or -1 (likewise father, step, partner, relative)
    hh_father: np.ndarray
    hh_step: np.ndarray
    hh_partner: np.ndarray
    hh_relative: np.ndarray
    hh_move: np.ndarray  # move date or NONE
    hh_ed: np.ndarray  # nearest emergency department family (ED1 or ED2)
    # people
    hh: np.ndarray
    role: np.ndarray
    sex: np.ndarray  # 0 male, 1 female
    birth: np.ndarray
    ethnicity: np.ndarray
    given: np.ndarray
    middle: np.ndarray
    surname: np.ndarray
    surname2: np.ndarray  # second part of a double-barrelled surname or -1
    alt_surname: np.ndarray  # previous or partner's surname (noise source) or -1
    addr: np.ndarray  # current address slot
    prev_addr: np.ndarray  # address before a move inside the window, or -1
    join: np.ndarray  # partner's join date or NONE
    leave: np.ndarray  # partner's leave date or NONE
    gp_src: np.ndarray
    primary_src: np.ndarray  # -1 when never at primary school in the window
    secondary_src: np.ndarray
    reception: np.ndarray  # 1 September the child started reception
    year7: np.ndarray  # 1 September the child started secondary school
    gid: np.ndarray
    nhs: np.ndarray

    @property
    def n(self) -> int:
        return len(self.hh)

    @property
    def is_child(self) -> np.ndarray:
        return self.role == CHILD


def _household_sizes(rng: np.random.Generator, n_children: int) -> np.ndarray:
    kids = rng.choice(5, int(n_children / 1.89 * 1.1) + 8, p=_KIDS_P) + 1
    while kids.sum() < n_children:
        kids = np.concatenate([kids, rng.choice(5, 64, p=_KIDS_P) + 1])
    cum = np.cumsum(kids)
    h = int(np.searchsorted(cum, n_children)) + 1
    kids = kids[:h].copy()
    kids[-1] -= int(cum[h - 1] - n_children)
    return kids.astype("int64")


def _child_ages(rng: np.random.Generator, kids: np.ndarray, twin_rate: float, max_age: int,
                ) -> tuple[np.ndarray, np.ndarray]:
    """Per household the oldest child's age and the (H, 4) gaps between successive births."""
    h = len(kids)
    gaps = np.minimum(270 + rng.gamma(2.0, 400.0, (h, 4)), 3650).round()
    gaps[np.arange(4)[None, :] >= (kids - 1)[:, None]] = 0
    multi = kids >= 2
    p_twin_household = min(1.0, twin_rate * kids.sum() / max(1, multi.sum()))
    twins = multi & (rng.random(h) < p_twin_household)
    pos = np.floor(rng.random(h) * np.maximum(kids - 1, 1)).astype("int64")
    gaps[np.flatnonzero(twins), pos[twins]] = 0
    span = gaps.sum(1)
    limit = max_age - 30
    long = span > limit
    gaps[long] = np.floor(gaps[long] * (limit / span[long])[:, None])
    span = gaps.sum(1)
    oldest = span + np.floor(rng.random(h) * (max_age - span + 1))
    return oldest.astype("int64"), gaps.astype("int64")


def build_population(plan: RunPlan, chunk: int, n_children: int, streams: Streams) -> Population:
    """Households and people of one chunk, with every true attribute."""
    cfg, as_of, ws = plan.config, plan.as_of_d, plan.window_start_d
    nt, her = tables(), tables().heritage
    r = streams.get("households")
    kids = _household_sizes(r, n_children)
    h = len(kids)
    oldest, gaps = _child_ages(streams.get("ages"), kids, cfg.twin_rate, plan.max_child_age_days)
    span = gaps.sum(1)

    rs = streams.get("structure")
    single = rs.random(h) < cfg.single_carer_rate
    lone_father = single & (rs.random(h) < 0.1) & (oldest - span >= 730)
    has_mother = ~lone_father
    has_father = (~single & (rs.random(h) < 0.85)) | lone_father
    has_step = ~single & ~has_father
    has_partner = single & has_mother & (rs.random(h) < cfg.partner_join_rate)
    has_relative = rs.random(h) < 0.03

    # --- people, household-contiguous -------------------------------------------------------
    hh_of = [np.repeat(np.arange(h), kids)]
    role_of = [np.full(int(kids.sum()), CHILD)]
    for role, mask in ((MOTHER, has_mother), (FATHER, has_father), (STEP, has_step),
                       (PARTNER, has_partner), (RELATIVE, has_relative)):
        hh_of.append(np.flatnonzero(mask))
        role_of.append(np.full(int(mask.sum()), role))
    hh_p, role = np.concatenate(hh_of), np.concatenate(role_of)
    order = np.lexsort((role, ROLE_ORDER[role], hh_p))
    hh_p, role = hh_p[order], role[order]
    p = len(hh_p)
    idx = np.arange(p)
    hh_first = np.searchsorted(hh_p, np.arange(h))
    hh_size = np.bincount(hh_p, minlength=h)

    def member(rl: int) -> np.ndarray:
        out = np.full(h, -1, "int64")
        sel = role == rl
        out[hh_p[sel]] = idx[sel]
        return out

    hh_mother, hh_father, hh_step = member(MOTHER), member(FATHER), member(STEP)
    hh_partner, hh_relative = member(PARTNER), member(RELATIVE)
    hh_first_child = hh_first + has_mother + has_father + has_step
    child = role == CHILD
    child_no = idx - hh_first_child[hh_p]  # 0 = oldest

    # --- birth dates ------------------------------------------------------------------------
    birth = np.zeros(p, "int64")
    cum_gaps = np.concatenate([np.zeros((h, 1), "int64"), np.cumsum(gaps, 1)], 1)
    birth[child] = as_of - (oldest[hh_p[child]] - cum_gaps[hh_p[child], child_no[child]])
    oldest_birth = as_of - oldest
    ra = streams.get("adult-ages")
    first_age = 16 * YEAR + ra.gamma(4.0, 3.0 * YEAR, h)
    first_age = np.clip(first_age, 16 * YEAR, np.maximum(16 * YEAR, 46 * YEAR - span)).round()
    mother_b = oldest_birth - first_age.astype("int64")
    father_b = np.minimum(mother_b - (ra.normal(2.5, 3.5, h) * YEAR).round().astype("int64"),
                          oldest_birth - int(17 * YEAR))
    father_b = np.where(lone_father, oldest_birth - first_age.astype("int64") - 730, father_b)
    step_b = np.minimum(mother_b - (ra.normal(1.0, 6.0, h) * YEAR).astype("int64"),
                        as_of - int(20 * YEAR))
    partner_b = np.minimum(mother_b - (ra.normal(0.0, 6.0, h) * YEAR).astype("int64"),
                           as_of - int(20 * YEAR))
    carer_b = np.where(has_mother, mother_b, father_b)
    rel_b = np.maximum(carer_b - ((22 + ra.gamma(3.0, 2.0, h)) * YEAR).astype("int64"),
                       as_of - int(92 * YEAR))
    for rl, arr in ((MOTHER, mother_b), (FATHER, father_b), (STEP, step_b), (PARTNER, partner_b),
                    (RELATIVE, rel_b)):
        sel = role == rl
        birth[sel] = arr[hh_p[sel]]

    sex = np.zeros(p, "int64")
    rx = streams.get("sex")
    sex[child] = rx.random(int(child.sum())) < 0.49
    sex[role == MOTHER] = 1
    sex[role == RELATIVE] = rx.random(int((role == RELATIVE).sum())) < 0.7

    # --- heritage and ethnicity -------------------------------------------------------------
    rg = streams.get("heritage")
    base_row = choose(rg, her.weights, h)
    wbri = her.codes.index("WBRI")
    # whether the children's parents are of different heritage, drawn apart from the household's
    # make-up: a lone parent or a step-family is as likely to have mixed-heritage children as any
    mixed = rg.random(h) < cfg.mixed_heritage_rate
    other_row = choose(rg, her.mixed_weights, h)
    mother_other = rg.random(h) < 0.4
    mother_row = np.where(mixed, np.where(mother_other, other_row, wbri), base_row)
    father_row = np.where(mixed, np.where(mother_other, wbri, other_row), base_row)
    step_row = np.where(rg.random(h) < 0.85, mother_row, choose(rg, her.weights, h))
    partner_row = np.where(rg.random(h) < 0.85, mother_row, choose(rg, her.weights, h))
    row = np.zeros(p, "int64")
    for rl, arr in ((MOTHER, mother_row), (FATHER, father_row), (STEP, step_row),
                    (PARTNER, partner_row), (RELATIVE, np.where(has_mother, mother_row, father_row))):
        sel = role == rl
        row[sel] = arr[hh_p[sel]]
    carer_row = np.where(has_mother, mother_row, father_row)
    row[child] = carer_row[hh_p[child]]
    mixed_child = child & mixed[hh_p]
    use_father = mixed_child & (rg.random(p) < 0.5)
    row[use_father] = father_row[hh_p[use_father]]
    codes = np.array([ETH[c] for c in her.codes])
    ethnicity = codes[row]
    other_code = np.array(her.codes)[other_row]
    mixed_code = np.select([other_code == "BCRB", other_code == "BAFR",
                            np.isin(other_code, ["AIND", "APKN", "ABAN", "AOTH"])],
                           [ETH["MWBC"], ETH["MWBA"], ETH["MWAS"]], ETH["MOTH"])
    ethnicity[mixed_child] = mixed_code[hh_p[mixed_child]]

    # --- names ------------------------------------------------------------------------------
    rn = streams.get("names")
    group = her.names_group[row]
    cohort = np.where(child, COHORT_CHILD, COHORT_ADULT)
    given = nt.draw_given(rn, group, sex, cohort)
    twin = child & (child_no > 0) & (np.roll(birth, 1) == birth) & (np.roll(given, 1) == given)
    if twin.any():
        given[twin] = nt.draw_given(rn, group[twin], sex[twin], cohort[twin])
    middle = np.full(p, -1, "int32")
    has_mid = rn.random(p) < 0.55
    middle[has_mid] = nt.draw_given(rn, group[has_mid], sex[has_mid], cohort[has_mid])
    middle[middle == given] = -1
    surname, surname2, alt = _surnames(streams.get("surnames"), nt, group, hh_p, role, h,
                                       has_father, has_step, has_partner, hh_mother, hh_father,
                                       hh_step, hh_partner, mother_row, her)

    # --- partners joining and leaving ------------------------------------------------------
    rj = streams.get("partners")
    join = np.full(p, NONE, "int64")
    leave = np.full(p, NONE, "int64")
    pp = np.flatnonzero(role == PARTNER)
    j = pick(rj, ws - 730, as_of, len(pp))
    # no background adult joins while a child of the household is under 400 days old
    kid_births = birth[child]
    kid_hh = hh_p[child]
    young = np.zeros(len(pp), bool)
    pos_of_hh = np.full(h, -1)
    pos_of_hh[hh_p[pp]] = np.arange(len(pp))
    sel = pos_of_hh[kid_hh] >= 0
    gap = j[pos_of_hh[kid_hh[sel]]] - kid_births[sel]
    np.logical_or.at(young, pos_of_hh[kid_hh[sel]], (gap >= -30) & (gap < 400))
    j = np.where(young, ws - pick(rj, 30, 700, len(pp)), j)
    join[pp] = j
    lv = j + pick(rj, 60, 700, len(pp))
    leaves = (rj.random(len(pp)) < 0.3) & (lv < as_of)
    leave[pp[leaves]] = lv[leaves]

    # --- addresses --------------------------------------------------------------------------
    rm = streams.get("moves")
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

    # --- registrations ----------------------------------------------------------------------
    cat = plan.catalogue
    rr = streams.get("registrations")
    street = pl.street_of(hh_slot)
    sector = pl.locate(hh_slot)[2] // UNITS_PER_SECTOR
    hh_gp = np.where(rr.random(h) < 0.85, (street * 7919 + 13) % len(cat.gp),
                     rr.integers(0, len(cat.gp), h))
    gp = np.where(rr.random(p) < 0.92, hh_gp[hh_p], rr.integers(0, len(cat.gp), p))
    hh_ed = np.where((pl.street_town[street] < len(pl.towns) // 2) ^ (rr.random(h) < 0.2), 0, 1)
    reception = from_ymd(ymd(academic_year_start(birth))[0] + 5, 9, 1)
    year7 = from_ymd(ymd(reception)[0] + 7, 9, 1)
    primary = np.where(child & (reception <= as_of) & (year7 > ws),
                       cat.primary[(street[hh_p] * 104729) % len(cat.primary)], -1)
    secondary = np.where(child & (year7 <= as_of),
                         cat.secondary[(sector[hh_p] * 131 + 7) % len(cat.secondary)], -1)
    gid = chunk * PERSON_CAP + idx
    if p >= PERSON_CAP:
        raise RuntimeError("too many people in one chunk")
    return Population(
        chunk=chunk, hh_first=hh_first, hh_size=hh_size, hh_kids=kids,
        hh_first_child=hh_first_child, hh_mother=hh_mother, hh_father=hh_father, hh_step=hh_step,
        hh_partner=hh_partner, hh_relative=hh_relative, hh_move=hh_move, hh_ed=hh_ed,
        hh=hh_p, role=role, sex=sex, birth=birth, ethnicity=ethnicity, given=given,
        middle=middle, surname=surname, surname2=surname2, alt_surname=alt, addr=addr,
        prev_addr=prev_addr, join=join, leave=leave, gp_src=cat.gp[gp], primary_src=primary,
        secondary_src=secondary, reception=reception, year7=year7, gid=gid, nhs=nhs_for(gid),
    )


def _surnames(rng: np.random.Generator, nt: NameTables, group: np.ndarray, hh_p: np.ndarray,
              role: np.ndarray, h: int, has_father: np.ndarray, has_step: np.ndarray,
              has_partner: np.ndarray, hh_mother: np.ndarray, hh_father: np.ndarray,
              hh_step: np.ndarray, hh_partner: np.ndarray, mother_row: np.ndarray, her: Heritage,
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(surname, second part or -1, alternative surname or -1) per person.

    Follows family history so identity noise has something true to draw on: mothers married or
    not, double-barrelled children, children keeping an absent father's name in step-families.
    """
    p = len(hh_p)
    own = nt.draw_surname(rng, group)
    absent = nt.draw_surname(rng, her.names_group[mother_row])  # absent father, per household
    hm = hh_mother >= 0
    maiden = np.where(hm, own[np.maximum(hh_mother, 0)], -1)
    s_f = np.where(has_father, own[np.maximum(hh_father, 0)], -1)
    s_step = np.where(has_step, own[np.maximum(hh_step, 0)], -1)
    s_partner = np.where(has_partner, own[np.maximum(hh_partner, 0)], -1)
    u, v = rng.random(h), rng.random(h)
    two = has_father & hm
    married = two & (u < 0.55)
    m_hyph = two & ~married & (u < 0.65)
    mother_s = np.select([married, has_step & (u < 0.25), ~has_step & ~two & (u < 0.3)],
                         [s_f, absent, absent], maiden)
    mother_s = np.where(has_step & (u >= 0.25) & (u < 0.5), s_step, mother_s)
    kid_s = np.select([two & (v < 0.75), two & (v < 0.85) & ~married, two,
                       has_step & (v < 0.6), ~hm, ~has_step & (v < 0.45)],
                      [s_f, maiden, s_f, absent, s_f, absent], mother_s)
    kid_hyph = two & (v >= 0.85)

    surname = own.copy()
    surname2 = np.full(p, -1, "int32")
    alt = np.full(p, -1, "int32")
    kid = role == CHILD
    mom = role == MOTHER
    surname[kid] = kid_s[hh_p[kid]]
    surname[mom] = mother_s[hh_p[mom]]
    hy = kid & kid_hyph[hh_p]
    surname[hy], surname2[hy] = maiden[hh_p[hy]], s_f[hh_p[hy]]
    hy = mom & m_hyph[hh_p]
    surname2[hy] = s_f[hh_p[hy]]
    newer = np.where(has_step, s_step, s_partner)
    alt_m = np.where(mother_s != maiden, maiden, newer)
    alt[mom] = alt_m[hh_p[mom]]
    alt_k = np.where(newer >= 0, newer, np.where(kid_hyph, s_f, np.where(kid_s != maiden, maiden, -1)))
    alt[kid] = alt_k[hh_p[kid]]
    alt[alt == surname] = -1
    return surname, surname2, alt
