"""The children's social work workforce: CSWW returns and supervision compliance.

A CSWW return (:mod:`jigsaw.feeds.returns.csww`) gives caseloads, vacancies, agency staff,
turnover and absence, computed as the DfE's *Children's social work workforce* release defines
them: vacancy rate = vacancies FTE / (vacancies + filled FTE); agency rate = agency FTE / (agency +
filled FTE); turnover = leavers / workers in post; average caseload = cases held / case holders.

Supervision is recorded per worker (date, supervisor, decisions) and checked against a frequency
(``JIGSAW_SUPERVISION_DAYS``, default 30: most councils' policy is monthly supervision; the
Knowledge and Skills Statement for practice supervisors sets no national interval, so it is a
setting). A worker is compliant on a day when their latest supervision is no older than that.
"""

from __future__ import annotations

import datetime as dt
import statistics
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Max

from jigsaw.feeds import csww

from .models import Supervision, WorkforceReturn


def import_return(path: Path, using: str) -> WorkforceReturn:
    """Read and store one CSWW return; :class:`csww.CSWWError` (one line) and nothing stored if bad."""
    got = csww.read(path)
    with transaction.atomic(using=using):
        return WorkforceReturn.objects.using(using).create(
            file_name=path.name[:255],
            year=got.year,
            reference_date=got.reference_date,
            vacancies_fte=got.vacancies_fte,
            agency_fte=got.agency_fte,
            agency_headcount=got.agency_headcount,
            workers=got.workers,
            fte=got.fte,
            starters=got.starters,
            leavers=got.leavers,
            working_days_lost=got.working_days_lost,
            absent=got.absent_on_reference_date,
            caseloads=sorted(c.cases for c in got.caseloads),
            by_role=dict(got.by_role),
        )


def summary(ret: WorkforceReturn) -> dict[str, float | int | None]:
    """The workforce measures of one return (rates in %)."""
    filled = ret.fte
    loads = ret.caseloads or []

    def pct(part: float, whole: float) -> float | None:
        return round(100 * part / whole, 1) if whole else None

    return {
        "workers": ret.workers,
        "fte": round(filled, 1),
        "vacancy_rate": pct(ret.vacancies_fte, ret.vacancies_fte + filled),
        "agency_rate": pct(ret.agency_fte, ret.agency_fte + filled),
        "turnover_rate": pct(ret.leavers, ret.workers),
        "case_holders": len(loads),
        "mean_caseload": round(statistics.fmean(loads), 1) if loads else None,
        "median_caseload": statistics.median(loads) if loads else None,
        "days_lost_per_fte": round(ret.working_days_lost / filled, 1) if filled else None,
        "absent": ret.absent,
        "starters": ret.starters,
        "leavers": ret.leavers,
    }


def record_supervision(
    worker: str, supervisor: str, held_on: dt.date, decisions: str, using: str
) -> Supervision:
    if not worker.strip() or not supervisor.strip():
        raise ValueError("worker and supervisor are required")
    return Supervision.objects.using(using).create(
        worker=worker.strip()[:200], supervisor=supervisor.strip()[:200], held_on=held_on, decisions=decisions
    )


def frequency_days() -> int:
    return max(int(getattr(settings, "JIGSAW_SUPERVISION_DAYS", 30)), 1)


def supervision_compliance(using: str, on: dt.date) -> dict[str, int]:
    """Workers supervised within the frequency on ``on``, and those overdue (one grouped query)."""
    limit = on - dt.timedelta(days=frequency_days())
    latest = (
        Supervision.objects.using(using)
        .filter(held_on__lte=on)
        .order_by()
        .values("worker")
        .annotate(last=Max("held_on"))
        .values_list("last", flat=True)
    )
    within = sum(1 for last in latest if last >= limit)
    return {"workers": len(latest), "within": within, "overdue": len(latest) - within}
