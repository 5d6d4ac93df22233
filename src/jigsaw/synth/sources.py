"""The agencies and source systems of the synthetic partnership, and their practitioners.

A *family* is a kind of source (GP practice, school, emergency department ...); a person has at
most one record per family, and families with several systems (GP practices, schools) route each
person to one of them. The catalogue depends only on the number of children and the seed, so
every worker process builds the same one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from jigsaw.synth.names import COHORT_ADULT, strip_accents, tables
from jigsaw.synth.places import place_rows
from jigsaw.synth.rng import run_stream

CSC, GP, SCH_P, SCH_S, HV, ED1, ED2, MAT, POL, AMH, DAS = range(11)
FAMILIES = ("csc", "gp", "school_primary", "school_secondary", "hv", "ed1", "ed2", "maternity",
            "police", "amh", "das")
AREA = "Northvale"

#: per family: roles of the practitioners on its roster as (role, share); the first role holds cases
_ROLES: dict[int, tuple[tuple[str, float], ...]] = {
    CSC: (("social worker", 0.75), ("team manager", 0.15), ("family support worker", 0.10)),
    GP: (("GP", 0.65), ("practice nurse", 0.35)),
    HV: (("health visitor", 0.75), ("community nursery nurse", 0.25)),
    ED1: (("emergency department nurse", 0.5), ("emergency medicine doctor", 0.5)),
    MAT: (("community midwife", 0.85), ("safeguarding midwife", 0.15)),
    POL: (("police constable", 0.75), ("detective constable", 0.2),
          ("missing persons coordinator", 0.05)),
    SCH_P: (("designated safeguarding lead", 0.25), ("deputy safeguarding lead", 0.25),
            ("attendance officer", 0.25), ("head teacher", 0.25)),
    AMH: (("care coordinator", 0.6), ("community psychiatric nurse", 0.4)),
    DAS: (("recovery worker", 1.0),),
}
_ROLES[ED2], _ROLES[SCH_S] = _ROLES[ED1], _ROLES[SCH_P]


@dataclass(frozen=True)
class Source:
    """One source system: the folder ``system`` and its ``source.json``."""

    system: str
    name: str
    agency: str
    agency_type: str
    family: int
    prefix: str  # of source ids
    phone: str
    email: str

    def meta(self) -> dict[str, str]:
        """The ``source.json`` object, with the agency's safeguarding contact (a drama number)."""
        return {"source_system": self.system, "name": self.name, "agency": self.agency,
                "agency_type": self.agency_type, "safeguarding_phone": self.phone,
                "safeguarding_email": self.email}


@dataclass(frozen=True)
class Catalogue:
    """All sources of a run, by family, with one practitioner roster per source."""

    sources: list[Source]
    fixed: dict[int, int]  # family -> source index, for one-system families
    gp: np.ndarray  # source indices of GP practices
    primary: np.ndarray
    secondary: np.ndarray
    prac_name: pa.Array
    prac_role: pa.Array
    prac_contact: pa.Array
    roster_start: np.ndarray  # per source
    roster_size: np.ndarray
    roster_cases: np.ndarray  # leading roster entries holding cases (first role)

    @property
    def systems(self) -> list[str]:
        return [s.system for s in self.sources]

    def case_practitioner(self, src: np.ndarray, gid: np.ndarray) -> np.ndarray:
        """The practitioner holding a person's case in a source: stable for that person."""
        h = (np.asarray(gid, "int64") * 2654435761) >> 9
        return self.roster_start[src] + h % self.roster_cases[src]


def _slug(text: str) -> str:
    text = strip_accents(text).lower().replace("'", "")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def _phone(n: int) -> str:
    """A number in the range Ofcom keeps for drama (01632 960000-960999): never a real line."""
    return f"01632 960{n % 1000:03d}"


def _org_names(rng: np.random.Generator, n: int, kind: str) -> list[str]:
    rows = place_rows()
    towns, stems = rows["town"], [s for s in rows["stem"] if "'" not in s]
    patterns = {
        "gp": ("{t} Health Centre", "{s} Road Surgery", "The {s} Medical Practice",
               "{t} Family Practice", "{s} Lane Surgery", "{t} Medical Group"),
        "primary": ("{t} Primary School", "St {saint}'s C of E Primary School",
                    "{s} Primary Academy", "{t} Infant and Junior School",
                    "Our Lady of {t} Catholic Primary School"),
        "secondary": ("{t} High School", "{s} Academy", "{t} Community College",
                      "{s} School and Sixth Form"),
    }[kind]
    saints = ("Aldric", "Bede", "Hilda", "Cuthbert", "Chad", "Werburgh", "Oswald", "Aidan",
              "Wilfrid", "Etheldreda")
    out: list[str] = []
    while len(out) < n:
        p = patterns[int(rng.integers(len(patterns)))]
        name = p.format(t=towns[int(rng.integers(len(towns)))],
                        s=stems[int(rng.integers(len(stems)))],
                        saint=saints[int(rng.integers(len(saints)))])
        if name not in out:
            out.append(name)
    return out


def _roster(rng: np.random.Generator, size: int, family: int, slug: str,
            ) -> tuple[list[str], list[str], list[str], int]:
    nt = tables()
    her = nt.heritage
    groups = her.names_group[rng.choice(len(her.codes), size, p=her.weights / her.weights.sum())]
    sex = (rng.random(size) < 0.7).astype("int64")
    given = nt.draw_given(rng, groups, sex, np.full(size, COHORT_ADULT))
    surname = nt.draw_surname(rng, groups)
    roles: list[str] = []
    for role, share in _ROLES[family]:
        roles += [role] * max(1, round(share * size))
    roles = roles[:size] + [roles[0]] * (size - len(roles))
    cases = max(1, sum(r == _ROLES[family][0][0] for r in roles))
    names, contacts = [], []
    for i in range(size):
        first = nt.given_py[int(given[i])]
        last = (nt.surname_f if sex[i] else nt.surname_m)[int(surname[i])].as_py()
        names.append(f"{first} {last}")
        if family in (POL, ED1, ED2):
            contacts.append(f"07700 900{int(rng.integers(1000)):03d}")
        else:
            contacts.append(f"{_slug(first)}.{_slug(last)}@{slug}.example")
    return names, roles, contacts, cases


def build_catalogue(children: int, seed: int) -> Catalogue:
    """The source systems for a run of ``children`` children (same for every chunk)."""
    rng = run_stream(seed, "catalogue")
    n_orgs = min(40, 3 + children // 25000)
    n_primary = max(1, round(n_orgs * 0.65))
    n_secondary = max(1, n_orgs - n_primary)
    council = f"{AREA} Council Children's Services"
    hv = f"{AREA} Community Health NHS Trust"
    specs: list[tuple[str, str, str, str, int, str]] = [
        ("csc", f"{council} case record", council, "social_care", CSC, "CSC")]
    for i, name in enumerate(_org_names(rng, n_orgs, "gp"), 1):
        specs.append((f"gp{i:02d}", f"{name} (GP record)", name, "health", GP, f"GP{i:02d}"))
    specs += [
        ("hv", f"{hv} health visiting record", hv, "health", HV, "HV"),
        ("ed1", f"{AREA} General Hospital emergency department",
         f"{AREA} General Hospital NHS Foundation Trust", "health", ED1, "EDA"),
        ("ed2", "Saltmere District Hospital emergency department",
         "Saltmere and Ravensholt Hospitals NHS Trust", "health", ED2, "EDB"),
        ("maternity", f"{AREA} General Hospital maternity record",
         f"{AREA} General Hospital NHS Foundation Trust", "health", MAT, "MAT"),
        ("police", f"{AREA} Constabulary records", f"{AREA} Constabulary", "police", POL, "POL"),
    ]
    schools = [(n, SCH_P) for n in _org_names(rng, n_primary, "primary")]
    schools += [(n, SCH_S) for n in _org_names(rng, n_secondary, "secondary")]
    for i, (name, fam) in enumerate(schools, 1):
        specs.append((f"school{i:02d}", f"{name} pupil record", name, "education", fam,
                      f"SCH{i:02d}"))
    specs += [
        ("amh", f"{AREA} adult mental health record", f"{AREA} Mental Health NHS Trust",
         "health", AMH, "AMH"),
        ("das", f"{AREA} drug and alcohol recovery record", f"{AREA} Recovery Partnership",
         "other", DAS, "DAS"),
    ]
    scale = {CSC: 20 + children // 1500, HV: 10 + children // 4000, POL: 20 + children // 3000,
             ED1: 20 + children // 10000, ED2: 20 + children // 10000, MAT: 10 + children // 8000,
             AMH: 8 + children // 10000, DAS: 6 + children // 20000, GP: 6, SCH_P: 4, SCH_S: 4}
    sources, names, roles, contacts, start, size, cases = [], [], [], [], [], [], []
    for k, (system, name, agency, atype, fam, prefix) in enumerate(specs):
        slug = _slug(agency)
        sources.append(Source(system, name, agency, atype, fam, prefix, _phone(k * 37 + 11),
                              f"safeguarding@{slug}.example"))
        n = min(scale[fam], 600)
        nm, rl, ct, cs = _roster(run_stream(seed, f"roster:{system}"), n, fam, slug)
        start.append(len(names))
        size.append(n)
        cases.append(cs)
        names += nm
        roles += rl
        contacts += ct
    fam_of = np.array([s.family for s in sources])
    return Catalogue(
        sources=sources,
        fixed={f: int(np.flatnonzero(fam_of == f)[0]) for f in (CSC, HV, ED1, ED2, MAT, POL, AMH, DAS)},
        gp=np.flatnonzero(fam_of == GP),
        primary=np.flatnonzero(fam_of == SCH_P),
        secondary=np.flatnonzero(fam_of == SCH_S),
        prac_name=pa.array(names, pa.string()),
        prac_role=pa.array(roles, pa.string()),
        prac_contact=pa.array(contacts, pa.string()),
        roster_start=np.array(start, "int64"),
        roster_size=np.array(size, "int64"),
        roster_cases=np.array(cases, "int64"),
    )
