"""Chronology build time for a child with 1,000 events across 5 source systems.

Figure (issue 4): ``child_chronology`` of a child with 1,000 events in <= 50 ms. The database
holds the child (one record in each of 5 sources, 200 events each) among background people
(``--background``, 10 events each) so the indexed lookups are measured against a populated
table, not an empty one. Feeds are written, imported with ``import_paths`` and linked with
``link_all`` in this process; then ``child_chronology`` (and, for reference, ``household_chronology``
and the JSON rendering) are timed ``--repeats`` times after a warm-up.

Run: ``python benchmarks/chronology_speed.py [--database sqlite|postgres] [--background N]``.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from _machine import fresh_django, write_result

SOURCES = (("csc", "Council Children's Services", "social_care"), ("gp", "Surgery", "health"),
           ("police", "Police", "police"), ("school", "School", "education"),
           ("hv", "Health visiting", "health"))
#: event types whose details are optional (the benchmark is about reading, not validation)
TYPES = ("contact", "referral", "assessment_start", "home_visit", "gp_appointment", "health_visit",
         "appointment_was_not_brought", "ed_attendance", "missing_episode", "police_concern",
         "school_concern", "persistent_absence", "service_refused", "address_change")
CHILD_NHS = "9434765919"
PEOPLE = ["source_system", "source_id", "given_name", "family_name", "birth_date", "nhs_number", "postcode"]
EVENTS = ["source_system", "event_id", "person_source_id", "event_type", "occurred_at", "practitioner",
          "practitioner_role", "summary", "kind", "significance"]


def _write(root: Path, background: int, rng: random.Random) -> None:
    for code, agency, agency_type in SOURCES:
        folder = root / code
        folder.mkdir(parents=True)
        (folder / "source.json").write_text(
            f'{{"source_system": "{code}", "agency": "Northvale {agency}", "agency_type": "{agency_type}"}}',
            encoding="utf-8")
        with (folder / "people.csv").open("w", newline="", encoding="utf-8") as p, \
                (folder / "events.csv").open("w", newline="", encoding="utf-8") as e:
            people, events = csv.writer(p), csv.writer(e)
            people.writerow(PEOPLE)
            events.writerow(EVENTS)
            people.writerow([code, "CHILD", "Amy", "Smith", "2015-03-04", CHILD_NHS, "M1 1AE"])
            n = 0
            owners = [("CHILD", 200)] + [(f"B{i}", 10) for i in range(background // len(SOURCES))]
            for sid, count in owners:
                if sid != "CHILD":
                    people.writerow([code, sid, f"Given{code}{sid}", f"Family{rng.randrange(10**6)}",
                                     f"{rng.randint(2006, 2023)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
                                     "", ""])
                for _ in range(count):
                    n += 1
                    day = f"{rng.randint(2015, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
                    when = day if rng.random() < 0.8 else day[:7]
                    events.writerow([code, f"E{n}", sid, rng.choice(TYPES), when, "A Practitioner", "worker",
                                     "Something happened.", rng.choice(("fact", "judgement", "")),
                                     rng.choice(("high", "medium", "low", ""))])


def _percentiles(ms: list[float]) -> dict[str, float]:
    a = np.array(ms)
    return {"n": len(ms), "p50_ms": round(float(np.percentile(a, 50)), 2),
            "p95_ms": round(float(np.percentile(a, 95)), 2), "max_ms": round(float(a.max()), 2)}


def _timed(fn, repeats: int) -> list[float]:
    fn()  # warm-up: connection, statement caches
    out = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--background", type=int, default=5000, help="other people (10 events each)")
    parser.add_argument("--repeats", type=int, default=100)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        fresh_django(root, args.database, "jigsaw_bench_chronology")
        from jigsaw.chronology.export import to_json
        from jigsaw.chronology.household import child_chronology, household_chronology
        from jigsaw.records.importer import import_paths
        from jigsaw.records.models import Event
        from jigsaw.signpost.batch import link_all
        from jigsaw.signpost.models import RecordLink

        _write(root / "feeds", args.background, rng)
        started = time.perf_counter()
        import_paths([root / "feeds"])
        link_all()
        setup_s = round(time.perf_counter() - started, 1)
        child = RecordLink.objects.get(record__source_system__code="csc",
                                       record__record_key="CHILD").person_id
        built = child_chronology(child)
        assert len(built.entries) == 1000, len(built.entries)
        print(f"set up in {setup_s}s; timing", file=sys.stderr)
        result = {
            "database": args.database, "events_in_database": Event.objects.count(),
            "child_events": len(built.entries), "sources": len(SOURCES), "setup_seconds": setup_s,
            "child_chronology": _percentiles(_timed(lambda: child_chronology(child), args.repeats)),
            "household_chronology": _percentiles(_timed(lambda: household_chronology(child), args.repeats)),
            "child_chronology_plus_json": _percentiles(
                _timed(lambda: to_json(child_chronology(child)), args.repeats)),
            "target_p95_ms": 50,
        }
        from django.db import connections

        connections.close_all()
    write_result(f"chronology_speed_{args.database}", result)


if __name__ == "__main__":
    main()
