"""The partnership picture pages: indicators with benchmarks and charts, workforce and quality,
their CSV, and the printable quarterly board report (HTML, and PDF through WeasyPrint).

Aggregates only (the ``aggregates`` area: analysts, board members, safeguarding leads): every
figure passed disclosure control in :mod:`jigsaw.insight.board`; no page names, links to or
counts out a child. Each view and export is written to the access log.
"""

from __future__ import annotations

import csv
import datetime as dt
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Max
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from jigsaw.accounts.roles import require_area
from jigsaw.audit.actor import Actor, db
from jigsaw.audit.models import Action
from jigsaw.feeds import neutralise_formula
from jigsaw.records.cache_keys import state_key

from . import board, disclosure, figures, picture, sections
from .models import Comparator

CSV_COLUMNS = ("group", "table", "row", "column", "value", "shown", "note")


def _picture_key(using: str, today: dt.date) -> str:
    """The indicators' state: the data, the day, the settings and the comparators."""
    return state_key("jigsaw:insight:picture-sections:v2:", using,
                     picture.fingerprint(using, today, disclosure.threshold()),
                     Comparator.objects.using(using).aggregate(n=Count("id"), last=Max("id"),
                                                               at=Max("imported_at")))


def _picture_sections(using: str, today: dt.date,
                      key: str | None = None) -> tuple[list[sections.Section], dict[str, Any]]:
    """The indicator tables and what each chart shows, cached while their state stands."""
    key = key or _picture_key(using, today)
    found = cache.get(key)
    if found is None:
        pic = picture.picture(using, today)
        tables, charts = board.indicator_sections(pic, using)
        found = (tables, {"charts": charts, "picture": pic})
        cache.set(key, found, picture.CACHE_SECONDS)
    return found


def _quality_sections(using: str, today: dt.date) -> list[sections.Section]:
    below = disclosure.threshold()
    return [
        *board.workforce_sections(using, today, below),
        *board.quality_sections(using, below),
        board.action_plan_section(using, today, below),
    ]


def _fairness_sections(using: str, today: dt.date) -> list[sections.Section]:
    below = disclosure.threshold()
    population = figures.population(using, today)
    report = figures.fairness_report(using, figures.Period(), today, population)
    every = sections.fairness(report, figures.rule_titles(), below, figures.Period())
    for section in every:  # the board sees the all-rules line of each dimension, protected as on the page
        section.rows = [r for r in section.rows if r.total or r.labels[0].startswith("All rules")]
    return every


def _value(figure: disclosure.Figure) -> str:
    return figure.text if figure.suppressed or figure.value is None else str(figure.value)


def _csv(found: list[sections.Section], filename: str) -> HttpResponse:
    below = disclosure.threshold()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    writer.writerow(
        [
            "About",
            "Disclosure control",
            f"Counts from 1 to {below - 1}",
            "",
            "",
            "",
            f"shown as '{disclosure.small_text(below)}'; 'withheld' where a total would give one back",
        ]
    )
    for section in found:
        width = section.label_columns
        for row in section.rows:
            label = " / ".join(part for part in row.labels if part)
            for column, figure in zip(section.head[width:], row.figures, strict=True):
                if figure.state == disclosure.NOT_APPLICABLE and not figure.text:
                    continue
                writer.writerow(
                    [
                        neutralise_formula(str(cell))
                        for cell in (
                            section.group,
                            section.caption,
                            label,
                            column,
                            _value(figure),
                            figure.text,
                            section.note,
                        )
                    ]
                )
    return response


@never_cache
@require_area("aggregates")
@require_GET
def picture_page(request: HttpRequest) -> HttpResponse:
    using = db()
    Actor.of(request).log(Action.VIEW_AGGREGATES, using=using, detail={"what": "indicators"})
    found, extra = _picture_sections(using, timezone.localdate())
    return render(
        request,
        "insight/picture.html",
        {
            "sections": found,
            "title": "Safeguarding indicators",
            "below": disclosure.threshold(),
            "csv": "insight:picture-csv",
            **extra,
        },
    )


@never_cache
@require_area("aggregates")
@require_GET
def picture_chart(request: HttpRequest, indicator: str) -> HttpResponse:
    """One indicator's chart as an SVG image (an <img>: the page's CSP allows no inline style),
    drawn on first request and kept while the figures stand."""
    using = db()
    key = _picture_key(using, timezone.localdate())
    svg = cache.get(f"{key}:{indicator}")
    if svg is None:
        chart = _picture_sections(using, timezone.localdate(), key)[1]["charts"].get(f"ind_{indicator}")
        if chart is None:
            raise Http404("no such indicator")
        svg = chart.svg
        cache.set(f"{key}:{indicator}", svg, picture.CACHE_SECONDS)
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


@never_cache
@require_area("aggregates")
@require_GET
def picture_csv(request: HttpRequest) -> HttpResponse:
    using = db()
    Actor.of(request).log(Action.EXPORT, using=using, detail={"what": "indicators"})
    return _csv(_picture_sections(using, timezone.localdate())[0], "safeguarding-indicators.csv")


@never_cache
@require_area("aggregates")
@require_GET
def quality_page(request: HttpRequest) -> HttpResponse:
    using = db()
    Actor.of(request).log(Action.VIEW_AGGREGATES, using=using, detail={"what": "workforce_quality"})
    return render(
        request,
        "insight/picture.html",
        {
            "sections": _quality_sections(using, timezone.localdate()),
            "title": "Workforce and quality assurance",
            "below": disclosure.threshold(),
            "csv": "insight:quality-csv",
            "charts": {},
        },
    )


@never_cache
@require_area("aggregates")
@require_GET
def quality_csv(request: HttpRequest) -> HttpResponse:
    using = db()
    Actor.of(request).log(Action.EXPORT, using=using, detail={"what": "workforce_quality"})
    return _csv(_quality_sections(using, timezone.localdate()), "workforce-and-quality.csv")


def _report_context(using: str) -> dict[str, Any]:
    today = timezone.localdate()
    found, extra = _picture_sections(using, today)
    return {
        "sections": [*found, *_quality_sections(using, today), *_fairness_sections(using, today)],
        "below": disclosure.threshold(),
        "today": today,
        **extra,
    }


@never_cache
@require_area("aggregates")
@require_GET
def board_report(request: HttpRequest) -> HttpResponse:
    using = db()
    Actor.of(request).log(Action.VIEW_AGGREGATES, using=using, detail={"what": "board_report"})
    context = {**_report_context(using), "title": "Quarterly board report", "csv": "insight:picture-csv",
               "report": True}
    return render(request, "insight/picture.html", context)


@never_cache
@require_area("aggregates")
@require_GET
def board_report_pdf(request: HttpRequest) -> HttpResponse:
    """The same report as a PDF (WeasyPrint: HTML and CSS to PDF, no browser, no script)."""
    import weasyprint  # imported here: only this view needs it, and it is slow to load

    using = db()
    Actor.of(request).log(Action.EXPORT, using=using, detail={"what": "board_report"})
    html = render_to_string("insight/board_report.html", _report_context(using), request=request)
    pdf = weasyprint.HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="board-report-{timezone.localdate():%Y-%m-%d}.pdf"'
    )
    return response
