"""Professional disagreement and escalation: staged, timed, self-escalating, with alerts.

Working Together to Safeguard Children 2023 expects every area to have a way to resolve
professional disagreements, and every local procedure read stages it the same way: practitioner to
practitioner, manager to manager, designated safeguarding leads (senior liaison officers), then
the safeguarding partnership. Each stage has a time in working days
(``JIGSAW_PRACTICE_STAGE_WORKING_DAYS``; defaults and sources in settings.py and
docs/practice.md). A stage not resolved in its time escalates itself to the next
(:func:`sweep`, run daily by ``jigsaw alerts run`` and ``jigsaw practice run``, and whenever a
child's disagreements are listed); the partnership stage, having no next, raises its alert again
and restarts its time. Every escalation raises an alert through the alerts app, routed to an
account (see :func:`_assignee`); the alert names no one, only the disagreement's number.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from jigsaw.accounts.roles import Role
from jigsaw.alerts.models import Alert
from jigsaw.alerts.store import store
from jigsaw.audit.models import Action
from jigsaw.feeds import LONDON, calendar
from jigsaw.rules import Finding

from . import checks
from .access import Opened, log
from .models import Disagreement, DisagreementStep

STAGES: tuple[str, ...] = ("practitioner", "manager", "designated_lead", "partnership")
STAGE_LABELS = {
    "practitioner": "Practitioner to practitioner",
    "manager": "Manager to manager",
    "designated_lead": "Designated safeguarding leads",
    "partnership": "Safeguarding partnership",
}
RULE_ID = "DISAGREEMENT"
SYSTEM = "jigsaw practice"
CITATION = (
    "Working Together to Safeguard Children 2023 (resolving professional disagreements); stage times "
    "from the Lincolnshire joint professional escalation and resolution protocol (docs/practice.md)"
)


def stage_days(stage: str) -> int:
    """Working days a stage has (settings), 5 for a stage the settings leave out."""
    return int(settings.JIGSAW_PRACTICE_STAGE_WORKING_DAYS.get(stage, 5))


def due_at(stage: str, start: datetime) -> datetime:
    """The end (UK time) of the stage's last working day, counted from the day it started."""
    day = calendar.add_working_days(start.astimezone(LONDON).date(), stage_days(stage))
    return datetime.combine(day, time(23, 59, 59), tzinfo=LONDON).astimezone(UTC)


def raise_disagreement(
    opened: Opened, data: dict[str, Any], using: str, now: datetime | None = None
) -> Disagreement:
    """Record a disagreement at the practitioner stage, its first step and the access-log entry."""
    about = checks.text(data.get("about"), "about", "the decision you disagree with")
    agency = checks.agency(data.get("agency"), "agency", using)
    with_whom = checks.optional(data.get("with_whom"))
    why = checks.text(data.get("why"), "why", "why you disagree")
    now = now or timezone.now()
    actor = opened.actor
    with transaction.atomic(using=using):
        item = Disagreement.objects.using(using).create(
            person_id=opened.person.pk,
            recorded_by=actor.username,
            recorded_by_name=actor.name[:200],
            recorded_by_agency=actor.agency[:200],
            recorded_at=now,
            about=about,
            agency=agency,
            with_whom=with_whom,
            stage=STAGES[0],
            stage_started_at=now,
            stage_due_at=due_at(STAGES[0], now),
        )
        DisagreementStep.objects.using(using).create(
            disagreement=item,
            step=DisagreementStep.RAISED,
            stage=STAGES[0],
            by=actor.username,
            note=why,
            at=now,
        )
        log(opened, using, Action.RECORD_PRACTICE, what="disagreement", record=item.pk, step="raised")
    return item


def escalate(
    item: Disagreement, by: str, note: str, using: str, now: datetime | None = None, timed_out: bool = False
) -> DisagreementStep:
    """Move an open disagreement to its next stage (the last stage restarts), raising an alert."""
    if item.status != Disagreement.OPEN:
        raise checks.PracticeError("note", f"Disagreement {item.pk} is resolved; it cannot be escalated")
    if not timed_out and not note.strip():
        raise checks.PracticeError("note", "Say why you are escalating the disagreement")
    now = now or timezone.now()
    index = STAGES.index(item.stage) if item.stage in STAGES else 0
    stage = STAGES[min(index + 1, len(STAGES) - 1)]
    with transaction.atomic(using=using):
        item.stage, item.stage_started_at, item.stage_due_at = stage, now, due_at(stage, now)
        item.save(using=using, update_fields=["stage", "stage_started_at", "stage_due_at"])
        alert = _alert(item, now, timed_out, using)
        return DisagreementStep.objects.using(using).create(
            disagreement=item,
            step=DisagreementStep.TIMED_OUT if timed_out else DisagreementStep.ESCALATED,
            stage=stage,
            by=by,
            note=note.strip() or f"not resolved within {stage_days(STAGES[index])} working days",
            at=now,
            alert_id=alert,
        )


def resolve(
    item: Disagreement, outcome: str, by: str, using: str, now: datetime | None = None
) -> Disagreement:
    """Record the outcome; the disagreement stops escalating."""
    if item.status != Disagreement.OPEN:
        raise checks.PracticeError("outcome", f"Disagreement {item.pk} is already resolved")
    outcome = checks.text(outcome, "outcome", "the outcome (what was agreed, and by whom)")
    now = now or timezone.now()
    with transaction.atomic(using=using):
        item.status, item.outcome, item.resolved_at = Disagreement.RESOLVED, outcome, now
        item.save(using=using, update_fields=["status", "outcome", "resolved_at"])
        DisagreementStep.objects.using(using).create(
            disagreement=item, step=DisagreementStep.RESOLVED, stage=item.stage, by=by, note=outcome, at=now
        )
    return item


def sweep(using: str, now: datetime | None = None, person_id: int | None = None) -> list[int]:
    """Escalate every open disagreement whose stage ran out of time (of one person, or all)."""
    now = now or timezone.now()
    due = Disagreement.objects.using(using).filter(status=Disagreement.OPEN, stage_due_at__lt=now)
    if person_id is not None:
        due = due.filter(person_id=person_id)
    moved = []
    for item in due.order_by("stage_due_at", "pk"):
        escalate(item, SYSTEM, "", using, now, timed_out=True)
        moved.append(item.pk)
    return moved


def _alert(item: Disagreement, now: datetime, timed_out: bool, using: str) -> int | None:
    """An alert that the disagreement reached ``item.stage``, given to the account that acts next."""
    how = "was not resolved in its time and escalated itself" if timed_out else "was escalated"
    explanation = (
        f"Professional disagreement {item.pk} {how} to the {STAGE_LABELS[item.stage].lower()} "
        f"stage on {now.astimezone(LONDON):%d %B %Y}; it is due to be resolved there by "
        f"{item.stage_due_at.astimezone(LONDON):%d %B %Y}. Open the child's page to see it."
    )
    key = f"disagreement:{item.pk}:{item.stage}:{now.isoformat()}"
    store(
        [
            Finding(
                rule_id=RULE_ID,
                rule_version=1,
                title="Professional disagreement escalated",
                severity="medium",
                mode="required",
                route="hub",
                person_ids=(item.person_id,),
                event_keys=(),
                first_at=now,
                last_at=now,
                explanation=explanation,
                citation=CITATION,
                uncertain=False,
                pattern_key=key,
            )
        ],
        using,
    )
    alert = Alert.objects.using(using).filter(rule_id=RULE_ID, pattern_key=key).first()
    if alert is None:
        return None
    account = _assignee(item, using)
    if account is not None:
        alert.assignee_id = account
        alert.routed_to = f"{STAGE_LABELS[item.stage]} (escalation of disagreement {item.pk})"[:300]
        alert.save(using=using, update_fields=["assignee", "routed_to", "updated_at"])
    return alert.pk


def _assignee(item: Disagreement, using: str) -> int | None:
    """Who acts next: at the manager stage the practitioner who raised it (to take it to their
    manager); at the designated-lead stage the one active safeguarding lead of the raiser's agency
    (else the raiser); at the partnership stage the safeguarding hub's queue (None)."""
    users = get_user_model().objects.using(using).filter(is_active=True)
    raiser = users.filter(username=item.recorded_by).values_list("pk", flat=True).first()
    if item.stage == "partnership":
        return None
    if item.stage == "designated_lead" and item.recorded_by_agency:
        leads = list(
            users.filter(
                profile__role=Role.SAFEGUARDING_LEAD, profile__agency__name=item.recorded_by_agency
            ).values_list("pk", flat=True)[:2]
        )
        if len(leads) == 1:
            return leads[0]
    return raiser


def overdue_on(item: Disagreement, today: date) -> bool:
    return item.status == Disagreement.OPEN and item.stage_due_at.astimezone(LONDON).date() < today
