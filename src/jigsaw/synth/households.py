"""The true population of one chunk: households, the people in them, and where they live.

Households hold one or two carers (mother, father or step-father), one to five children with
realistic spacing and twins, sometimes a mother's partner who joins (and may leave) and sometimes a
grandparent. People are rows of parallel arrays, contiguous per household (carers, children oldest
first, partner, relative), so later stages work on whole arrays.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from jigsaw.synth.config import SynthConfig
from jigsaw.synth.homes import addresses, registrations
from jigsaw.synth.identifiers import PERSON_CAP, nhs_for
from jigsaw.synth.names import COHORT_ADULT, COHORT_CHILD, Heritage, NameTables, tables
from jigsaw.synth.plan import NONE, RunPlan
from jigsaw.synth.rng import Streams, choose, pick
from jigsaw.synth.roles import CHILD, FATHER, MOTHER, PARTNER, RELATIVE, ROLE_ORDER, STEP, Layout
from jigsaw.synth.surnames import surnames

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


@dataclass
class MakeUp:
    """Per household: who lives there besides the children."""

    single: np.ndarray
    lone_father: np.ndarray
    has_mother: np.ndarray
    has_father: np.ndarray
    has_step: np.ndarray
    has_partner: np.ndarray
    has_relative: np.ndarray


def _make_up(rs: np.random.Generator, cfg: SynthConfig, h: int, oldest: np.ndarray, span: np.ndarray,
             ) -> MakeUp:
    """One or two carers, a step-father, a mother's partner, a relative: drawn per household."""
    single = rs.random(h) < cfg.single_carer_rate
    lone_father = single & (rs.random(h) < cfg.lone_father_rate) & (oldest - span >= 730)
    has_mother = ~lone_father
    has_father = (~single & (rs.random(h) < cfg.father_present_rate)) | lone_father
    has_step = ~single & ~has_father
    has_partner = single & has_mother & (rs.random(h) < cfg.partner_join_rate)
    has_relative = rs.random(h) < cfg.relative_rate
    return MakeUp(single, lone_father, has_mother, has_father, has_step, has_partner, has_relative)


def _layout(kids: np.ndarray, mu: MakeUp) -> Layout:
    """Rows for every person, per household: carers, children oldest first, a partner, a relative."""
    h = len(kids)
    hh_of = [np.repeat(np.arange(h), kids)]
    role_of = [np.full(int(kids.sum()), CHILD)]
    for role, mask in ((MOTHER, mu.has_mother), (FATHER, mu.has_father), (STEP, mu.has_step),
                       (PARTNER, mu.has_partner), (RELATIVE, mu.has_relative)):
        hh_of.append(np.flatnonzero(mask))
        role_of.append(np.full(int(mask.sum()), role))
    hh_p, role = np.concatenate(hh_of), np.concatenate(role_of)
    order = np.lexsort((role, ROLE_ORDER[role], hh_p))
    hh_p, role = hh_p[order], role[order]
    idx = np.arange(len(hh_p))
    hh_first = np.searchsorted(hh_p, np.arange(h))
    members = {}
    for rl in (MOTHER, FATHER, STEP, PARTNER, RELATIVE):
        out = np.full(h, -1, "int64")
        sel = role == rl
        out[hh_p[sel]] = idx[sel]
        members[rl] = out
    hh_first_child = hh_first + mu.has_mother + mu.has_father + mu.has_step
    return Layout(hh_p, role, hh_first, np.bincount(hh_p, minlength=h), hh_first_child, members,
                   role == CHILD, idx - hh_first_child[hh_p])


def _births(ra: np.random.Generator, lay: Layout, mu: MakeUp, oldest: np.ndarray, gaps: np.ndarray,
            as_of: int) -> np.ndarray:
    """Birth dates: children from the oldest's age and the gaps; adults from the first birth."""
    h, child, hh_p = len(oldest), lay.child, lay.hh_p
    span = gaps.sum(1)
    birth = np.zeros(lay.p, "int64")
    cum_gaps = np.concatenate([np.zeros((h, 1), "int64"), np.cumsum(gaps, 1)], 1)
    birth[child] = as_of - (oldest[hh_p[child]] - cum_gaps[hh_p[child], lay.child_no[child]])
    oldest_birth = as_of - oldest
    first_age = 16 * YEAR + ra.gamma(4.0, 3.0 * YEAR, h)
    first_age = np.clip(first_age, 16 * YEAR, np.maximum(16 * YEAR, 46 * YEAR - span)).round()
    mother_b = oldest_birth - first_age.astype("int64")
    father_b = np.minimum(mother_b - (ra.normal(2.5, 3.5, h) * YEAR).round().astype("int64"),
                          oldest_birth - int(17 * YEAR))
    father_b = np.where(mu.lone_father, oldest_birth - first_age.astype("int64") - 730, father_b)
    step_b = np.minimum(mother_b - (ra.normal(1.0, 6.0, h) * YEAR).astype("int64"),
                        as_of - int(20 * YEAR))
    partner_b = np.minimum(mother_b - (ra.normal(0.0, 6.0, h) * YEAR).astype("int64"),
                           as_of - int(20 * YEAR))
    carer_b = np.where(mu.has_mother, mother_b, father_b)
    rel_b = np.maximum(carer_b - ((22 + ra.gamma(3.0, 2.0, h)) * YEAR).astype("int64"),
                       as_of - int(92 * YEAR))
    for rl, arr in ((MOTHER, mother_b), (FATHER, father_b), (STEP, step_b), (PARTNER, partner_b),
                    (RELATIVE, rel_b)):
        lay.spread(rl, arr, birth)
    return birth


def _sexes(rx: np.random.Generator, cfg: SynthConfig, lay: Layout) -> np.ndarray:
    """0 male, 1 female: mothers female, fathers and partners male, children and relatives drawn."""
    sex = np.zeros(lay.p, "int64")
    sex[lay.child] = rx.random(int(lay.child.sum())) < cfg.girl_rate
    sex[lay.role == MOTHER] = 1
    sex[lay.role == RELATIVE] = rx.random(int((lay.role == RELATIVE).sum())) < cfg.relative_female_rate
    return sex


def _heritage(rg: np.random.Generator, cfg: SynthConfig, her: Heritage, lay: Layout, mu: MakeUp,
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(heritage row per person, ethnicity code per person, mother's heritage row per household).

    Whether the children's parents are of different heritage is drawn apart from the household's
    make-up: a lone parent or a step-family is as likely to have mixed-heritage children as any.
    """
    h, hh_p, child = len(mu.single), lay.hh_p, lay.child
    base_row = choose(rg, her.weights, h)
    wbri = her.codes.index("WBRI")
    mixed = rg.random(h) < cfg.mixed_heritage_rate
    other_row = choose(rg, her.mixed_weights, h)
    mother_other = rg.random(h) < cfg.mixed_mother_other_rate
    mother_row = np.where(mixed, np.where(mother_other, other_row, wbri), base_row)
    father_row = np.where(mixed, np.where(mother_other, wbri, other_row), base_row)
    step_row = np.where(rg.random(h) < cfg.step_same_heritage_rate, mother_row, choose(rg, her.weights, h))
    partner_row = np.where(rg.random(h) < cfg.partner_same_heritage_rate, mother_row,
                           choose(rg, her.weights, h))
    row = np.zeros(lay.p, "int64")
    for rl, arr in ((MOTHER, mother_row), (FATHER, father_row), (STEP, step_row),
                    (PARTNER, partner_row), (RELATIVE, np.where(mu.has_mother, mother_row, father_row))):
        lay.spread(rl, arr, row)
    carer_row = np.where(mu.has_mother, mother_row, father_row)
    row[child] = carer_row[hh_p[child]]
    mixed_child = child & mixed[hh_p]
    use_father = mixed_child & (rg.random(lay.p) < 0.5)
    row[use_father] = father_row[hh_p[use_father]]
    codes = np.array([ETH[c] for c in her.codes])
    ethnicity = codes[row]
    other_code = np.array(her.codes)[other_row]
    mixed_code = np.select([other_code == "BCRB", other_code == "BAFR",
                            np.isin(other_code, ["AIND", "APKN", "ABAN", "AOTH"])],
                           [ETH["MWBC"], ETH["MWBA"], ETH["MWAS"]], ETH["MOTH"])
    ethnicity[mixed_child] = mixed_code[hh_p[mixed_child]]
    return row, ethnicity, mother_row


def _given_names(rn: np.random.Generator, cfg: SynthConfig, nt: NameTables, group: np.ndarray, lay: Layout,
                 sex: np.ndarray, birth: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(given name, middle name or -1) per person; twins never share a given name."""
    child = lay.child
    cohort = np.where(child, COHORT_CHILD, COHORT_ADULT)
    given = nt.draw_given(rn, group, sex, cohort)
    twin = child & (lay.child_no > 0) & (np.roll(birth, 1) == birth) & (np.roll(given, 1) == given)
    if twin.any():
        given[twin] = nt.draw_given(rn, group[twin], sex[twin], cohort[twin])
    middle = np.full(lay.p, -1, "int32")
    has_mid = rn.random(lay.p) < cfg.middle_name_rate
    middle[has_mid] = nt.draw_given(rn, group[has_mid], sex[has_mid], cohort[has_mid])
    middle[middle == given] = -1
    return given, middle


def _partners(rj: np.random.Generator, cfg: SynthConfig, lay: Layout, birth: np.ndarray, ws: int,
              as_of: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(join date, leave date, partner rows): when a mother's partner joined and whether they left.

    No background adult joins while a child of the household is under 400 days old (that is the
    ``new_adult_baby`` pattern, injected on purpose).
    """
    h = len(lay.hh_first)
    join = np.full(lay.p, NONE, "int64")
    leave = np.full(lay.p, NONE, "int64")
    pp = np.flatnonzero(lay.role == PARTNER)
    j = pick(rj, ws - 730, as_of, len(pp))
    kid_births = birth[lay.child]
    kid_hh = lay.hh_p[lay.child]
    young = np.zeros(len(pp), bool)
    pos_of_hh = np.full(h, -1)
    pos_of_hh[lay.hh_p[pp]] = np.arange(len(pp))
    sel = pos_of_hh[kid_hh] >= 0
    gap = j[pos_of_hh[kid_hh[sel]]] - kid_births[sel]
    np.logical_or.at(young, pos_of_hh[kid_hh[sel]], (gap >= -30) & (gap < 400))
    j = np.where(young, ws - pick(rj, 30, 700, len(pp)), j)
    join[pp] = j
    lv = j + pick(rj, 60, 700, len(pp))
    leaves = (rj.random(len(pp)) < cfg.partner_leave_rate) & (lv < as_of)
    leave[pp[leaves]] = lv[leaves]
    return join, leave, pp


def build_population(plan: RunPlan, chunk: int, n_children: int, streams: Streams) -> Population:
    """Households and people of one chunk, with every true attribute, stage by stage.

    Each stage draws from its own named random stream, so a stage's draws never shift another's.
    """
    cfg, as_of = plan.config, plan.as_of_d
    nt, her = tables(), tables().heritage
    kids = _household_sizes(streams.get("households"), n_children)
    oldest, gaps = _child_ages(streams.get("ages"), kids, cfg.twin_rate, plan.max_child_age_days)
    mu = _make_up(streams.get("structure"), cfg, len(kids), oldest, gaps.sum(1))
    lay = _layout(kids, mu)
    birth = _births(streams.get("adult-ages"), lay, mu, oldest, gaps, as_of)
    sex = _sexes(streams.get("sex"), cfg, lay)
    row, ethnicity, mother_row = _heritage(streams.get("heritage"), cfg, her, lay, mu)
    group = her.names_group[row]
    given, middle = _given_names(streams.get("names"), cfg, nt, group, lay, sex, birth)
    m = lay.members
    surname, surname2, alt = surnames(streams.get("surnames"), nt, group, lay.hh_p, lay.role, len(kids),
                                       mu.has_father, mu.has_step, mu.has_partner, m[MOTHER], m[FATHER],
                                       m[STEP], m[PARTNER], mother_row, her)
    join, leave, pp = _partners(streams.get("partners"), cfg, lay, birth, plan.window_start_d, as_of)
    hh_move, hh_slot, addr, prev_addr = addresses(streams.get("moves"), cfg, plan, chunk, lay, join, leave,
                                                   pp)
    reg = registrations(streams.get("registrations"), cfg, plan, lay, hh_slot, birth)
    gid = chunk * PERSON_CAP + np.arange(lay.p)
    if lay.p >= PERSON_CAP:
        raise RuntimeError("too many people in one chunk")
    return Population(
        chunk=chunk, hh_first=lay.hh_first, hh_size=lay.hh_size, hh_kids=kids,
        hh_first_child=lay.hh_first_child, hh_mother=m[MOTHER], hh_father=m[FATHER], hh_step=m[STEP],
        hh_partner=m[PARTNER], hh_relative=m[RELATIVE], hh_move=hh_move, hh_ed=reg.hh_ed,
        hh=lay.hh_p, role=lay.role, sex=sex, birth=birth, ethnicity=ethnicity, given=given,
        middle=middle, surname=surname, surname2=surname2, alt_surname=alt, addr=addr,
        prev_addr=prev_addr, join=join, leave=leave, gp_src=reg.gp_src, primary_src=reg.primary_src,
        secondary_src=reg.secondary_src, reception=reg.reception, year7=reg.year7, gid=gid,
        nhs=nhs_for(gid),
    )
