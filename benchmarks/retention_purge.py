"""Retention plan and purge time for a synthetic partnership.

A partnership of ``--children`` children (with their households) is written by the synthetic
generator, imported and linked in this process; then, as of ``--as-of`` (far enough ahead that
everyone is past their retention date), the retention plan is made ``--repeats`` times and
``--purge`` people (the first due, by id) are deleted permanently in one purge. The purge is
set-wise (one DELETE per table and chunk of 500 ids); the figure to watch is seconds per 1,000
people purged against the plan's own time, both measured in this run. ``audit verify`` is run
after the purge and must pass.

Run: ``python benchmarks/retention_purge.py [--database sqlite|postgres] [--children 20000]
[--purge 1000]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

from _machine import fresh_django, write_result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--children", type=int, default=20000)
    parser.add_argument("--purge", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--as-of", default="2200-01-01")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--plan-only", metavar="SQLITE_FILE",
                        help="profile the plan on an existing database (nothing written or deleted)")
    args = parser.parse_args()
    as_of = dt.date.fromisoformat(args.as_of)
    if args.plan_only:
        _profile_plan(args.plan_only, as_of)
        return
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        fresh_django(root, args.database, "jigsaw_bench_retention")
        from jigsaw.audit.log import verify
        from jigsaw.lifecycle.plan import make_plan
        from jigsaw.lifecycle.purge import purge
        from jigsaw.records.importer import import_paths
        from jigsaw.records.models import Event, PersonRecord
        from jigsaw.signpost.batch import link_all
        from jigsaw.signpost.models import Person
        from jigsaw.synth import write_partnership

        started = time.perf_counter()
        write_partnership(root / "feeds", args.children, seed=args.seed)
        import_paths([root / "feeds"])
        link_all()
        setup_s = round(time.perf_counter() - started, 1)
        people, records, events = Person.objects.count(), PersonRecord.objects.count(), Event.objects.count()
        print(f"set up in {setup_s}s: {people} people, {records} records, {events} events", file=sys.stderr)
        plan_s = []
        for _ in range(args.repeats):
            t = time.perf_counter()
            plan = make_plan(as_of)
            plan_s.append(time.perf_counter() - t)
        chosen = [p.person_id for p in plan.purgeable[: args.purge]]
        t = time.perf_counter()
        cert = purge("benchmark", "administrator", person_ids=chosen, today=as_of)
        purge_s = time.perf_counter() - t
        t = time.perf_counter()
        verified = verify()
        verify_s = time.perf_counter() - t
        assert verified.ok, verified.problem
        result = {
            "database": args.database,
            "children": args.children,
            "people": people,
            "person_records": records,
            "events": events,
            "setup_seconds": setup_s,
            "due_people": len(plan.due),
            "plan_seconds": {"min": round(min(plan_s), 3), "max": round(max(plan_s), 3)},
            "purged_people": cert.people,
            "rows_deleted": sum(cert.rows.values()),
            "rows_by_table": cert.rows,
            "purge_seconds": round(purge_s, 3),
            "purge_seconds_per_1000_people": round(purge_s * 1000 / max(cert.people, 1), 3),
            "purge_to_plan_ratio": round(purge_s / min(plan_s), 2),
            "purge_breakdown_seconds": cert.seconds,  # plan (again), delete (set-wise), log entries
            "audit_verify_seconds": round(verify_s, 3),
            "audit_verify_ok": verified.ok,
            "people_left": Person.objects.count(),
        }
        from django.db import connections

        connections.close_all()
    write_result(f"retention_purge_{args.database}", result)


def _profile_plan(path: str, as_of: dt.date) -> None:
    import cProfile
    import pstats

    os.environ["DJANGO_SETTINGS_MODULE"] = "jigsaw.settings"
    os.environ["JIGSAW_DATABASE_URL"] = f"sqlite:///{path}"
    import django

    django.setup()
    from jigsaw.lifecycle.plan import make_plan

    with cProfile.Profile() as profile:
        make_plan(as_of)
    pstats.Stats(profile).sort_stats("cumtime").print_stats("lifecycle|retention|sqlite3|holds", 25)


if __name__ == "__main__":
    main()
