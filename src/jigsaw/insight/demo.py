"""The demo's partnership picture: the shipped comparators, a synthetic CSWW return, supervision
and one drawn audit programme, so an analyst signing in to ``jigsaw demo`` sees every page filled.

The CSWW return is made up (SWE numbers of the form ``XX`` + ten digits, never a real worker's);
the comparators are the real published values of the shipped sample.
"""

from __future__ import annotations

import datetime as dt
import random
import tempfile
from pathlib import Path

from . import audits, comparators, workforce
from .models import WorkforceReturn


def csww_xml(workers: int = 60, seed: int = 16, year: int | None = None) -> str:
    """A synthetic CSWW return in the DfE schema's shape (see :mod:`jigsaw.feeds.returns.csww`)."""
    rng = random.Random(seed)
    year = year or dt.date.today().year
    ref = dt.date(year, 9, 30) if dt.date.today() >= dt.date(year, 9, 30) else dt.date(year - 1, 9, 30)
    people = []
    for i in range(workers):
        role = rng.choices(["5", "4", "3", "2", "6"], [60, 12, 10, 5, 3])[0]
        start = ref - dt.timedelta(days=rng.randint(30, 3000))
        left = rng.random() < 0.15
        end = (
            f"<RoleEndDate>{(ref - dt.timedelta(days=rng.randint(1, 300))).isoformat()}</RoleEndDate>"
            if left
            else ""
        )
        cases = f"<Cases30>{rng.randint(8, 26)}</Cases30>" if role == "5" and not left else ""
        people.append(
            f"<CSWWWorker><AgencyWorker>0</AgencyWorker><SWENo>XX{i:010d}</SWENo><FTE>{rng.choice(['1.000000', '0.800000', '0.600000'])}</FTE>"  # noqa: E501
            f"<QualInst>Synthetic University</QualInst><OrgRole>{role}</OrgRole><RoleStartDate>{start.isoformat()}</RoleStartDate>"  # noqa: E501
            f"{end}<FTE30>1.000000</FTE30>{cases}<WorkingDaysLost>{rng.randint(0, 20)}.00</WorkingDaysLost>"
            f"<Absat30Sept>{1 if rng.random() < 0.05 else 0}</Absat30Sept></CSWWWorker>"
        )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><Message><Header><CollectionDetails><Collection>CSWW</Collection>'  # noqa: E501
        f"<Year>{ref.year}</Year><ReferenceDate>{ref.isoformat()}</ReferenceDate></CollectionDetails>"
        f"<Source><SourceLevel>L</SourceLevel><LEA>999</LEA></Source></Header>"
        f"<LALevelVacancies><NumberOfVacancies>9.50</NumberOfVacancies><NoAgencyFTE>7.00</NoAgencyFTE>"
        f"<NoAgencyHeadcount>8</NoAgencyHeadcount></LALevelVacancies>{''.join(people)}</Message>"
    )


def load(using: str, today: dt.date | None = None) -> dict[str, int]:
    """Comparators, a CSWW return, a month of supervision and an audit sample with some graded files."""
    today = today or dt.date.today()
    loaded = comparators.import_sample(using)  # replaces in place: safe to repeat
    if WorkforceReturn.objects.using(using).filter(file_name="csww_demo.xml").exists():
        return {"comparators": loaded, "audited": 0}  # the demo ran before: keep what it made
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "csww_demo.xml"
        path.write_text(csww_xml(), encoding="utf-8")
        workforce.import_return(path, using)
    rng = random.Random(7)
    for i in range(40):
        workforce.record_supervision(
            f"Social worker {i + 1}",
            f"Team manager {i % 5 + 1}",
            today - dt.timedelta(days=rng.randint(1, 60)),
            "Plan reviewed; next steps agreed.",
            using,
        )
    graded = 0
    try:
        programme = audits.draw("Quarterly random audit", 12, using, seed=1, on=today)
    except ValueError:
        return {"comparators": loaded, "audited": 0}
    grades = list(audits.GRADES)
    for audit in list(programme.audits.using(using).all())[:8]:
        audits.record(
            audit.pk,
            {q: rng.choices(grades, [5, 3, 1])[0] for q in programme.questions},
            "Actions agreed with the team manager.",
            "demo auditor",
            using,
            on=today,
        )
        graded += 1
    return {"comparators": loaded, "audited": graded}
