"""Information-sharing decisions: share or not, what, with whom, why, on what lawful basis.

The DfE's *Information sharing: advice for practitioners* (2024) asks every practitioner to
"record your decision and the reasons for it, whether or not you decide to share"; and, when
sharing, what was shared, with whom and for what purpose. So both kinds of decision are
recorded, with the agency and the person, and the reasons; a decision to share must name its
lawful basis from :mod:`jigsaw.practice.bases`. The decision becomes a *judgement* entry in the
child's chronology and is written to the access log (``record_practice``) in one transaction.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from jigsaw.audit.models import Action

from . import checks
from .access import Opened, log
from .bases import BY_CODE, basis_named
from .entries import write_entry
from .models import SharingDecision


def record_decision(
    opened: Opened, data: dict[str, Any], using: str, today: date | None = None
) -> SharingDecision:
    """Check the form, then write the decision, its chronology entry and its access-log entry."""
    share = {"yes": True, "no": False}.get(str(data.get("share", "")).strip())
    if share is None:
        raise checks.PracticeError("share", "Select whether you decided to share the information")
    decided_on = checks.past_date(data.get("decided_on"), "decided_on", "the date of the decision", today)
    what = checks.text(data.get("what"), "what", "what information was (or would have been) shared")
    agency = checks.agency(data.get("agency"), "agency", using)
    recipient = checks.optional(data.get("recipient"))
    purpose = checks.text(data.get("purpose"), "purpose", "the reasons for your decision")
    basis = basis_named(data.get("lawful_basis"))
    if share and basis is None:
        raise checks.PracticeError("lawful_basis", "Select the lawful basis for sharing")
    person_id = opened.person.pk
    actor = opened.actor
    with transaction.atomic(using=using):
        decision = SharingDecision.objects.using(using).create(
            person_id=person_id,
            recorded_by=actor.username,
            recorded_by_name=actor.name[:200],
            recorded_by_agency=actor.agency[:200],
            recorded_at=timezone.now(),
            decided_on=decided_on,
            share=share,
            what=what,
            agency=agency,
            recipient=recipient,
            purpose=purpose,
            lawful_basis=basis.code if basis and share else "",
        )
        whom = f"{recipient}, {agency.name}" if recipient else agency.name
        summary = (
            f"Decided to share with {whom}: {what}. Why: {purpose}. Lawful basis: {basis.label}."
            if share and basis
            else f"Decided not to share with {whom}: {what}. Why: {purpose}."
        )
        decision.event = write_entry(
            person_id,
            "sharing",
            decision.pk,
            "information_sharing_decision",
            decided_on,
            summary,
            "judgement",
            actor,
            using,
            {"share": share, "agency": agency.name, "lawful_basis": decision.lawful_basis},
        )
        decision.save(using=using, update_fields=["event"])
        log(
            opened,
            using,
            Action.RECORD_PRACTICE,
            what="sharing_decision",
            record=decision.pk,
            share=share,
            agency=agency.name,
            lawful_basis=decision.lawful_basis,
        )
    return decision


@dataclass(frozen=True)
class AgencyRow:
    agency: str
    shared: int
    not_shared: int
    by_basis: dict[str, int]


def per_agency(since: date | None, until: date | None, using: str) -> list[AgencyRow]:
    """Decisions per receiving agency (counts only, no child): shared, not shared, by basis."""
    rows = SharingDecision.objects.using(using).all()
    if since:
        rows = rows.filter(decided_on__gte=since)
    if until:
        rows = rows.filter(decided_on__lte=until)
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    bases: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for name, share, basis in rows.values_list("agency__name", "share", "lawful_basis"):
        counts[name][0 if share else 1] += 1
        if share and basis:
            bases[name][BY_CODE[basis].label if basis in BY_CODE else basis] += 1
    return [
        AgencyRow(name, c[0], c[1], dict(sorted(bases[name].items()))) for name, c in sorted(counts.items())
    ]
