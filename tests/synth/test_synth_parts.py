"""Building blocks of synth: identifiers, dates, noise edits, data files, households."""

from __future__ import annotations

import csv
import re
from datetime import date

import numpy as np

from jigsaw.feeds.nhs import is_valid_nhs_number
from jigsaw.feeds.upn import is_valid_upn
from jigsaw.synth import SynthConfig, noise
from jigsaw.synth import dates as dt
from jigsaw.synth import identifiers as ids
from jigsaw.synth.households import CHILD, ETH, MOTHER, build_population
from jigsaw.synth.names import DATA, strip_accents, tables
from jigsaw.synth.plan import make_plan
from jigsaw.synth.rng import Streams


def _mod11_valid(number: str) -> bool:
    """Independent reference: weights 10..2, check = 11 - sum % 11, 11 -> 0, 10 invalid."""
    total = sum(int(d) * w for d, w in zip(number[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    return check != 10 and (0 if check == 11 else check) == int(number[9])


def test_nhs_numbers_are_valid_unique_and_typos_are_not():
    gid = np.arange(0, 3_000_000, 29)
    nhs = ids.nhs_for(gid)
    assert len(np.unique(nhs)) == len(nhs)
    assert ids.nhs_valid(nhs).all()
    sample = [str(n) for n in nhs[:: 997]]
    assert all(_mod11_valid(s) and is_valid_nhs_number(s) for s in sample)
    rng = np.random.default_rng(0)
    bad = ids.nhs_typo(rng, nhs[:5000])
    assert not ids.nhs_valid(bad).any()
    assert ((bad // 10**9) >= 1).all()  # still ten digits
    assert ((bad != nhs[:5000]).sum(axis=0)) == 5000
    nobody = ids.nhs_nobody(rng, 5000)
    assert ids.nhs_valid(nobody).all() and not np.isin(nobody, nhs).any()


def test_upns_have_correct_check_letters_and_are_unique():
    gid = np.array([0, 1, 999, 1000, 123_456, 89_999_999])
    upns = ids.upn(gid, np.array([18, 19, 20, 21, 22, 23])).to_pylist()
    assert all(len(u) == 13 and is_valid_upn(u) for u in upns)
    assert len(set(upns)) == len(upns)
    assert upns[0][1:4] == "990" and upns[0][8:10] == "18"


def test_calendar_helpers():
    days = np.array([dt.to_days(date(2024, 2, 29)), dt.to_days(date(2026, 6, 30))])
    y, m, d = dt.ymd(days)
    assert (y.tolist(), m.tolist(), d.tolist()) == ([2024, 2026], [2, 6], [29, 30])
    assert dt.from_ymd(y, m, d).tolist() == days.tolist()
    assert dt.age_years(np.array([dt.to_days(date(2010, 7, 1))]), dt.to_days(date(2026, 6, 30))) == 15
    assert dt.add_years(days[:1], 1).tolist() == [dt.to_days(date(2025, 2, 28))]
    assert dt.academic_year_start(days).tolist() == [dt.to_days(date(2023, 9, 1)),
                                                      dt.to_days(date(2025, 9, 1))]


def test_birth_date_noise_keeps_valid_past_dates():
    rng = np.random.default_rng(1)
    as_of = dt.to_days(date(2026, 6, 30))
    dob = rng.integers(as_of - 30_000, as_of + 1, 20_000)
    typo, changed = noise.dob_digit(rng, dob, 1.0, as_of)
    assert changed.mean() > 0.95 and (typo[changed] != dob[changed]).all()
    assert (typo <= as_of).all()
    swapped, sw = noise.dob_swap(rng, dob, 1.0, as_of)
    _, m, d = dt.ymd(dob)
    _, m2, d2 = dt.ymd(swapped)
    assert (m2[sw] == d[sw]).all() and (d2[sw] == m[sw]).all() and (swapped <= as_of).all()


def test_typos_are_single_letter_edits():
    rng = np.random.default_rng(2)
    for name in ["Smith", "O'Neill", "Lee", "Zoë", "Al-Sayed", "Li"]:
        out = noise.typo(rng, name)
        assert out != name and len(out) >= 2 and abs(len(out) - len(name)) <= 1 and out[0].isalpha()
    assert strip_accents("Łukasz Wiśniewska Zoë") == "Lukasz Wisniewska Zoe"


def test_name_data_files():
    with (DATA / "nicknames.csv").open(encoding="utf-8") as f:
        pairs = list(csv.DictReader(f))
    assert len(pairs) >= 150
    assert {("William", "Bill"), ("Alexander", "Alex"), ("Tyler-James", "Tyler"),
            ("Mohammed", "Mohammad")} <= {(p["formal"], p["short"]) for p in pairs}
    nt = tables()
    allowed = re.compile(r"[^\W\d_]+(?:[ '\-][^\W\d_]+)*")  # never a CSV delimiter or quote
    assert all(allowed.fullmatch(n) for n in nt.given_py + nt.surname_py + nt.nicks.to_pylist())
    with (DATA / "given_names.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert sum(r["names"] == "british" for r in rows) >= 300
    assert len({r["names"] for r in rows}) >= 12
    assert {"O'Neill", "Zoë", "Łukasz"} <= set(nt.given_py + nt.surname_py)
    assert any("-" in s for s in nt.surname_py)


def test_households_are_plausible():
    plan = make_plan(20_000, 4, date(2026, 6, 30), SynthConfig())
    pop = build_population(plan, 0, 20_000, Streams(4, 0))
    child = pop.role == CHILD
    assert child.sum() == 20_000
    age = dt.age_years(pop.birth[child], plan.as_of_d)
    assert age.min() == 0 and age.max() == 17
    kids = pop.hh_kids
    assert 0.35 < (kids == 1).mean() < 0.5 and kids.max() <= 5
    single = (pop.hh_father < 0) & (pop.hh_step < 0) | (pop.hh_mother < 0)
    assert 0.2 < single.mean() < 0.3
    kid_birth = pop.birth[child]
    kid_hh = pop.hh[child]
    same = (kid_birth[1:] == kid_birth[:-1]) & (kid_hh[1:] == kid_hh[:-1])
    maternities = child.sum() - same.sum()
    assert 0.008 < same.sum() / maternities < 0.025  # twins: about 1.5% of maternities
    mother_age = (pop.birth[child] - pop.birth[pop.hh_mother[pop.hh[child]]])[
        pop.hh_mother[pop.hh[child]] >= 0] / 365.25
    assert mother_age.min() >= 16 and mother_age.max() <= 47
    assert (pop.role == MOTHER).sum() > 0.9 * len(kids)
    assert len(np.unique(pop.nhs)) == pop.n


def test_mixed_heritage_children_live_in_every_kind_of_household():
    """Lone parents, step-families and a mother's new partner are as common for mixed-heritage children."""
    plan = make_plan(20_000, 5, date(2026, 6, 30), SynthConfig())
    pop = build_population(plan, 0, 20_000, Streams(5, 0))
    child = pop.role == CHILD
    mixed_hh = np.zeros(len(pop.hh_kids), bool)
    mixed = np.isin(pop.ethnicity, [ETH[c] for c in ("MWBC", "MWBA", "MWAS", "MOTH")])
    mixed_hh[pop.hh[child & mixed]] = True
    single = (pop.hh_father < 0) & (pop.hh_step < 0) | (pop.hh_mother < 0)
    for make_up in (single, pop.hh_step >= 0, pop.hh_partner >= 0):
        among_mixed, among_rest = make_up[mixed_hh].mean(), make_up[~mixed_hh].mean()
        assert 0.5 * among_rest < among_mixed < 1.5 * among_rest  # before: never single, never a partner
    assert 0.03 < mixed_hh.mean() < 0.07
