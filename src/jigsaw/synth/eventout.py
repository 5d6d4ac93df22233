"""events.csv columns: each buffered event routed to its source system and given an id there."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from jigsaw.synth import texts as tx
from jigsaw.synth.context import Ctx
from jigsaw.synth.followups import add_follow_ups
from jigsaw.synth.identifiers import EVENT_CAP, source_ids
from jigsaw.synth.records import Records
from jigsaw.synth.rng import pick
from jigsaw.synth.sources import AMH, CSC, DAS, HV, MAT, SCH_P, SCH_S

#: families whose events are recorded by the person's own key worker
_CASE_FAMILIES = np.array([CSC, HV, MAT, SCH_P, SCH_S, AMH, DAS])


def event_columns(ctx: Ctx, recs: Records, ev: dict[str, np.ndarray],
                  ) -> tuple[dict[str, pa.Array], np.ndarray, pa.Array]:
    """(columns sorted by source and date, their sources, "system:event_id" per buffered row)."""
    pop, cat = ctx.pop, ctx.plan.catalogue
    n = len(ev["person"])
    rec = np.full(n, -1, "int64")
    for f in np.unique(ev["fam"]):
        sel = ev["fam"] == f
        rec[sel] = recs.index[int(f)][ev["person"][sel]]
    if (rec < 0).any():
        raise AssertionError("an event names a person its source does not hold")
    src = recs.src[rec]
    order = np.lexsort((np.arange(n), ev["date"], src))
    rec, src = rec[order], src[order]
    e = {k: v[order] for k, v in ev.items()}
    local = np.arange(n) - np.searchsorted(src, src, side="left")
    if local.max(initial=0) >= EVENT_CAP:
        raise RuntimeError("too many events for one source in a chunk")
    prefixes = pa.array([s.prefix for s in cat.sources], pa.string())
    event_id = source_ids(prefixes.take(pa.array(src)), ctx.pop.chunk * EVENT_CAP + local,
                          width=10, sep="-E")
    rng = ctx.streams.get("events:recorded")
    lag = np.where(rng.random(n) < 0.65, 0, pick(rng, 1, 7, n))
    recorded = np.minimum(e["date"] + lag, ctx.as_of)
    case = np.isin(e["fam"], _CASE_FAMILIES)
    anyone = cat.roster_start[src] + np.floor(rng.random(n) * cat.roster_size[src]).astype("int64")
    prac = np.where(e["prac"] >= 0, e["prac"],
                    np.where(case, cat.case_practitioner(src, pop.gid[e["person"]]), anyone))
    kind = np.where(e["kind"] >= 0, e["kind"], tx.DEFAULT_KIND[e["etype"]])
    signif = np.where(e["signif"] >= 0, e["signif"], tx.DEFAULT_SIGNIFICANCE[e["etype"]])
    systems = pa.array(cat.systems, pa.string())
    sys_col = systems.take(pa.array(src))
    cols = {
        "source_system": sys_col,
        "event_id": event_id,
        "person_source_id": recs.ids.take(pa.array(rec)),
        "event_type": pa.array(tx.ETYPES, pa.string()).take(pa.array(e["etype"])),
        "occurred_at": pc.cast(pa.array(e["date"].astype("datetime64[D]")), pa.string()),
        "recorded_at": pc.cast(pa.array(recorded.astype("datetime64[D]")), pa.string()),
        "practitioner": cat.prac_name.take(pa.array(prac)),
        "practitioner_role": cat.prac_role.take(pa.array(prac)),
        "practitioner_contact": cat.prac_contact.take(pa.array(prac)),
        "summary": tx.SUMMARY.take(pa.array(e["text"])),
        "kind": pa.array(tx.KIND, pa.string()).take(pa.array(kind)),
        "significance": pa.array(tx.SIGNIFICANCE, pa.string()).take(pa.array(signif)),
        "details": add_follow_ups(tx.DETAILS.take(pa.array(e["text"])), e["etype"], e["date"], e["text"],
                                  ctx.streams.get("events:follow-ups"), ctx.plan.config),
    }
    inverse = np.empty(n, "int64")
    inverse[order] = np.arange(n)
    ref = pc.binary_join_element_wise(sys_col, event_id, ":").take(pa.array(inverse))
    return cols, src, ref
