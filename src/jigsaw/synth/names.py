"""Name tables by heritage group, loaded once per process from the CSV files in ``data/``.

Names are held as integer indices into global tables so sampling, copying and noising them is
array work; strings are only materialised (with pyarrow ``take``) when a chunk is written.
"""

from __future__ import annotations

import csv
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pyarrow as pa

DATA = Path(__file__).with_name("data")
COHORT_CHILD, COHORT_ADULT = 0, 1
_SPECIAL = str.maketrans({"Ł": "L", "ł": "l", "ß": "ss", "Ø": "O", "ø": "o", "ı": "i",
                          "Æ": "AE", "æ": "ae", "Đ": "D", "đ": "d"})


def strip_accents(text: str) -> str:
    """The name as a system without diacritics would hold it (Zoë -> Zoe, Łukasz -> Lukasz)."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@dataclass(frozen=True)
class Sampler:
    """Weighted draw from a subset of a global name table."""

    idx: np.ndarray
    cum: np.ndarray

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        u = rng.random(n) * self.cum[-1]
        return self.idx[np.searchsorted(self.cum, u, side="right").clip(0, len(self.idx) - 1)]


@dataclass(frozen=True)
class Heritage:
    """Heritage groups in ``heritage.csv`` order (several rows may share a DfE code)."""

    codes: list[str]
    weights: np.ndarray
    mixed_weights: np.ndarray
    names_group: np.ndarray  # index into NameTables.groups


@dataclass(frozen=True)
class NameTables:
    """All given names, surnames and short forms, with per-group samplers."""

    groups: list[str]
    given: pa.Array
    given_py: list[str]
    given_accent: np.ndarray
    surname_m: pa.Array
    surname_f: pa.Array
    surname_py: list[str]
    surname_accent: np.ndarray
    given_samplers: dict[tuple[int, int, int], Sampler]  # (group, sex, cohort)
    surname_samplers: dict[int, Sampler]
    nick_start: np.ndarray  # per given index
    nick_count: np.ndarray
    nicks: pa.Array
    heritage: Heritage

    def draw_given(self, rng: np.random.Generator, group: np.ndarray, sex: np.ndarray,
                   cohort: np.ndarray) -> np.ndarray:
        """Given-name indices for people of the given name group, sex (0 M, 1 F) and cohort."""
        out = np.zeros(len(group), dtype="int32")
        key = (group.astype("int64") * 2 + sex) * 2 + cohort
        for k in np.unique(key):
            sel = np.flatnonzero(key == k)
            g, rest = divmod(int(k), 4)
            s, c = divmod(rest, 2)
            out[sel] = self.given_samplers[(g, s, c)].draw(rng, len(sel))
        return out

    def draw_surname(self, rng: np.random.Generator, group: np.ndarray) -> np.ndarray:
        """Surname indices for people of the given name groups."""
        out = np.zeros(len(group), dtype="int32")
        for g in np.unique(group):
            sel = np.flatnonzero(group == g)
            out[sel] = self.surname_samplers[int(g)].draw(rng, len(sel))
        return out


@cache
def tables() -> NameTables:
    """The name tables (loaded once per process)."""
    her = _rows("heritage.csv")
    groups = sorted({r["names"] for r in her} | {r["names"] for r in _rows("surnames.csv")})
    gid = {g: i for i, g in enumerate(groups)}

    given_rows = _rows("given_names.csv")
    given_py = sorted({r["name"] for r in given_rows})
    given_id = {n: i for i, n in enumerate(given_py)}
    buckets: dict[tuple[int, int, int], tuple[list[int], list[float]]] = {}
    for r in given_rows:
        sex = 0 if r["sex"] == "M" else 1
        cohorts = (COHORT_CHILD, COHORT_ADULT) if r["cohort"] == "any" else (
            (COHORT_CHILD,) if r["cohort"] == "child" else (COHORT_ADULT,))
        for c in cohorts:
            ids, ws = buckets.setdefault((gid[r["names"]], sex, c), ([], []))
            ids.append(given_id[r["name"]])
            ws.append(float(r["weight"]))
    given_samplers = {k: Sampler(np.array(i, "int32"), np.cumsum(w)) for k, (i, w) in buckets.items()}

    sur_rows = _rows("surnames.csv")
    sur_m = [r["name"] for r in sur_rows]
    sur_f = [r["female_form"] or r["name"] for r in sur_rows]
    sur_buckets: dict[int, tuple[list[int], list[float]]] = {}
    for i, r in enumerate(sur_rows):
        ids, ws = sur_buckets.setdefault(gid[r["names"]], ([], []))
        ids.append(i)
        ws.append(float(r["weight"]))
    surname_samplers = {g: Sampler(np.array(i, "int32"), np.cumsum(w))
                        for g, (i, w) in sur_buckets.items()}

    short: dict[str, list[str]] = {}
    for r in _rows("nicknames.csv"):
        short.setdefault(r["formal"], []).append(r["short"])
    nick_start = np.zeros(len(given_py), "int32")
    nick_count = np.zeros(len(given_py), "int32")
    flat: list[str] = []
    for i, n in enumerate(given_py):
        forms = short.get(n, [])
        nick_start[i], nick_count[i] = len(flat), len(forms)
        flat.extend(forms)

    heritage = Heritage(
        codes=[r["code"] for r in her],
        weights=np.array([float(r["weight"]) for r in her]),
        mixed_weights=np.array([float(r["mixed_weight"]) for r in her]),
        names_group=np.array([gid[r["names"]] for r in her], "int32"),
    )
    return NameTables(
        groups=groups,
        given=pa.array(given_py, pa.string()),
        given_py=given_py,
        given_accent=np.array([strip_accents(n) != n for n in given_py]),
        surname_m=pa.array(sur_m, pa.string()),
        surname_f=pa.array(sur_f, pa.string()),
        surname_py=sur_m,
        surname_accent=np.array([strip_accents(a) != a or strip_accents(b) != b
                                 for a, b in zip(sur_m, sur_f, strict=True)]),
        given_samplers=given_samplers,
        surname_samplers=surname_samplers,
        nick_start=nick_start,
        nick_count=nick_count,
        nicks=pa.array(flat, pa.string()),
        heritage=heritage,
    )
