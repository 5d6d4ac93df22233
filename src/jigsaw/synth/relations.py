"""relationships.csv and involvements.csv rows, as each agency would record them.

Relationships read "the related person is the person's ...": social care records a child's
parents, siblings, mother's partner and other household members; health visiting and maternity a
baby's mother; police the household members it met. Involvements are the signposts: registered
GP, school safeguarding lead, health visitor, allocated social worker, midwife and adult-service
key workers, with start and (where it ended) end dates.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from jigsaw.synth.context import Ctx
from jigsaw.synth.csvout import escape
from jigsaw.synth.plan import NONE
from jigsaw.synth.records import Records
from jigsaw.synth.rng import pick
from jigsaw.synth.roles import CHILD, FATHER, MOTHER, PARTNER, RELATIVE, STEP
from jigsaw.synth.socialcare import TEAMS
from jigsaw.synth.sources import AMH, CSC, DAS, GP, HV, MAT, POL, SCH_P, SCH_S, Catalogue
from jigsaw.synth.texts import ET

YEAR = 365.25
LABELS = ("sibling", "mother", "father", "step_parent", "partner_of_parent", "household_member")
_LABEL_OF_ROLE = np.zeros(6, "int64")
for _role, _label in ((CHILD, 0), (MOTHER, 1), (FATHER, 2), (STEP, 3), (PARTNER, 4), (RELATIVE, 5)):
    _LABEL_OF_ROLE[_role] = _label
HOUSEHOLD_MEMBER = 5


def _pairs(hh: np.ndarray, members: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All ordered pairs of ``members`` (sorted, household-contiguous) sharing a household."""
    a, b = [], []
    for d in range(1, 9):
        x, y = members[:-d], members[d:]
        same = hh[x] == hh[y]
        a += [x[same], y[same]]
        b += [y[same], x[same]]
    return np.concatenate(a), np.concatenate(b)


def relationships(ctx: Ctx, recs: Records) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(record, related record, label index) for every relationship row."""
    pop = ctx.pop
    rows_a, rows_b, labels = [], [], []

    def add(fam: int, a: np.ndarray, b: np.ndarray, label: np.ndarray) -> None:
        ra, rb = recs.index[fam][a], recs.index[fam][b]
        ok = (ra >= 0) & (rb >= 0)
        rows_a.append(ra[ok])
        rows_b.append(rb[ok])
        labels.append(np.broadcast_to(label, len(a))[ok])

    csc = recs.person[recs.fam == CSC]
    a, b = _pairs(pop.hh, np.sort(csc))
    kid = pop.role[a] == CHILD
    add(CSC, a[kid], b[kid], _LABEL_OF_ROLE[pop.role[b[kid]]])
    for fam in (HV, MAT):
        kids = recs.person[(recs.fam == fam) & (pop.role[recs.person] == CHILD)]
        mother = pop.hh_mother[pop.hh[kids]]
        ok = mother >= 0
        add(fam, kids[ok], mother[ok], np.int64(1))
    police = np.sort(recs.person[recs.fam == POL])
    a, b = _pairs(pop.hh, police)
    add(POL, a, b, np.int64(HOUSEHOLD_MEMBER))
    return np.concatenate(rows_a), np.concatenate(rows_b), np.concatenate(labels)


def relationship_columns(ctx: Ctx, recs: Records) -> tuple[dict[str, pa.Array], np.ndarray]:
    """relationships.csv columns (sorted by source) and each row's source."""
    ra, rb, label = relationships(ctx, recs)
    order = np.lexsort((rb, ra))
    ra, rb, label = ra[order], rb[order], label[order]
    systems = pa.array(ctx.plan.catalogue.systems, pa.string())
    cols = {"source_system": systems.take(pa.array(recs.src[ra])),
            "person_source_id": recs.ids.take(pa.array(ra)),
            "related_source_id": recs.ids.take(pa.array(rb)),
            "relationship": pa.array(LABELS, pa.string()).take(pa.array(label))}
    return cols, recs.src[ra]


def involvement_columns(ctx: Ctx, recs: Records, ev: dict[str, np.ndarray],
                        ) -> tuple[dict[str, pa.Array], np.ndarray]:
    """Signposting rows: who is (or was) involved with each person, from when."""
    pop, cat, as_of = ctx.pop, ctx.plan.catalogue, ctx.as_of
    rng = ctx.streams.get("involvements")
    rec, role, team, start, end, prac = [], [], [], [], [], []

    def add(r: np.ndarray, role_name: str, s: np.ndarray, e: np.ndarray, t: int = -1,
            p: np.ndarray | None = None) -> None:
        src = recs.src[r]
        rec.append(r)
        role.append(np.full(len(r), ROLES.index(role_name)))
        team.append(np.full(len(r), t))
        start.append(np.minimum(s, as_of))
        end.append(np.where(e <= as_of, e, NONE))
        prac.append(cat.case_practitioner(src, pop.gid[recs.person[r]]) if p is None else p)

    gp = np.flatnonzero(recs.fam == GP)
    who = recs.person[gp]
    adult_from = pop.birth[who] + int(16 * YEAR)
    reg = np.where(pop.role[who] == CHILD, pop.birth[who] + pick(rng, 5, 60, len(gp)),
                   pick(rng, adult_from, as_of - 30))
    add(gp, "registered GP", np.maximum(reg, pop.birth[who]), np.full(len(gp), NONE))
    for fam, begin in ((SCH_P, pop.reception), (SCH_S, pop.year7)):
        r = np.flatnonzero(recs.fam == fam)
        who = recs.person[r]
        dsl = cat.roster_start[recs.src[r]]
        ended = np.where(fam == SCH_P, pop.year7[who] - 32, NONE)
        add(r, "designated safeguarding lead", begin[who], ended, p=dsl)
    r = np.flatnonzero((recs.fam == HV) & (pop.role[recs.person] == CHILD))
    who = recs.person[r]
    five = pop.birth[who] + int(5 * YEAR)
    add(r, "health visitor", pop.birth[who] + 10, five)
    cases = ctx.cases.columns()
    r = recs.index[CSC][cases["person"]]
    add(r, "allocated social worker", cases["start"], cases["end"], cases["team"])
    for fam, etype, role_name, tail in ((MAT, "antenatal_booking", "named midwife", 310),
                                        (AMH, "mental_health_contact", "care coordinator", 90),
                                        (DAS, "substance_misuse_contact", "recovery worker", 90)):
        sel = (ev["fam"] == fam) & (ev["etype"] == ET[etype])
        person, date = ev["person"][sel], ev["date"][sel]
        order = np.lexsort((date, person))
        person, date = person[order], date[order]
        if not len(person):
            continue
        first = np.r_[True, person[1:] != person[:-1]]
        last = np.r_[person[1:] != person[:-1], True]
        r = recs.index[fam][person[first]]
        add(r, role_name, date[first], date[last] + tail)
    rec_a = np.concatenate(rec)
    order = np.argsort(recs.src[rec_a], kind="stable")
    rec_a = rec_a[order]
    start_a, end_a = np.concatenate(start)[order], np.concatenate(end)[order]
    team_a, prac_a = np.concatenate(team)[order], np.concatenate(prac)[order]
    src = recs.src[rec_a]
    agencies = escape(pa.array([s.agency for s in cat.sources], pa.string()))
    systems = pa.array(cat.systems, pa.string())
    team_names = pa.array(TEAMS, pa.string())
    role_a = np.concatenate(role)[order]
    lead, early_help = _lead_and_early_help(role_a, rec_a)
    cols = {
        "source_system": systems.take(pa.array(src)),
        "person_source_id": recs.ids.take(pa.array(rec_a)),
        "agency": agencies.take(pa.array(src)),
        "role": pa.array(ROLES, pa.string()).take(pa.array(role_a)),
        "team": team_names.take(pa.array(team_a, mask=team_a < 0)),
        "practitioner": cat.prac_name.take(pa.array(prac_a)),
        "contact": _contacts(cat, prac_a, recs.fam[rec_a], src),
        "started_on": _dates(start_a),
        "ended_on": _dates(end_a),
        "lead_professional": lead,
        "early_help_assessment": early_help,
    }
    return cols, src


def _lead_and_early_help(role: np.ndarray, rec: np.ndarray) -> tuple[pa.Array, pa.Array]:
    """The structured signpost flags: the allocated social worker leads a child's plan; one
    health visitor record in four holds an early help assessment, and its health visitor leads
    it (Working Together 2023: the lead practitioner coordinates early help). Blank elsewhere.
    Derived from the rows alone, so no random stream moves and earlier outputs are unchanged."""
    social_worker = role == ROLES.index("allocated social worker")
    early = (role == ROLES.index("health visitor")) & (rec % 4 == 0)
    lead = pa.array(np.where(social_worker | early, "true", ""), pa.string())
    return lead, pa.array(np.where(early, "true", ""), pa.string())


def _contacts(cat: Catalogue, prac: np.ndarray, fam: np.ndarray, src: np.ndarray) -> pa.Array:
    """The practitioner's own contact, except the practice phone (GP) or school safeguarding
    mailbox, which is how those agencies are reached."""
    team = pa.array([s.phone for s in cat.sources] + [s.email for s in cat.sources], pa.string())
    table = pa.concat_arrays([cat.prac_contact, team])
    n = len(cat.prac_contact)
    idx = np.select([fam == GP, (fam == SCH_P) | (fam == SCH_S)],
                    [n + src, n + len(cat.sources) + src], prac)
    return table.take(pa.array(idx))


ROLES = ("registered GP", "designated safeguarding lead", "health visitor",
         "allocated social worker", "named midwife", "care coordinator", "recovery worker")


def _dates(days: np.ndarray) -> pa.Array:
    none = days >= NONE
    return pc.cast(pa.array(np.where(none, 0, days).astype("datetime64[D]"), mask=none), pa.string())
