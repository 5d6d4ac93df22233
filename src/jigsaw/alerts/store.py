"""Turning the rules' findings into alerts: once per open pattern, routed to a named person.

Routing follows the rule (DESIGN; the issue's catalogue): the allocated social worker by name
for a child on a plan attending an emergency department (the CP-IS promise), the school's
designated safeguarding lead for a domestic abuse incident (Operation Encompass), the lead
professional, or the safeguarding hub's queue when no named person is recorded. ``routed_to``
is the text shown; who may see and act on the alert is ``Alert.assignee``, an account chosen
by :mod:`jigsaw.alerts.assign` when it is raised (no account: the hub's queue).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from django.db import transaction

from jigsaw.alerts.assign import resolver
from jigsaw.alerts.due import due_at
from jigsaw.alerts.models import Alert, AlertAction
from jigsaw.records.models import Involvement
from jigsaw.rules import Finding
from jigsaw.signpost.models import Person, RecordLink

#: Which recorded involvement role receives each route (case-insensitive "contains").
ROUTE_ROLES = {
    "allocated_worker": ("allocated social worker", "social worker"),
    "school_safeguarding_lead": ("designated safeguarding lead", "safeguarding lead"),
    "lead_professional": ("lead professional", "allocated social worker", "health visitor"),
}
HUB = "safeguarding hub queue"
SYSTEM = "jigsaw rules"


@dataclass
class StoreResult:
    raised: int = 0
    updated: int = 0
    unchanged: int = 0


def _aware(value: datetime | date) -> datetime:
    if not isinstance(value, datetime):
        value = datetime.combine(value, time.min)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _involvements(person_ids: set[int], using: str) -> dict[int, list[dict]]:
    """Current involvements of each person, newest first, in two queries."""
    person_of = dict(
        RecordLink.objects.using(using).filter(person_id__in=person_ids).values_list("record_id", "person_id")
    )
    out: dict[int, list[dict]] = {}
    rows = (
        Involvement.objects.using(using)
        .filter(person_id__in=list(person_of), ended_on__isnull=True)
        .order_by("-started_on")
        .values("person_id", "role", "practitioner", "team", "agency", "contact")
    )
    for inv in rows:
        out.setdefault(person_of[inv["person_id"]], []).append(inv)
    return out


def _involvement(route: str, person_ids: Iterable[int], involvements: dict[int, list[dict]]) -> dict | None:
    roles = ROUTE_ROLES.get(route, ())
    current = [inv for p in person_ids for inv in involvements.get(p, [])]
    for wanted in roles:
        for inv in current:
            if wanted in inv["role"].lower() and inv["practitioner"]:
                return inv
    return None


def routed_to(route: str, person_ids: Iterable[int], involvements: dict[int, list[dict]]) -> str:
    """The named person (and how to reach them) a route leads to, or the hub queue."""
    roles = ROUTE_ROLES.get(route)
    if not roles:
        return HUB
    inv = _involvement(route, person_ids, involvements)
    if inv is not None:
        where = ", ".join(x for x in (inv["team"], inv["agency"]) if x)
        contact = f" ({inv['contact']})" if inv["contact"] else ""
        return f"{inv['practitioner']}, {inv['role']}, {where}{contact}"[:300]
    return f"{HUB} (no {roles[0]} recorded)"


def store(findings: Iterable[Finding], using: str = "default", raised_by: str = "") -> StoreResult:
    """Raise an alert for each new pattern; add new events to an open alert of the same pattern.

    A closed alert's pattern is raised again only when it has events the closed alert did not.
    ``raised_by`` names the account whose act raised it (a break-glass override), who may then
    never act on it themselves.
    Existing alerts are read in one query and new ones written in bulk: a full evaluation of a
    partnership finds tens of thousands of patterns.
    """
    findings = list(findings)
    result = StoreResult()
    with transaction.atomic(using=using):
        rules = {f.rule_id for f in findings}
        latest: dict[tuple[str, str], Alert] = {}
        for alert in Alert.objects.using(using).filter(rule_id__in=rules).order_by("pk"):
            latest[(alert.rule_id, alert.pattern_key)] = alert
        new: list[Finding] = []
        for finding in findings:
            existing = latest.get((finding.rule_id, finding.pattern_key))
            if existing is None or (
                existing.status == Alert.CLOSED and not set(finding.event_keys) <= set(existing.event_keys)
            ):
                new.append(finding)
            elif existing.status != Alert.CLOSED and list(finding.event_keys) != existing.event_keys:
                fresh = set(finding.event_keys)
                older = [k for k in existing.event_keys if k not in fresh]
                existing.event_keys = [*finding.event_keys, *older]
                existing.last_at = max(existing.last_at, _aware(finding.last_at))
                existing.save(using=using, update_fields=["event_keys", "last_at", "updated_at"])
                AlertAction.objects.using(using).create(
                    alert=existing, action=AlertAction.UPDATED, by=SYSTEM, reason="new events in the pattern"
                )
                result.updated += 1
            else:
                result.unchanged += 1
        _raise_all(new, using, raised_by)
        result.raised = len(new)
    return result


def _raise_all(findings: list[Finding], using: str, raised_by: str = "") -> None:
    people = {p for f in findings for p in f.person_ids}
    known = set(Person.objects.using(using).filter(pk__in=people).values_list("pk", flat=True))
    involvements = _involvements(people, using)
    resolve = resolver(using) if findings else None

    def account(f: Finding) -> int | None:
        inv = _involvement(f.route, f.person_ids, involvements)
        if inv is None or resolve is None:
            return None
        return resolve(inv["practitioner"], inv["agency"], inv["contact"])

    alerts = Alert.objects.using(using).bulk_create(
        [
            Alert(
                rule_id=f.rule_id,
                rule_version=f.rule_version,
                title=f.title,
                severity=f.severity,
                mode=f.mode,
                pattern_key=f.pattern_key,
                person_ids=list(f.person_ids),
                event_keys=list(f.event_keys),
                first_at=_aware(f.first_at),
                last_at=_aware(f.last_at),
                uncertain=f.uncertain,
                explanation=f.explanation,
                citation=f.citation,
                route=f.route,
                routed_to=routed_to(f.route, f.person_ids, involvements),
                assignee_id=account(f),
                raised_by=raised_by[:150],
                due_at=due_at(f.rule_id, _aware(f.first_at), _aware(f.last_at)),
            )
            for f in findings
        ],
        batch_size=2000,
    )
    if alerts and alerts[0].pk is None:  # SQLite before RETURNING support: read the ids back
        alerts = list(Alert.objects.using(using).order_by("-pk")[: len(alerts)])[::-1]
    through = Alert.people.through
    through.objects.using(using).bulk_create(
        [
            through(alert_id=a.pk, person_id=p)
            for a, f in zip(alerts, findings, strict=True)
            for p in f.person_ids
            if p in known
        ],
        batch_size=5000,
    )
    AlertAction.objects.using(using).bulk_create(
        [
            AlertAction(
                alert_id=a.pk,
                action=AlertAction.RAISED,
                by=SYSTEM,
                reason=f"rule {f.rule_id} v{f.rule_version}",
            )
            for a, f in zip(alerts, findings, strict=True)
        ],
        batch_size=5000,
    )
