"""Server time of the partnership picture on PostgreSQL (issue 16 targets at 100,000 children:
every indicator in <= 2 s on the first view after new data, p95 <= 200 ms after; the board report
PDF in <= 10 s).

Builds a partnership of N synthetic children the way an operator would (``_webdb.build``:
``jigsaw synth``, ``jigsaw import``, which links and runs the rules), loads the shipped comparators
and a synthetic CSWW return, signs in a board member and times Django's handling of the pages
with its test client: the indicators page with the cache emptied (as after an import), then as
usual; the CSV; the workforce and quality page; the board report PDF. Network and browser time
are not included. The engine alone (events read once, every indicator) is timed too.

Run: ``python benchmarks/insight_speed.py [--children 100000] [--keep|--reuse]``.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from _machine import write_result
from _webdb import build, drop, env_for, exists, jigsaw, latency_stats, signed_in_client, start_django

#: CPU milliseconds of this process per request, by URL (the machine is shared: wall time is
#: inflated by other work; CPU time is not, though it leaves out PostgreSQL's own work)
CPU_MS: dict[str, list[float]] = {}


def _timed(client, url: str, n: int) -> tuple[list[float], int]:
    ms, size = [], 0
    for _ in range(n):
        t, cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        ms.append((time.perf_counter() - t) * 1000)
        CPU_MS.setdefault(url, []).append((time.process_time() - cpu) * 1000)
        assert response.status_code == 200, response.status_code
        size = len(response.content)
    return ms, size


def _cpu(url: str, first: int = 0, last: int | None = None) -> dict[str, float]:
    return latency_stats(CPU_MS[url][first:last])


def _pdf_split() -> dict[str, list[float]]:
    """CPU seconds of the PDF's three steps, twice: the report's tables, the HTML (which draws
    the charts), WeasyPrint's layout and PDF."""
    import weasyprint
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    from jigsaw.insight import picture_views

    request = RequestFactory().get("/board-report.pdf", HTTP_HOST="127.0.0.1")
    split: dict[str, list[float]] = {"tables": [], "html_and_charts": [], "weasyprint": []}
    for _ in range(2):
        cpu = time.process_time()
        context = picture_views._report_context("default")
        split["tables"].append(round(time.process_time() - cpu, 2))
        cpu = time.process_time()
        html = render_to_string("insight/board_report.html", context, request=request)
        split["html_and_charts"].append(round(time.process_time() - cpu, 2))
        cpu = time.process_time()
        weasyprint.HTML(string=html, base_url="http://127.0.0.1/").write_pdf()
        split["weasyprint"].append(round(time.process_time() - cpu, 2))
    return split


def _measure(requests: int) -> dict:
    import datetime as dt

    from django.core.cache import cache
    from django.urls import reverse

    from jigsaw.insight import indicators, picture
    from jigsaw.insight.demo import load
    from jigsaw.records.models import Event
    from jigsaw.signpost.models import Person

    load("default")
    client = signed_in_client("bench-board", "board_member", confirm=True, enrolled=True)

    t = time.perf_counter()
    events = picture.load_events("default")
    read_s = time.perf_counter() - t
    t, cpu = time.perf_counter(), time.process_time()
    indicators.compute(indicators.prepare(events), indicators.quarters_ending(dt.date.today()))
    compute_s, compute_cpu_s = time.perf_counter() - t, time.process_time() - cpu

    page = reverse("insight:picture")
    cold = []
    for _ in range(3):  # the first view after new data: nothing cached
        cache.clear()
        cold += _timed(client, page, 1)[0]
    warm, size = _timed(client, page, requests)
    csv_ms, _ = _timed(client, reverse("insight:picture-csv"), max(requests // 5, 1))
    quality_ms, _ = _timed(client, reverse("insight:quality"), max(requests // 5, 1))
    pdf_url = reverse("insight:board-report-pdf")
    pdf_ms, pdf_size = _timed(client, pdf_url, 3)
    cache.clear()  # the PDF on the first view after new data too (its tables computed afresh)
    pdf_cold_ms, _ = _timed(client, pdf_url, 1)
    pdf_split = _pdf_split()
    return {
        "people": Person.objects.count(),
        "events": Event.objects.count(),
        "indicator_events_read": len(events),
        "engine_read_s": round(read_s, 3),
        "engine_compute_s": round(compute_s, 3),
        "engine_compute_cpu_s": round(compute_cpu_s, 3),
        "indicators_page_first_view": latency_stats(cold),
        "indicators_page": latency_stats(warm),
        "indicators_csv": latency_stats(csv_ms),
        "quality_page": latency_stats(quality_ms),
        "board_report_pdf": latency_stats(pdf_ms),
        "board_report_pdf_first_view": latency_stats(pdf_cold_ms),
        "board_report_pdf_cpu_split_s": pdf_split,
        "cpu_ms_this_process": {
            "indicators_page_first_view": _cpu(page, 0, 3),
            "indicators_page": _cpu(page, 3),
            "board_report_pdf": _cpu(pdf_url, 0, 3),
            "board_report_pdf_first_view": _cpu(pdf_url, 3),
        },
        "page_bytes": size,
        "pdf_bytes": pdf_size,
        "targets": {"first_view_ms": 2000, "p95_ms": 200, "pdf_ms": 10_000},
    }


#: events per 100,000 children per year, of the order of England's published rates (referrals about
#: 520 per 10,000, s47 about 190, plans starting about 50, looked after starting about 28)
YEARLY = {
    "contact": 30_000,
    "referral": 5_200,
    "assessment_start": 5_000,
    "assessment_end": 4_900,
    "strategy_discussion": 2_000,
    "section47_start": 1_900,
    "cp_conference": 1_200,
    "cp_plan_start": 500,
    "cp_plan_end": 480,
    "looked_after_start": 280,
    "looked_after_end": 270,
    "placement_change": 400,
    "missing_return": 2_500,
    "domestic_abuse_incident": 6_000,
}


def engine_only(children: int, years: int = 3, seed: int = 16) -> dict:
    """The indicator engine alone on a generated frame of events (no database): wall and CPU time."""
    import datetime as dt

    import numpy as np
    import pandas as pd

    from jigsaw.insight import indicators

    rng = np.random.default_rng(seed)
    end = pd.Timestamp(dt.date.today())
    frames = []
    for kind, per_year in YEARLY.items():
        n = int(per_year * years * children / 100_000)
        at = end - pd.to_timedelta(rng.uniform(0, 365 * years, n), unit="D")
        frame = pd.DataFrame({"child": rng.integers(0, children, n), "type": kind, "at": at})
        frame["interview_at"] = (
            at + pd.to_timedelta(rng.uniform(0, 120, n), unit="h") if kind == "missing_return" else pd.NaT
        )
        frame["notified_at"] = (
            at + pd.to_timedelta(rng.uniform(0, 40, n), unit="h")
            if kind == "domestic_abuse_incident"
            else pd.NaT
        )
        frames.append(frame)
    events = pd.concat(frames, ignore_index=True)
    quarters = indicators.quarters_ending(dt.date.today())
    runs = []
    for _ in range(3):
        wall, cpu = time.perf_counter(), time.process_time()
        indicators.compute(indicators.prepare(events), quarters)
        runs.append((time.perf_counter() - wall, time.process_time() - cpu))
    return {
        "children": children,
        "years": years,
        "events": len(events),
        "engine_wall_s": [round(w, 3) for w, _ in runs],
        "engine_cpu_s": [round(c, 3) for _, c in runs],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--keep", action="store_true", help="leave the database for a later --reuse")
    parser.add_argument("--reuse", action="store_true", help="use the database a --keep run left")
    parser.add_argument("--engine-only", action="store_true", help="time the engine on generated events")
    args = parser.parse_args()
    if args.engine_only:
        import os

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jigsaw.settings")
        write_result("insight_engine_speed", engine_only(args.children))
        return
    name = f"jigsaw_bench_insight_{args.children}"
    result: dict = {"children": args.children, "database": "postgresql"}
    with tempfile.TemporaryDirectory() as tmp:
        if args.reuse and exists(name):
            env = env_for(name, Path(tmp) / "data")
            jigsaw(env, "migrate")
        else:
            built = build(name, args.children, args.seed, Path(tmp))
            env = built.env
            result["import_link_alerts_s"] = built.import_link_alerts_s
        start_django(env)
        result.update(_measure(args.requests))
        label = f"insight_speed_{args.children}" if args.children != 100_000 else "insight_speed"
        write_result(label, result)
        from django.db import connections

        connections.close_all()
    if not args.keep:
        drop(name)


if __name__ == "__main__":
    main()
