"""The partnership picture as protected tables (and charts) for the pages, the CSV and the board report.

Indicators with their benchmarks, workforce, supervision, case-file audits, conference attendance
and case-review action plans, each a :class:`~jigsaw.insight.sections.Section` of figures that
passed :mod:`jigsaw.insight.disclosure`, so the page, its CSV and the PDF can only show what
survived. Charts are drawn from the protected values (a hidden value is a gap).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q

from jigsaw.reviews.models import PlanAction

from . import attendance, audits, charts, comparators, disclosure, indicators, picture, workforce
from .disclosure import Figure
from .models import Comparator, WorkforceReturn
from .sections import Row, Section

BLANK = Figure(None, "", disclosure.NOT_APPLICABLE)
NO_NEIGHBOURS = "no statistical-neighbour value loaded"


def _area_label(c: Comparator) -> str:
    """England; a region or authority by name; a neighbour group by the name its import gave it."""
    if c.area_type == "england":
        return "England"
    if c.area_type == "statistical_neighbours" and "neighbour" in c.area.lower():
        return c.area
    return f"{c.get_area_type_display()}: {c.area}"


def _text(value: float | int | None, unit: str = "") -> Figure:
    if value is None:
        return Figure(None, "–", disclosure.NOT_APPLICABLE)
    shown = f"{value:,.1f}" if isinstance(value, float) else f"{value:,}"
    return Figure(value, shown + unit)


@dataclass
class Chart:
    """What a chart shows; drawn only when asked (:attr:`svg`), since drawing costs more than the
    tables: the page links the image, the PDF draws it inline."""

    key: str
    indicator: str
    title: str
    labels: list[str]
    values: list[float | None]
    unit: str
    benchmark: tuple[str, float] | None = None

    @property
    def alt(self) -> str:
        return charts.describe(self.title, self.labels, self.values, self.unit, self.benchmark)

    @property
    def svg(self) -> str:
        return charts.line(self.key, self.title, self.labels, self.values, self.unit, self.benchmark)


def indicator_sections(pic: picture.Picture, using: str) -> tuple[list[Section], dict[str, Chart]]:
    """Per indicator: its quarters and year with numerator, denominator and value; then benchmarks."""
    group = "Safeguarding indicators"
    comps = comparators.latest(using)
    out, drawn = [], {}
    for shown in pic.shown:
        ind = shown.indicator
        head = [
            "Period",
            "Counted",
            "Out of" if ind.unit == indicators.PERCENT else "",
            f"Value ({ind.unit})",
        ]
        head = [h for h in head if h]
        rows = []
        for label, num, den, val in [*shown.quarters, shown.year]:
            figs = [num, den, val] if ind.unit == indicators.PERCENT else [num, val]
            rows.append(Row([label], figs, total=label == shown.year[0]))
        benchmark_rows = []
        first_benchmark = None
        shown_comps = comps.get(ind.id, [])
        for c in shown_comps:
            area = _area_label(c)
            figs = (
                [BLANK, BLANK, Figure(c.value, f"{c.value:,.1f}")]
                if ind.unit == indicators.PERCENT
                else [BLANK, Figure(c.value, f"{c.value:,.1f}")]
            )
            benchmark_rows.append(Row([f"{area} ({c.period}, published)"], figs))
            if first_benchmark is None:
                first_benchmark = (f"{area} {c.period}", c.value)
        if not any(c.area_type == "statistical_neighbours" for c in shown_comps):
            none = Figure(None, NO_NEIGHBOURS, disclosure.NOT_APPLICABLE)
            blanks = [BLANK, BLANK] if ind.unit == indicators.PERCENT else [BLANK]
            benchmark_rows.append(Row(["Statistical neighbours"], [*blanks, none]))
        rows += benchmark_rows
        missing = "" if shown.recorded else "Not recorded by any source yet, so not counted. "
        per = f"Rates use {pic.population_note} ({pic.population:,})." if ind.unit == indicators.RATE else ""
        note = f"{missing}{ind.definition} Direction of good: {ind.good}. Source: {ind.source}. {per}".strip()
        out.append(Section(f"ind_{ind.id}", group, ind.title, head, rows, note))
        labels = [m[0] for m in shown.months]
        values = [m[3].value if not m[3].suppressed else None for m in shown.months]
        drawn[f"ind_{ind.id}"] = Chart(
            f"chart-{ind.id}", ind.id, f"{ind.title}, by month", labels, values, ind.unit, first_benchmark
        )
    return out, drawn


def workforce_sections(using: str, today: dt.date, below: int) -> list[Section]:
    group = "Workforce"
    out = []
    latest = WorkforceReturn.objects.using(using).order_by("-reference_date", "-id").first()
    if latest is None:
        out.append(
            Section(
                "workforce",
                group,
                "Children's social work workforce (CSWW return)",
                ["Measure", "Value"],
                note="No CSWW return imported yet: jigsaw insight workforce import FILE.",
            )
        )
    else:
        s = workforce.summary(latest)
        when = latest.reference_date.strftime("%-d %B %Y") if latest.reference_date else "the reference date"
        count = disclosure.count
        out.append(
            Section(
                "workforce",
                group,
                f"Children's social work workforce on {when} (CSWW return)",
                ["Measure", "Value"],
                [
                    Row(["Social workers in post (headcount)"], [count(s["workers"], below)]),
                    Row(["Full-time equivalent in post"], [_text(s["fte"])]),
                    Row(
                        ["Vacancy rate (vacancies / (vacancies + filled FTE))"],
                        [_text(s["vacancy_rate"], "%")],
                    ),
                    Row(["Agency rate (agency FTE / (agency + filled FTE))"], [_text(s["agency_rate"], "%")]),
                    Row(
                        ["Turnover (leavers in the year / workers in post)"], [_text(s["turnover_rate"], "%")]
                    ),
                    Row(["Case holders"], [count(s["case_holders"], below)]),
                    Row(
                        ["Average caseload (cases per case holder)"],
                        [
                            disclosure.derived(
                                s["mean_caseload"],
                                f"{s['mean_caseload'] or 0:,.1f}",
                                count(s["case_holders"], below),
                            )
                        ],
                    ),
                    Row(["Working days lost to sickness per FTE"], [_text(s["days_lost_per_fte"])]),
                    Row(["Absent on the reference date"], [count(s["absent"], below)]),
                ],
                note="Definitions as the DfE's Children's social work workforce release; source: the CSWW census "  # noqa: E501
                "return (DfE CSWW specification).",
            )
        )
    sup = workforce.supervision_compliance(using, today)
    cells, total = disclosure.protect_line([sup["within"], sup["overdue"]], below)
    out.append(
        Section(
            "supervision",
            group,
            f"Supervision within {workforce.frequency_days()} days (workers with a supervision recorded)",
            ["Workers", "Number"],
            [
                Row(["Supervised within the frequency"], [cells[0]]),
                Row(["Overdue"], [cells[1]]),
                Row(["Total"], [total], total=True),
            ],
            note="The frequency is the JIGSAW_SUPERVISION_DAYS setting (no national interval).",
        )
    )
    return out


def quality_sections(using: str, below: int) -> list[Section]:
    group = "Quality assurance"
    rows_in = audits.results(using)
    head = ["Programme", "Files sampled", "Files audited", *audits.GRADES.values()]
    table = (
        disclosure.protect_table([[c[g] for g in audits.GRADES] for _p, _n, _d, c in rows_in], below)
        if rows_in
        else None
    )
    rows = []
    for i, (programme, sampled, done, _c) in enumerate(rows_in):
        label = f"{programme.name} ({programme.drawn_on:%b %Y}; {programme.theme or 'random'})"
        rows.append(
            Row([label], [disclosure.count(sampled, below), disclosure.count(done, below), *table.cells[i]])
        )
    if table is not None:
        rows.append(Row(["All programmes"], [BLANK, BLANK, *table.column_totals], total=True))
    out = [
        Section(
            "audits",
            group,
            "Case-file audits: answers by grade, per programme",
            head,
            rows,
            note="Each audited file is graded good / requires improvement / inadequate on each question "
            "of the grading tool (JIGSAW_AUDIT_QUESTIONS).",
        )
    ]
    att = attendance.by_agency(using)
    if att:
        t = disclosure.protect_table([[n - y, y] for _k, _a, n, y in att], below)
        arows = [
            Row(
                [kind, agency],
                [t.row_totals[i], t.cells[i][1], disclosure.rate(t.cells[i][1], t.row_totals[i], per=100)],
            )
            for i, (kind, agency, _n, _y) in enumerate(att)
        ]
    else:
        arows = []
    out.append(
        Section(
            "attendance",
            group,
            "Attendance at conferences and core groups, by agency",
            ["Meeting", "Agency", "Invited", "Attended", "Attended (%)"],
            arows,
            note="From the meetings recorded with their attendees (conference events; the practice "
            "app's meetings at merge). Working Together to Safeguard Children 2023 expects each "
            "agency working with the child to attend or report.",
        )
    )
    return out


def action_plan_section(using: str, today: dt.date, below: int) -> Section:
    done = PlanAction.DONE
    agg = PlanAction.objects.using(using).aggregate(
        open=Count("id", filter=Q(status=PlanAction.OPEN)),
        progress=Count("id", filter=Q(status=PlanAction.IN_PROGRESS)),
        done=Count("id", filter=Q(status=done)),
        overdue=Count("id", filter=~Q(status=done) & Q(due_on__lt=today)),
    )
    cells, total = disclosure.protect_line([agg["open"], agg["progress"], agg["done"]], below)
    overdue, _ = disclosure.protect_part_column([agg["overdue"]], [any(c.suppressed for c in cells)], below)
    return Section(
        "action_plans",
        "Case reviews",
        "Review action plans: actions by progress",
        ["Status", "Actions"],
        [
            Row(["Open"], [cells[0]]),
            Row(["In progress"], [cells[1]]),
            Row(["Done"], [cells[2]]),
            Row(["All actions"], [total], total=True),
            Row(["Not done and past their due date"], [overdue[0]]),
        ],
        note="Actions agreed in case reviews' action plans (reviews app).",
    )
