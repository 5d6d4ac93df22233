"""The analysts' partnership figures: counts, rates and times, never an identifiable child.

Analysts and safeguarding leads (``aggregates`` area). Every figure passes through
:mod:`jigsaw.insight.disclosure` before it reaches the page or the CSV, and neither shows a name,
an id, a date of birth, a postcode, free text or a link to a child. Each view and each export is
written to the access log with the dates chosen, so figures leaving the system are traceable.
"""

from __future__ import annotations

import csv
import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from jigsaw.accounts.roles import require_area
from jigsaw.audit.actor import Actor, db
from jigsaw.audit.models import Action
from jigsaw.feeds import date_from_parts, neutralise_formula

from . import disclosure, figures, sections

#: The years a date filter may name: outside them a date is a typing mistake, not a question.
YEARS = (1900, 2100)
CSV_COLUMNS = ("group", "table", "row", "column", "value", "shown", "note")


def _filters(params: QueryDict) -> tuple[figures.Period, list[tuple[str, str]], dict[str, str]]:
    """The date range from the GET form, the errors to show, and the boxes as typed."""
    typed = {f"{prefix}_{part}": params.get(f"{prefix}-{part}", "")[:10]
             for prefix in ("from", "to") for part in ("day", "month", "year")}
    errors: list[tuple[str, str]] = []
    days: dict[str, dt.date | None] = {}
    for prefix, label in (("from", "From"), ("to", "To")):
        day, problem = date_from_parts(*(typed[f"{prefix}_{part}"] for part in ("day", "month", "year")))
        if day is not None and not YEARS[0] <= day.year <= YEARS[1]:
            day, problem = None, f"Enter a year from {YEARS[0]} to {YEARS[1]}"
        days[prefix] = day
        if problem:
            errors.append((f"{prefix}-day", f"{label} date: {problem[:1].lower()}{problem[1:]}"))
    if days["from"] and days["to"] and days["from"] > days["to"]:
        errors.append(("to-day", "To date: enter a date the same as or after the from date"))
    return figures.Period(days["from"], days["to"]), errors, typed


def _sections(period: figures.Period, using: str) -> list[sections.Section]:
    below = disclosure.threshold()
    now = timezone.now()
    today = timezone.localdate(now)
    titles = figures.rule_titles()
    population = figures.population(using, today)
    systems = figures.source_systems(using, population["people"]["per_system"])
    fairness = figures.fairness_report(using, period, today, population)
    return [
        *sections.people(population["people"], systems, fairness["children"], below),
        *sections.alerts(figures.alerts(using, period, now), titles, below, period),
        *sections.fairness(fairness, titles, below, period),
        *sections.data_quality(figures.data_quality(using), below),
    ]


def _refused(request: HttpRequest, errors: list[tuple[str, str]], typed: dict[str, str]) -> HttpResponse:
    context = {"errors": errors, "field_errors": {a.split("-")[0]: m for a, m in reversed(errors)},
               "typed": typed, "sections": [], "below": disclosure.threshold()}
    return render(request, "insight/aggregates.html", context, status=400)


@never_cache
@require_area("aggregates")
@require_GET
def aggregates_page(request: HttpRequest) -> HttpResponse:
    using = db()
    period, errors, typed = _filters(request.GET)
    Actor.of(request).log(Action.VIEW_AGGREGATES, using=using,
                          detail={**period.as_dict(), "invalid_dates": bool(errors)})
    if errors:
        return _refused(request, errors, typed)
    context: dict[str, Any] = {
        "errors": [], "field_errors": {}, "typed": typed, "sections": _sections(period, using),
        "below": disclosure.threshold(), "query": request.GET.urlencode(),
        "period_note": sections.period_note(period),
    }
    return render(request, "insight/aggregates.html", context)


def _value(figure: disclosure.Figure) -> str:
    if figure.suppressed or figure.value is None:
        return figure.text
    return str(figure.value)


@never_cache
@require_area("aggregates")
@require_GET
def aggregates_csv(request: HttpRequest) -> HttpResponse:
    """The page's tables, one figure a row; hidden figures keep their marker, text is neutralised."""
    using = db()
    period, errors, typed = _filters(request.GET)
    if errors:
        return _refused(request, errors, typed)
    Actor.of(request).log(Action.EXPORT, using=using, detail={"what": "aggregates", **period.as_dict()})
    below = disclosure.threshold()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="partnership-figures.csv"'
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    writer.writerow(["About", "Disclosure control", f"Counts from 1 to {below - 1}", "", "", "",
                     f"shown as '{disclosure.small_text(below)}'; "
                     "'withheld' where a total would give one back"])
    writer.writerow(["About", "Filters", "Alerts raised", "", "", "",
                     sections.period_note(period)])
    for section in _sections(period, using):
        width = section.label_columns
        for row in section.rows:
            label = " / ".join(part for part in row.labels if part)
            for column, figure in zip(section.head[width:], row.figures, strict=True):
                if figure.state == disclosure.NOT_APPLICABLE and not figure.text:
                    continue
                writer.writerow([neutralise_formula(str(cell)) for cell in (
                    section.group, section.caption, label, column, _value(figure), figure.text, figure.flag)])
    return response
