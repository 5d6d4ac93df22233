"""The raw numbers behind the partnership figures page, each from one aggregate query.

Everything here is a count or a duration computed by the database (GROUP BY, COUNT, ORDER BY
with an offset for a median). These numbers are *unprotected*: the page passes every one
through :mod:`jigsaw.insight.disclosure` first.

One part reads the whole population: each person's most common birth date, sex and ethnicity
and their number of agencies (:func:`jigsaw.alerts.population.all_people`, one grouped pass over
every record), from which come the children in each fairness group and the children known to
two or more agencies. It takes a second or two at 100,000 children (about 200,000 people and
450,000 records), does not depend on the date range and changes only with the data, so
:func:`population` keeps it in Django's cache until a new import batch, link run or alert
appears or the day turns (ages move on), and for an hour at most. The alert figures, which
depend on the dates chosen, are queried on every request; the fairness report for the dates
chosen is counted on every request from the cached population.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
from django.core.cache import cache
from django.db.models import Count, DurationField, ExpressionWrapper, F, Max, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from jigsaw.alerts.models import Alert, AlertAction
from jigsaw.alerts.population import all_people, households
from jigsaw.alerts.report import alerts_naming, as_of_date, children_of, fairness
from jigsaw.records.cache_keys import state_key
from jigsaw.records.models import ImportBatch, QuarantinedRow, SourceSystem, records_per_system
from jigsaw.rules import load_catalogue
from jigsaw.signpost.models import LinkRun, Person, ReviewItem

#: Alert statuses as the page splits them: (label, status, outcome).
STATUSES = (("Open", Alert.OPEN, ""), ("Acknowledged", Alert.ACKNOWLEDGED, ""),
            ("Closed: actioned", Alert.CLOSED, Alert.ACTIONED),
            ("Closed: dismissed", Alert.CLOSED, Alert.DISMISSED))
CACHE_SECONDS = 3600

@dataclass(frozen=True)
class Period:
    """Alerts raised from ``start`` to ``end``, both days included; ``None`` leaves a side open."""

    start: dt.date | None = None
    end: dt.date | None = None

    def bounds(self) -> tuple[dt.datetime | None, dt.datetime | None]:
        """[from, until) as aware datetimes at local midnight."""
        def midnight(day: dt.date) -> dt.datetime:
            return dt.datetime.combine(day, dt.time.min, tzinfo=_zone())
        return (midnight(self.start) if self.start else None,
                midnight(self.end + dt.timedelta(days=1)) if self.end else None)

    def as_dict(self) -> dict[str, str | None]:
        return {"raised_from": self.start.isoformat() if self.start else None,
                "raised_to": self.end.isoformat() if self.end else None}


def _zone() -> dt.tzinfo:
    return timezone.get_current_timezone()


@dataclass
class AlertFigures:
    by_rule: dict[str, list[int]] = field(default_factory=dict)  # rule -> counts in STATUSES order
    overdue: dict[str, int] = field(default_factory=dict)
    to_acknowledge: tuple[int, float | None] = (0, None)  # (alerts, median seconds)
    to_close: tuple[int, float | None] = (0, None)
    months: list[tuple[dt.date, int]] = field(default_factory=list)


def rule_titles() -> dict[str, str]:
    """Rule id -> title, from the shipped rules catalogue."""
    return {rule.id: rule.title for rule in load_catalogue()}


def people(using: str, everyone: pa.Table, children: Collection[int]) -> dict[str, Any]:
    """Resolved people, children known to two or more agencies, person records by source system id.

    ``everyone`` is :func:`jigsaw.alerts.population.all_people` (with each person's number of
    agencies) and ``children`` the fairness report's children, so a child is counted the same
    way in both: by their most common recorded birth date.
    """
    agencies = dict(zip(everyone.column("person_id").to_pylist(), everyone.column("agencies").to_pylist(),
                        strict=True))
    return {"resolved": Person.objects.using(using).count(),
            "multi_agency_children": sum(1 for p in children if agencies.get(p, 0) >= 2),
            "per_system": records_per_system(using)}


def source_systems(using: str, per_system: dict[int, int]) -> list[tuple[str, str, int]]:
    """(system, agency, person records) per source system, named as they are named now."""
    return [(s["name"] or s["code"], s["agency__name"] or "", per_system.get(s["id"], 0)) for s in
            SourceSystem.objects.using(using).order_by("code").values("id", "code", "name", "agency__name")]


def _raised_in(period: Period, prefix: str = "") -> Q:
    start, until = period.bounds()
    q = Q()
    if start is not None:
        q &= Q(**{f"{prefix}raised_at__gte": start})
    if until is not None:
        q &= Q(**{f"{prefix}raised_at__lt": until})
    return q


def _median_seconds(actions: QuerySet[AlertAction]) -> tuple[int, float | None]:
    """How many actions, and the median time from their alert being raised to them."""
    took = actions.annotate(took=ExpressionWrapper(F("at") - F("alert__raised_at"),
                                                   output_field=DurationField()))
    n = took.count()
    if not n:
        return 0, None
    middle = list(took.order_by("took").values_list("took", flat=True)[(n - 1) // 2: n // 2 + 1])
    return n, sum(d.total_seconds() for d in middle) / len(middle)


def _month_starts(last: dt.date, n: int = 12) -> list[dt.date]:
    months, year, month = [], last.year, last.month
    for _ in range(n):
        months.append(dt.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def alerts(using: str, period: Period, now: dt.datetime) -> AlertFigures:
    """Alerts raised in ``period``: by rule and status, overdue, median times, per month."""
    raised = Alert.objects.using(using).filter(_raised_in(period))
    counts = {f"s{i}": Count("id", filter=Q(status=status, **({"outcome": outcome} if outcome else {})))
              for i, (_label, status, outcome) in enumerate(STATUSES)}
    overdue = Count("id", filter=Q(status__in=[Alert.OPEN, Alert.ACKNOWLEDGED], due_at__lt=now))
    out = AlertFigures()
    for row in raised.order_by().values("rule_id").annotate(overdue=overdue, **counts):
        out.by_rule[row["rule_id"]] = [row[f"s{i}"] for i in range(len(STATUSES))]
        out.overdue[row["rule_id"]] = row["overdue"]
    actions = AlertAction.objects.using(using).filter(_raised_in(period, "alert__"))
    out.to_acknowledge = _median_seconds(actions.filter(action=AlertAction.ACKNOWLEDGED))
    out.to_close = _median_seconds(actions.filter(action__in=[AlertAction.ACTIONED, AlertAction.DISMISSED]))
    last = min(period.end or now.astimezone(_zone()).date(), now.astimezone(_zone()).date())
    starts = _month_starts(last)
    # by when the events happened (the alert's latest event), not when the rules ran (issue 13
    # item 8): a rule run over a year's backlog must not look like a month's spike
    start, until = Period(starts[0], last).bounds()  # the alerts are those raised in ``period``
    happened = Q(last_at__gte=start) & Q(last_at__lt=until)
    per_month = {(m.year, m.month): n for m, n in raised.filter(happened)
                 .annotate(month=TruncMonth("last_at")).order_by().values("month")
                 .annotate(n=Count("id")).values_list("month", "n")}
    out.months = [(m, per_month.get((m.year, m.month), 0)) for m in starts]
    return out


def data_quality(using: str) -> dict[str, Any]:
    """The link review queue by kind, import totals, and open quarantined rows by source system."""
    kinds = dict(ReviewItem.KINDS)
    review = dict(ReviewItem.objects.using(using).order_by().values("kind").annotate(n=Count("id"))
                  .values_list("kind", "n"))
    imports = ImportBatch.objects.using(using).aggregate(
        read=Sum("rows_read", default=0), accepted=Sum("accepted", default=0),
        quarantined=Sum("quarantined", default=0), unchanged=Sum("unchanged", default=0))
    open_rows = (QuarantinedRow.objects.using(using).filter(status="open").order_by()
                 .values("source_system__code").annotate(n=Count("id"))
                 .values_list("source_system__code", "n"))
    return {"review": [(label, review.get(kind, 0)) for kind, label in kinds.items()], "imports": imports,
            "quarantine_open": sorted((code or "(no source system)", n) for code, n in open_rows)}


def _fingerprint(using: str, today: dt.date) -> str:
    """Changes whenever the population figures' inputs may have: alerts, imports, link runs, the day."""
    # v4: the children as a cohort with households, and each alert's outcome (an old entry must not be read)
    return state_key("jigsaw:aggregates:population:v4:", using, today.isoformat(),
                     Alert.objects.using(using).aggregate(n=Count("id"), last=Max("id"),
                                                          closed=Count("id", filter=Q(status=Alert.CLOSED))),
                     ImportBatch.objects.using(using).aggregate(last=Max("id"), at=Max("finished_at")),
                     LinkRun.objects.using(using).aggregate(last=Max("id"), at=Max("finished_at")))


def population(using: str, today: dt.date) -> dict[str, Any]:
    """:func:`people` and the fairness report's children, cached while their inputs stand.

    The children are those under 18 on the alerts' as-of date (the day the rules last raised
    one), with their groups and households; with them, per alert naming any, its rule, when it was
    raised, which of them it names and how it closed: all :func:`fairness_report` needs for any
    dates, without reading every alert again on each view. (An alert's rule, time and people never
    change; a new one, or a closed one, changes the cache key.)
    """
    key = _fingerprint(using, today)
    found = cache.get(key)
    if found is None:
        everyone = all_people(using)  # one grouped pass over every record, shared by both
        children = children_of(everyone, as_of_date(using), households(using))
        found = {"people": people(using, everyone, children.ids.tolist()), "children": children,
                 "alerts": alerts_naming(using, children)}
        cache.set(key, found, CACHE_SECONDS)
    return found


def fairness_report(using: str, period: Period, today: dt.date, known: dict[str, Any]) -> dict[str, Any]:
    """The fairness report over the alerts raised in ``period``, as the alert figures count them.

    ``known`` is :func:`population`'s. The alerts are picked from it with the same bounds as
    :func:`_raised_in`; a small group is tested over all the alerts instead (the report says so).
    """
    start, until = period.bounds()
    chosen = [a for a in known["alerts"]
              if (start is None or a.raised_at >= start) and (until is None or a.raised_at < until)]
    return fairness(known["children"], chosen, using=using,
                    pooled=None if period == Period() else known["alerts"])
