"""Break glass: a social worker or police user opens a protected child's record in an emergency.

The issue's rule: a police or social care override needs a reason, is shown to the hub and is
audited. So the override is refused to everyone else, needs a lawful reason and a real account
of the emergency (:func:`jigsaw.signpost.gate.account_problem`), is written to the access log as
an override, and raises an alert in the hub's queue naming who did it and when; the user who
broke glass cannot act on that alert. It lasts ``JIGSAW_OVERRIDE_MINUTES`` and ends when the
user opens another child or searches (:class:`jigsaw.signpost.gate.Override`).

The endpoint is no oracle: who may break glass is checked first, the form next, and only then
the id -- an unknown id, a child who is not protected and a child outside the user's scope all
get the same refusal, and every refusal is written to the access log.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from jigsaw.accounts.roles import Role, require_child_access, role_of
from jigsaw.alerts.store import store
from jigsaw.audit.actor import Actor, db
from jigsaw.audit.models import Action
from jigsaw.rules import Finding
from jigsaw.signpost import gate
from jigsaw.signpost.models import Person, ShieldedSearch
from jigsaw.signpost.scope import may_open, scope_of
from jigsaw.signpost.search import reason_named, reasons
from jigsaw.signpost.shielding import message as shield_message

#: Agencies whose users may break glass, besides allocated social workers.
OVERRIDE_AGENCY_TYPES = frozenset({"police", "social_care"})
MIN_ACCOUNT = gate.MIN_ACCOUNT
REFUSED = "No protected record can be opened under override here."


def may_override(request: HttpRequest) -> bool:
    """Social care or police: an allocated social worker, or a case role in such an agency."""
    if role_of(request.user) == Role.SOCIAL_WORKER:
        return True
    profile = getattr(request.user, "profile", None)
    agency = profile.agency if profile is not None and profile.agency_id else None
    return agency is not None and agency.agency_type in OVERRIDE_AGENCY_TYPES


def shielded_page(request: HttpRequest, person_id: int, using: str, status: int = 403,
                  error: str = "") -> HttpResponse:
    return render(request, "chronology/shielded.html", {
        "message": shield_message(gate.hub_contact(person_id, using)), "person_id": person_id,
        "may_override": may_override(request), "reasons": reasons(), "error": error,
        "min_account": MIN_ACCOUNT}, status=status)


def _refuse(request: HttpRequest, actor: Actor, person_id: int, why: str, using: str) -> HttpResponse:
    actor.log(Action.REFUSED, using=using, person_id=person_id,
              detail={"view": "chronology:child-override", "method": "POST", "why": why})
    return render(request, "403.html", {"exception": REFUSED}, status=403)


@require_child_access
@require_POST
def override(request: HttpRequest, person_id: int) -> HttpResponse:
    using = db()
    actor = Actor.of(request)
    if not may_override(request):
        return _refuse(request, actor, person_id, "role may not break glass", using)
    reason = reason_named(request.POST.get("reason"))
    account = " ".join(request.POST.get("account", "").split())
    problem = "select the lawful reason" if reason is None else gate.account_problem(account)
    if problem:
        actor.log(Action.REFUSED, using=using, person_id=person_id,
                  detail={"view": "chronology:child-override", "method": "POST", "why": "incomplete request"})
        return render(request, "chronology/shielded.html", {
            "message": "Break glass needs a lawful reason and an account of the emergency.",
            "person_id": person_id, "may_override": True, "reasons": reasons(),
            "error": problem[:1].upper() + problem[1:], "min_account": MIN_ACCOUNT}, status=400)
    exists = Person.objects.using(using).filter(pk=person_id).exists()
    if not (exists and person_id in may_open(scope_of(request.user, using), [person_id], using)
            and person_id in gate.protected([person_id], using)):
        return _refuse(request, actor, person_id, "no protected record in scope", using)
    now = datetime.now(UTC)
    with transaction.atomic(using=using):
        actor.log(Action.OVERRIDE, using=using, person_id=person_id, reason=reason.code, reason_text=account,
                  detail={"operation": "break_glass"})
        ShieldedSearch.objects.using(using).create(person_id=person_id, searched_by=actor.username,
                                                   reason=f"override: {reason.code}"[:100])
        store([Finding(
            rule_id="OVERRIDE", rule_version=1, title="Protected record opened under override",
            severity="high", mode="required", route="hub", person_ids=(person_id,), event_keys=(),
            first_at=now, last_at=now, explanation=(
                f"{actor.name} ({actor.role}{', ' + actor.agency if actor.agency else ''}) opened this "
                f"protected child's record at {now:%d %B %Y %H:%M} UTC for {reason.label}: {account}"),
            citation="Shielding policy: every override is shown to the safeguarding hub (Jigsaw issue 5)",
            uncertain=False, pattern_key=f"override:{person_id}:{actor.username}:{now.isoformat()}")],
            using, raised_by=actor.username)
    gate.Override.grant(request.session, person_id)
    return redirect(f"/children/{person_id}/?reason={reason.code}")
