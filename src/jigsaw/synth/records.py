"""Which agencies hold a record of whom, and what each record says (with identity noise).

Membership follows how agencies come to know people: everyone is registered with a GP, pupils
with their school, under-fives and their mothers with health visiting, whole households with
children's social care once any member has a case, and everyone else an agency met through an
event. Each record then carries that agency's version of the person's details.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from jigsaw.synth import noise
from jigsaw.synth.context import Ctx
from jigsaw.synth.csvout import quote
from jigsaw.synth.dates import ymd
from jigsaw.synth.households import CHILD, ETHNICITY, Population
from jigsaw.synth.identifiers import PERSON_CAP, nhs_nobody, nhs_typo, source_ids
from jigsaw.synth.identifiers import upn as make_upn
from jigsaw.synth.names import strip_accents, tables
from jigsaw.synth.places import nearby_unit
from jigsaw.synth.sources import AMH, CSC, DAS, ED1, ED2, FAMILIES, GP, HV, MAT, POL, SCH_P, SCH_S

YEAR = 365.25
_MIDDLE = {GP, HV, MAT, CSC, SCH_P, SCH_S}
_PHONE = {GP, CSC, HV, MAT, AMH, DAS}
_ETHNICITY_SHARE = {CSC: 0.97, SCH_P: 0.97, SCH_S: 0.97, HV: 0.9, MAT: 0.9, GP: 0.5, AMH: 0.7,
                    DAS: 0.5, ED1: 0.3, ED2: 0.3, POL: 0.0}


@dataclass
class Records:
    """One chunk's person records, ordered by source then person."""

    person: np.ndarray
    fam: np.ndarray
    src: np.ndarray
    local: np.ndarray  # number within its source in this chunk
    index: dict[int, np.ndarray]  # family -> record position per person (-1 none)
    ids: pa.Array  # source ids


def _members(ctx: Ctx, ev: dict[str, np.ndarray]) -> dict[int, np.ndarray]:
    pop, as_of = ctx.pop, ctx.as_of
    people = np.arange(pop.n)
    by_fam = {f: np.unique(ev["person"][ev["fam"] == f]) for f in range(len(FAMILIES))}
    child = pop.role == CHILD

    def mothers_of(kids: np.ndarray) -> np.ndarray:
        m = pop.hh_mother[pop.hh[kids]]
        return m[m >= 0]

    under5 = people[child & (as_of - pop.birth < 5 * YEAR)]
    babies = people[child & (pop.birth >= ctx.ws)]
    csc_hh = np.unique(pop.hh[by_fam[CSC]])
    in_csc = np.zeros(len(pop.hh_first), bool)
    in_csc[csc_hh] = True
    out = {f: by_fam[f] for f in (ED1, ED2, POL, AMH, DAS)}
    out[GP] = people
    out[SCH_P] = people[pop.primary_src >= 0]
    out[SCH_S] = people[pop.secondary_src >= 0]
    hv_kids = np.union1d(under5, by_fam[HV][pop.role[by_fam[HV]] == CHILD])
    out[HV] = np.union1d(np.union1d(hv_kids, mothers_of(hv_kids)), by_fam[HV])
    out[MAT] = np.union1d(np.union1d(by_fam[MAT], babies), mothers_of(babies))
    out[CSC] = people[in_csc[pop.hh]]
    return out


def build_records(ctx: Ctx, ev: dict[str, np.ndarray]) -> Records:
    """Person records of every source for this chunk, with their source ids."""
    pop, cat = ctx.pop, ctx.plan.catalogue
    members = _members(ctx, ev)
    src_of = {SCH_P: pop.primary_src, SCH_S: pop.secondary_src, GP: pop.gp_src}
    person, fam, src = [], [], []
    for f in range(len(FAMILIES)):
        m = members[f]
        person.append(m)
        fam.append(np.full(len(m), f))
        src.append(src_of[f][m] if f in src_of else np.full(len(m), cat.fixed[f]))
    person_a, fam_a, src_a = np.concatenate(person), np.concatenate(fam), np.concatenate(src)
    order = np.argsort(src_a, kind="stable")
    person_a, fam_a, src_a = person_a[order], fam_a[order], src_a[order]
    first = np.searchsorted(src_a, src_a, side="left")
    local = np.arange(len(src_a)) - first
    if local.max(initial=0) >= PERSON_CAP:
        raise RuntimeError("too many records for one source in a chunk")
    index = {}
    for f in range(len(FAMILIES)):
        arr = np.full(pop.n, -1, "int64")
        sel = np.flatnonzero(fam_a == f)
        arr[person_a[sel]] = sel
        index[f] = arr
    prefixes = pa.array([s.prefix for s in cat.sources], pa.string())
    ids = source_ids(prefixes.take(pa.array(src_a)), pop.chunk * PERSON_CAP + local)
    return Records(person_a, fam_a, src_a, local, index, ids)


def _family_names(pop: Population) -> pa.Array:
    nt = tables()
    first = pc.if_else(pa.array(pop.sex == 1), nt.surname_f.take(pa.array(pop.surname)),
                       nt.surname_m.take(pa.array(pop.surname)))
    has2 = pop.surname2 >= 0
    second = nt.surname_m.take(pa.array(np.maximum(pop.surname2, 0)))
    return pc.if_else(pa.array(has2), pc.binary_join_element_wise(first, second, "-"), first)


def _given_names(ctx: Ctx, recs: Records) -> pa.Array:
    """Given names as each agency holds them: a short form, accents dropped, a typo."""
    pop, cfg, st, nt = ctx.pop, ctx.plan.config, ctx.streams, tables()
    n = len(recs.person)
    g = pop.given[recs.person]
    r = st.get("noise:nickname")
    nick = (r.random(n) < cfg.nickname_rate) & (nt.nick_count[g] > 0)
    given = nt.given.take(pa.array(g))
    if nick.any():
        choice = nt.nick_start[g[nick]] + np.floor(r.random(int(nick.sum())) * nt.nick_count[g[nick]])
        given = pc.replace_with_mask(given, pa.array(nick), nt.nicks.take(pa.array(choice.astype("int64"))))
    r = st.get("noise:accents")
    given = noise.edit_strings(given, nt.given_accent[g] & (r.random(n) < cfg.accent_strip_rate),
                               strip_accents)
    r = st.get("noise:given-typo")
    return noise.edit_strings(given, r.random(n) < cfg.given_typo_rate, partial(noise.typo, r))


def _family_names_held(ctx: Ctx, recs: Records) -> pa.Array:
    """Family names as each agency holds them: a previous or partner's name, accents, a typo."""
    pop, cfg, st, nt = ctx.pop, ctx.plan.config, ctx.streams, tables()
    p = recs.person
    n = len(p)
    family = _family_names(pop).take(pa.array(p))
    r = st.get("noise:surname-change")
    alt = pop.alt_surname[p]
    change = (alt >= 0) & (r.random(n) < cfg.surname_change_rate)
    if change.any():
        alt_s = pc.if_else(pa.array(pop.sex[p] == 1), nt.surname_f.take(pa.array(np.maximum(alt, 0))),
                           nt.surname_m.take(pa.array(np.maximum(alt, 0))))
        hyph = pc.binary_join_element_wise(family, alt_s, "-")
        alt_s = pc.if_else(pa.array(r.random(n) < cfg.surname_change_hyphen_rate), hyph, alt_s)
        family = pc.replace_with_mask(family, pa.array(change), alt_s.filter(pa.array(change)))
    r = st.get("noise:accents-family")
    family = noise.edit_strings(family, nt.surname_accent[pop.surname[p]] &
                                (r.random(n) < cfg.accent_strip_rate), strip_accents)
    r = st.get("noise:family-typo")
    return noise.edit_strings(family, r.random(n) < cfg.family_typo_rate, partial(noise.typo, r))


def _nhs_numbers(ctx: Ctx, recs: Records) -> pa.Array:
    """NHS numbers: missing at each agency's rate, someone else's (valid), or mistyped (invalid)."""
    pop, cfg, st = ctx.pop, ctx.plan.config, ctx.streams
    n = len(recs.person)
    by_family = {CSC: cfg.nhs_missing_social_care, GP: cfg.nhs_missing_gp,
                 SCH_P: cfg.nhs_missing_school, SCH_S: cfg.nhs_missing_school,
                 HV: cfg.nhs_missing_health, MAT: cfg.nhs_missing_health, AMH: cfg.nhs_missing_health,
                 ED1: cfg.nhs_missing_ed, ED2: cfg.nhs_missing_ed, POL: cfg.nhs_missing_police,
                 DAS: cfg.nhs_missing_substance}
    missing_rate = np.array([by_family[i] for i in range(len(FAMILIES))])
    nhs = pop.nhs[recs.person].copy()
    missing = st.get("noise:nhs-missing").random(n) < missing_rate[recs.fam]
    r = st.get("noise:nhs-wrong")
    wrong = ~missing & (r.random(n) < cfg.nhs_wrong_rate)
    k = int(wrong.sum())
    nhs[wrong] = np.where(r.random(k) < cfg.nhs_wrong_someone_rate, pop.nhs[r.integers(0, pop.n, k)],
                          nhs_nobody(r, k))
    r = st.get("noise:nhs-invalid")
    bad = ~missing & ~wrong & (r.random(n) < cfg.nhs_invalid_rate)
    nhs[bad] = nhs_typo(r, nhs[bad])
    return pc.cast(pa.array(nhs, mask=missing), pa.string())


def _homes(ctx: Ctx, recs: Records, at_gp: np.ndarray) -> tuple[pa.Array, pa.Array]:
    """(address, postcode): stale after a move (never at the GP), a mistyped or missing postcode."""
    pop, cfg, st, plan = ctx.pop, ctx.plan.config, ctx.streams, ctx.plan
    p = recs.person
    n = len(p)
    r = st.get("noise:address")
    slot = pop.addr[p]
    stale = (pop.prev_addr[p] >= 0) & ~at_gp & (r.random(n) < cfg.stale_address_rate)
    slot = np.where(stale, pop.prev_addr[p], slot)
    street, number, unit = plan.places.locate(slot)
    wrong_pc = st.get("noise:postcode-error").random(n) < cfg.postcode_error_rate
    unit = np.where(wrong_pc, nearby_unit(r, unit, plan.places.n_units), unit)
    postcode = plan.places.postcode_strings(unit)
    no_pc = st.get("noise:postcode-missing").random(n) < cfg.postcode_missing_rate
    postcode = pc.if_else(pa.array(no_pc), pa.scalar(None, pa.string()), postcode)
    return quote(plan.places.address_strings(street, number)), postcode


def _extras(ctx: Ctx, recs: Records, fam_is: np.ndarray) -> dict[str, pa.Array]:
    """What each agency records besides identity: middle name, phone, ethnicity, UPN."""
    pop, cfg, nt = ctx.pop, ctx.plan.config, tables()
    p, f = recs.person, recs.fam
    n = len(p)
    r = ctx.streams.get("records:extras")
    child = pop.role[p] == CHILD
    mid_idx = np.where(np.isin(f, list(_MIDDLE)) & (r.random(n) < cfg.middle_name_recorded_rate),
                       pop.middle[p], -1)
    phone_n = (pop.gid[p] * 2654435761) % 1000
    teen = child & (ctx.as_of - pop.birth[p] > 13 * YEAR)
    teen_phone = teen & (f == GP) & (r.random(n) < cfg.teen_phone_rate)
    has_phone = np.isin(f, list(_PHONE)) & np.where(child, teen_phone, r.random(n) < cfg.adult_phone_rate)
    phone = pc.binary_join_element_wise(pa.scalar("07700 900"),
                                        pc.utf8_lpad(pc.cast(pa.array(phone_n), pa.string()), 3, "0"), "")
    eth_share = np.array([_ETHNICITY_SHARE[i] for i in range(len(FAMILIES))])
    eth = np.where(r.random(n) < eth_share[f], pop.ethnicity[p], -1)
    unknown = (eth >= 0) & (r.random(n) < cfg.ethnicity_unknown_rate)
    not_given = np.where(r.random(n) < cfg.ethnicity_not_obtained_share, ETHNICITY.index("NOBT"),
                         ETHNICITY.index("REFU"))
    eth = np.where(unknown, not_given, eth)
    school = fam_is[SCH_P] | fam_is[SCH_S] | (fam_is[CSC] & (r.random(n) < cfg.social_care_upn_rate))
    upn_ok = school & child & (pop.reception[p] <= ctx.as_of)
    upn = make_upn(pop.gid[p], ymd(pop.reception[p])[0])
    return {
        "other_names": noise.take_str(nt.given, mid_idx),
        "phone": pc.if_else(pa.array(has_phone), phone, pa.scalar(None, pa.string())),
        "is_child": pa.array(np.array(["false", "true"])[child.astype("int64")]),
        "ethnicity": noise.take_str(pa.array(ETHNICITY, pa.string()), eth),
        "upn": pc.if_else(pa.array(upn_ok), upn, pa.scalar(None, pa.string())),
    }


def people_columns(ctx: Ctx, recs: Records) -> dict[str, pa.Array]:
    """The people.csv columns of every record, after identity noise, stage by stage.

    Each stage draws from its own named random streams, so the stages can be read (and changed)
    one at a time without moving another's draws.
    """
    pop, cfg, st = ctx.pop, ctx.plan.config, ctx.streams
    n = len(recs.person)
    fam_is = np.zeros((len(FAMILIES), n), bool)
    fam_is[recs.fam, np.arange(n)] = True
    given = _given_names(ctx, recs)
    family = _family_names_held(ctx, recs)
    dob, _ = noise.dob_swap(st.get("noise:dob-swap"), pop.birth[recs.person], cfg.dob_swap_rate, ctx.as_of)
    dob, _ = noise.dob_digit(st.get("noise:dob-digit"), dob, cfg.dob_digit_rate, ctx.as_of)
    nhs = _nhs_numbers(ctx, recs)
    address, postcode = _homes(ctx, recs, fam_is[GP])
    extras = _extras(ctx, recs, fam_is)
    return {
        "source_system": pa.array(ctx.plan.catalogue.systems, pa.string()).take(pa.array(recs.src)),
        "source_id": recs.ids,
        "given_name": given,
        "family_name": family,
        "birth_date": pc.cast(pa.array(dob.astype("datetime64[D]")), pa.string()),
        "other_names": extras["other_names"],
        "sex": pa.array(np.array(["M", "F"])[pop.sex[recs.person]]),
        "nhs_number": nhs,
        "upn": extras["upn"],
        "address": address,
        "postcode": postcode,
        "phone": extras["phone"],
        "is_child": extras["is_child"],
        "ethnicity": extras["ethnicity"],
    }
