"""The case-file audit programme: draw a sample, grade each file, report results over time.

A sample is random among the children with any event in the chronology, or themed (children with an event
of one type, e.g. ``cp_plan_start`` for a child protection theme), drawn with a seed so it can be
drawn again. The grading tool is a setting (``JIGSAW_AUDIT_QUESTIONS``), each question graded
good / requires improvement / inadequate (Ofsted's judgement words), with actions. Results are
reported as counts of grades per programme and question, through disclosure control.
"""

from __future__ import annotations

import datetime as dt
import random

from django.conf import settings
from django.db import connections, transaction

from .models import AuditProgramme, CaseAudit

GRADES = {"good": "Good", "requires_improvement": "Requires improvement", "inadequate": "Inadequate"}
DEFAULT_QUESTIONS = (
    "The child's lived experience and voice are recorded and inform the plan",
    "Risks and needs are assessed and the assessment is up to date",
    "The plan is specific, outcome-focused and reviewed on time",
    "Management oversight and supervision decisions are recorded on the file",
    "Partner agencies contribute and share information",
)


def questions() -> list[str]:
    return list(getattr(settings, "JIGSAW_AUDIT_QUESTIONS", None) or DEFAULT_QUESTIONS)


def draw(
    name: str, size: int, using: str, theme: str = "", seed: int = 0, on: dt.date | None = None
) -> AuditProgramme:
    """A programme of ``size`` children (fewer when fewer qualify), random or with a ``theme`` event."""
    if size < 1:
        raise ValueError("the sample size must be at least 1")
    sql = (
        "SELECT DISTINCT l.person_id FROM records_event e JOIN signpost_recordlink l ON l.record_id = e.person_id "  # noqa: E501
        "JOIN records_personrecord p ON p.id = e.person_id WHERE (p.is_child = %s OR p.is_child IS NULL)"
    )
    params: list[object] = [True]
    if theme:
        sql += " AND e.event_type = %s"
        params.append(theme)
    with connections[using].cursor() as cur:
        cur.execute(sql + " ORDER BY l.person_id", params)
        pool = [row[0] for row in cur.fetchall()]
    if not pool:
        raise ValueError(f"no children to sample{' with a ' + theme + ' event' if theme else ''}")
    chosen = sorted(random.Random(seed).sample(pool, min(size, len(pool))))
    with transaction.atomic(using=using):
        programme = AuditProgramme.objects.using(using).create(
            name=name[:200], theme=theme[:50], drawn_on=on or dt.date.today(), questions=questions()
        )
        CaseAudit.objects.using(using).bulk_create(
            [CaseAudit(programme=programme, person_id=p) for p in chosen]
        )
    return programme


def record(
    audit_id: int, grades: dict[str, str], actions: str, auditor: str, using: str, on: dt.date | None = None
) -> CaseAudit:
    """Grade one file: every question of the programme's tool, each with a known grade."""
    audit = CaseAudit.objects.using(using).select_related("programme").get(pk=audit_id)
    asked = audit.programme.questions
    unknown = [q for q in grades if q not in asked]
    if unknown:
        raise ValueError(f"not a question of this programme's tool: {unknown[0]!r}")
    missing = [q for q in asked if q not in grades]
    if missing:
        raise ValueError(f"no grade for {missing[0]!r}")
    bad = [g for g in grades.values() if g not in GRADES]
    if bad:
        raise ValueError(f"grade {bad[0]!r} is not one of {', '.join(GRADES)}")
    audit.grades, audit.actions, audit.auditor = grades, actions, auditor[:150]
    audit.audited_on = on or dt.date.today()
    audit.save(using=using)
    return audit


def results(using: str) -> list[tuple[AuditProgramme, int, int, dict[str, int]]]:
    """Per programme (oldest first): files sampled, files audited, and grade -> answers."""
    out = []
    for programme in AuditProgramme.objects.using(using).order_by("drawn_on", "id"):
        audits = list(programme.audits.using(using).values_list("grades", flat=True))
        counts = dict.fromkeys(GRADES, 0)
        done = 0
        for grades in audits:
            if grades:
                done += 1
                for g in grades.values():
                    counts[g] = counts.get(g, 0) + 1
        out.append((programme, len(audits), done, counts))
    return out
