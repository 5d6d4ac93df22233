"""One chunk of the partnership, from households to encoded CSV bytes per source system.

A chunk depends only on (run plan, chunk index), so chunks can be built in any process and in any
order and the concatenated output is the same.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from jigsaw.synth import bg_health, bg_other, csvout
from jigsaw.synth.context import Ctx
from jigsaw.synth.eventout import event_columns
from jigsaw.synth.households import ETHNICITY, build_population
from jigsaw.synth.identifiers import global_ids
from jigsaw.synth.inject import inject_all
from jigsaw.synth.patterns import PATTERN_NAMES
from jigsaw.synth.plan import RunPlan
from jigsaw.synth.records import build_records, people_columns
from jigsaw.synth.relations import involvement_columns, relationship_columns
from jigsaw.synth.rng import Streams


@dataclass
class ChunkResult:
    """Encoded output of one chunk, ready to append to the run's files."""

    chunk: int
    children: int
    files: dict[str, list[tuple[int, bytes]]]  # kind -> [(source index, CSV body)]
    truth_people: bytes
    truth_patterns: bytes
    counts: dict[str, int]


def generate(plan: RunPlan, k: int) -> Ctx:
    """Population and events of chunk ``k`` (patterns first, so background keeps clear)."""
    n_children = plan.chunk_size(k)
    streams = Streams(plan.seed, k)
    ctx = Ctx(plan, build_population(plan, k, n_children, streams), streams, n_children)
    inject_all(ctx)
    bg_other.social_care(ctx)
    bg_health.births_and_maternity(ctx)
    bg_health.health_visiting(ctx)
    bg_health.gp(ctx)
    bg_health.emergency(ctx)
    bg_health.was_not_brought(ctx)
    bg_health.adult_services(ctx)
    bg_other.schools(ctx)
    bg_other.police(ctx)
    bg_other.household_changes(ctx)
    return ctx


def build_chunk(plan: RunPlan, k: int) -> ChunkResult:
    """Generate chunk ``k`` and encode every file's rows for it."""
    ctx = generate(plan, k)
    ev = ctx.buf.columns()
    recs = build_records(ctx, ev)
    people = people_columns(ctx, recs)
    ev_cols, ev_src, ref = event_columns(ctx, recs, ev)
    rel_cols, rel_src = relationship_columns(ctx, recs)
    inv_cols, inv_src = involvement_columns(ctx, recs, ev)
    files = {
        "people": csvout.split(people, csvout.PEOPLE, recs.src),
        "events": csvout.split(ev_cols, csvout.EVENTS, ev_src),
        "relationships": csvout.split(rel_cols, csvout.RELATIONSHIPS, rel_src),
        "involvements": csvout.split(inv_cols, csvout.INVOLVEMENTS, inv_src),
    }
    true_id = global_ids("P", ctx.pop.gid[recs.person])
    truth_people = csvout.body({"source_system": people["source_system"],
                                "source_id": recs.ids, "true_person_id": true_id,
                                "ethnicity": pa.array(ETHNICITY, pa.string()).take(
                                    pa.array(ctx.pop.ethnicity[recs.person]))},
                               csvout.TRUTH_PEOPLE)
    if ctx.truth:
        person = np.concatenate([t[0] for t in ctx.truth])
        code = np.concatenate([np.full(len(t[0]), t[1]) for t in ctx.truth])
        first = np.concatenate([t[2] for t in ctx.truth])
        last = np.concatenate([t[3] for t in ctx.truth])
    else:
        person = code = first = last = np.zeros(0, "int64")
    truth_patterns = csvout.body({
        "true_person_id": global_ids("P", ctx.pop.gid[person]),
        "pattern": pa.array(PATTERN_NAMES, pa.string()).take(pa.array(code)),
        "first_event": ref.take(pa.array(first)),
        "last_event": ref.take(pa.array(last)),
    }, csvout.TRUTH_PATTERNS)
    counts = {"people": ctx.pop.n, "person_records": len(recs.person), "events": len(ev_src),
              "relationships": len(rel_src), "involvements": len(inv_src), "patterns": len(person)}
    return ChunkResult(k, ctx.n_children, files, truth_people, truth_patterns, counts)
