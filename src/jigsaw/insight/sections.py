"""The partnership figures as tables of protected figures, the same for the page and the CSV.

Each table is built from the raw numbers of :mod:`jigsaw.insight.figures` and protected as a
whole by :mod:`jigsaw.insight.disclosure` (small counts hidden, then whatever a total would give
back), so the page and its export can only ever show what survived. Labels are rule titles,
agencies, statuses, groups and months: nothing about any one child.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from jigsaw.alerts.report import AGE_BANDS, ALL_RULES, DIMENSIONS, NEED
from jigsaw.records.models import PersonRecord

from . import disclosure
from .disclosure import Figure
from .figures import STATUSES, AlertFigures, Period

DIMENSION_LABELS = {"ethnicity": "Ethnicity (DfE top-level group)", "sex": "Sex", "disability": "Disability",
                    "deprivation": "Deprivation (index of multiple deprivation, from the postcode)",
                    "age_band": "Age band"}
BLANK = Figure(None, "", disclosure.NOT_APPLICABLE)
SEXES = {**dict(PersonRecord.SEX), "unknown": "Unknown"}
AGE_ORDER = {label: i for i, (_low, _high, label) in enumerate(AGE_BANDS)}


@dataclass
class Row:
    labels: list[str]
    figures: list[Figure]
    total: bool = False


@dataclass
class Section:
    """One table: ``key`` is its stable id on the page, ``group`` the heading it sits under."""

    key: str
    group: str
    caption: str
    head: list[str]
    rows: list[Row] = field(default_factory=list)
    note: str = ""

    @property
    def label_columns(self) -> int:
        return len(self.rows[0].labels) if self.rows else 1


def _line(key: str, group: str, caption: str, head: list[str], items: list[tuple[list[str], int]],
          below: int, total_label: str = "Total", note: str = "") -> Section:
    """A one-column breakdown with its total row (every column of ``head`` but the last is a label)."""
    cells, total = disclosure.protect_line([n for _, n in items], below)
    rows = [Row(labels, [f]) for (labels, _), f in zip(items, cells, strict=True)]
    width = len(head) - 1
    rows.append(Row([total_label] + [""] * (width - 1), [total], total=True))
    return Section(key, group, caption, head, rows, note)


def people(raw: dict[str, Any], systems: list[tuple[str, str, int]], children: int,
           below: int) -> list[Section]:
    group = "People known to the partnership"
    headline = Section("people", group, "People", ["Who", "Number"], [
        Row(["Resolved people (children and adults; one person however many records)"],
            [disclosure.count(raw["resolved"], below)]),
        Row(["Children under 18 today"], [disclosure.count(children, below)]),
        Row(["Children with records in two or more agencies"],
            [disclosure.count(raw["multi_agency_children"], below)]),
    ])
    systems = _line("records_by_source", group, "Person records by source system",
                    ["Source system", "Agency", "Person records"],
                    [([name, agency or "–"], n) for name, agency, n in systems], below)
    return [headline, systems]


def alerts(raw: AlertFigures, titles: dict[str, str], below: int, period: Period) -> list[Section]:
    group = "Alerts"
    note = period_note(period)
    rules = sorted(set(titles) | set(raw.by_rule))
    table = disclosure.protect_table([raw.by_rule.get(r, [0] * len(STATUSES)) for r in rules], below)
    overdue, overdue_total = disclosure.protect_part_column(
        [raw.overdue.get(r, 0) for r in rules],
        [any(f.suppressed for f in (*table.cells[i], table.row_totals[i])) for i in range(len(rules))], below)
    by_rule = Section("alerts_by_rule", group, "Alerts by rule and status",
                      ["Rule", *(label for label, _, _ in STATUSES), "Raised", "Overdue"], note=note)
    for i, rule in enumerate(rules):
        title = titles.get(rule, "no longer in the rules catalogue")
        by_rule.rows.append(Row([f"{rule}: {title}"], [*table.cells[i], table.row_totals[i], overdue[i]]))
    by_rule.rows.append(Row(["All rules"], [*table.column_totals, table.total, overdue_total], total=True))
    by_status = Section("alerts_by_status", group, "Alerts by status", ["Status", "Alerts"], [
        *(Row([label], [f]) for (label, _, _), f in zip(STATUSES, table.column_totals, strict=True)),
        Row(["All alerts raised"], [table.total], total=True),
        Row(["Overdue: open or acknowledged past the date the rule's guidance sets"], [overdue_total]),
    ], note=note)
    timing = Section("time_to_act", group, "Time from an alert being raised", ["Step", "Median", "Alerts"])
    for label, (n, seconds) in (("To acknowledged", raw.to_acknowledge), ("To closed", raw.to_close)):
        counted = disclosure.count(n, below)
        timing.rows.append(Row([label], [disclosure.derived(seconds, _duration(seconds), counted), counted]))
    months = _line("alerts_by_month", group, "Alerts by the month their latest event happened (last 12 months)",  # noqa: E501
                   ["Month", "Alerts"], [([m.strftime("%B %Y")], n) for m, n in raw.months], below,
                   "Total (12 months)",
                   note=f"{note} Each counted in the month the latest event it names happened, not the day the "  # noqa: E501
                        "rules raised it, in the 12 months up to the end of the dates chosen (or today).")
    return [by_rule, by_status, timing, months]


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    if seconds < 86_400:
        return f"{seconds / 3600:.1f} hours"
    return f"{seconds / 86_400:.1f} days"


def fairness(report: dict[str, Any], titles: dict[str, str], below: int, period: Period) -> list[Section]:
    """Per dimension: children in each group, then each rule's (and all rules') rate, interval and flag.

    ``report`` counts the alerts raised in ``period``, like the alert tables, so the notes say so.
    """
    group = "Fairness: alerts per 1,000 children"
    note = (f"{period_note(period)} Each child counted once per rule, out of the children under 18 on "
            f"{report['as_of']} (the day the rules last raised an alert); in brackets, a 95% interval "
            "that allows for brothers and sisters being alerted together. 'Over' or 'under' marks a group "
            "alerted more or less than its children and their ages predict, at a 5% family-wise level per "
            "rule (Holm's correction); a group expecting fewer than 5 in the dates chosen is tested over "
            "all dates instead, and marked so.")
    if not report["rules"]:
        none = "have been raised yet" if period == Period() else "were raised in the dates chosen"
        return [Section("fairness", group, "Alerts per 1,000 children", ["Rule"],
                        note=f"No alerts {none}, so there is nothing to compare.")]
    sections = []
    for dim in DIMENSIONS:
        groups = sorted({g for rule in report["rules"].values() for g in rule["by"][dim]},
                        key=lambda g: (AGE_ORDER.get(g, 0), g))
        names = [SEXES.get(g, g) if dim == "sex" else g for g in groups]
        dim_note = note + (" Age is need, not a protected comparison: each rule targets the ages its "
                           "guidance names." if dim in NEED else "")
        section = Section(f"fairness_{dim}", group, DIMENSION_LABELS[dim],
                          ["Rule", *names, "All children", "Children alerted"], note=dim_note)
        populations = {g: v["children"] for rule in report["rules"].values()
                       for g, v in rule["by"][dim].items()}
        pop_cells, pop_total = disclosure.protect_line([populations.get(g, 0) for g in groups], below)
        pop = dict(zip(groups, pop_cells, strict=True))
        section.rows.append(Row(["Children in the group"], [*pop_cells, pop_total, BLANK], total=True))
        for rule_id, rule in report["rules"].items():
            by = rule["by"][dim]
            counts = [by[g].get("alerted_in_dates", by[g]["alerted"]) if g in by else 0 for g in groups]
            alerted, alerted_total = disclosure.protect_line(counts, below)
            rates = [_rate(by.get(g), a, pop[g], below, dim in NEED)
                     for g, a in zip(groups, alerted, strict=True)]
            overall = disclosure.derived(rule["per_1000"], f"{rule['per_1000']:,.1f}",
                                         alerted_total if alerted_total.suppressed else pop_total)
            label = ("All rules (children alerted by any)" if rule_id == ALL_RULES
                     else f"{rule_id}: {titles.get(rule_id, 'no longer in the rules catalogue')}")
            section.rows.append(Row([label], [*rates, overall, alerted_total]))
        sections.append(section)
    return sections


def _rate(group: dict | None, alerted: Figure, population: Figure, below: int, need: bool) -> Figure:
    """A group's rate with its interval, flagged over or under; a pooled cell shows all dates' figures."""
    if group is None:
        return BLANK
    if group.get("pooled"):
        alerted = disclosure.count(group["alerted"], below)
    based_on = alerted if alerted.suppressed else population
    if group["per_1000"] is None:
        return BLANK
    interval = (f" ({group['low_per_1000']:,.1f}–{group['high_per_1000']:,.1f})"
                if group.get("low_per_1000") is not None else "")
    pooled = " all dates" if group.get("pooled") else ""
    shown = disclosure.derived(group["per_1000"], f"{group['per_1000']:,.1f}{interval}{pooled}", based_on)
    if not shown.suppressed and group.get("flagged"):
        word = group["direction"] + (" (need)" if need else "")
        return Figure(shown.value, shown.text, shown.state, flag=f"{word}, p={group['p_adjusted']:.2g}")
    return shown


def data_quality(raw: dict[str, Any], below: int) -> list[Section]:
    group = "Data quality"
    imports = raw["imports"]
    return [
        _line("link_review", group, "Link review queue: pairs of records waiting for a person to decide",
              ["Kind", "Pairs"], [([label], n) for label, n in raw["review"]], below),
        _line("imports", group, "Rows imported, all files", ["Outcome", "Rows"],
              [(["Accepted"], imports["accepted"]), (["Quarantined"], imports["quarantined"]),
               (["Unchanged"], imports["unchanged"])], below, "Read"),
        _line("quarantine_open", group, "Quarantined rows not yet resent fixed, by source system",
              ["Source system", "Rows"], [([code], n) for code, n in raw["quarantine_open"]], below),
    ]


def period_note(period: Period) -> str:
    start, end = period.start, period.end
    if start and end:
        return f"Alerts raised from {start:%-d %B %Y} to {end:%-d %B %Y}."
    if start:
        return f"Alerts raised from {start:%-d %B %Y}."
    if end:
        return f"Alerts raised up to {end:%-d %B %Y}."
    return "All alerts raised."
