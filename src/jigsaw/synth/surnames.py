"""Family names that follow family history: married or not, double-barrelled, step-families."""

from __future__ import annotations

import numpy as np

from jigsaw.synth.names import Heritage, NameTables
from jigsaw.synth.roles import CHILD, MOTHER


def surnames(rng: np.random.Generator, nt: NameTables, group: np.ndarray, hh_p: np.ndarray,
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
