"""Break glass: a social worker or police user opens a shielded child's record in an emergency.

The issue's rule: a police or social care override needs a reason, is shown to the hub and is
audited. So the override is refused to everyone else, needs a lawful reason and an account of
the emergency, is written to the access log as an override, and raises an alert in the hub's
queue naming who did it and when. It lasts for this session only.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from jigsaw.accounts.roles import Role, require_child_access, role_of
from jigsaw.alerts.store import store
from jigsaw.audit.actor import Actor, db
from jigsaw.audit.models import Action
from jigsaw.rules import Finding
from jigsaw.signpost.models import Person, ShieldedSearch
from jigsaw.signpost.search import REASON_KEY, reason_named, reasons
from jigsaw.signpost.shielding import message as shield_message

#: Agencies whose users may break glass, besides allocated social workers.
OVERRIDE_AGENCY_TYPES = frozenset({"police", "social_care"})
MIN_ACCOUNT = 20  # characters: "emergency" alone is not an account of one


def override_key(person_id: int) -> str:
    return f"jigsaw_override_{person_id}"


def may_override(request: HttpRequest) -> bool:
    """Social care or police: an allocated social worker, or a case role in such an agency."""
    if role_of(request.user) == Role.SOCIAL_WORKER:
        return True
    profile = getattr(request.user, "profile", None)
    agency = profile.agency if profile is not None and profile.agency_id else None
    return agency is not None and agency.agency_type in OVERRIDE_AGENCY_TYPES


def shielded_page(request: HttpRequest, person: Person, status: int = 403, error: str = "") -> HttpResponse:
    hub = person.shield_contact or "the safeguarding hub"
    return render(request, "chronology/shielded.html", {
        "message": shield_message(hub), "person_id": person.pk, "may_override": may_override(request),
        "reasons": reasons(), "error": error, "min_account": MIN_ACCOUNT}, status=status)


@require_child_access
@require_POST
def override(request: HttpRequest, person_id: int) -> HttpResponse:
    using = db()
    person = get_object_or_404(Person.objects.using(using), pk=person_id, shielded=True)
    if not may_override(request):
        return shielded_page(request, person)
    reason = reason_named(request.POST.get("reason"))
    account = " ".join(request.POST.get("account", "").split())
    if reason is None or len(account) < MIN_ACCOUNT:
        return shielded_page(request, person, status=400, error=(
            "Select the lawful reason and say what the emergency is "
            f"(at least {MIN_ACCOUNT} characters): the hub will read it"))
    actor = Actor.of(request)
    now = datetime.now(UTC)
    with transaction.atomic(using=using):
        actor.log(Action.OVERRIDE, using=using, person_id=person_id, reason=reason.code, reason_text=account,
                  detail={"operation": "break_glass"})
        ShieldedSearch.objects.using(using).create(person=person, searched_by=actor.username,
                                                   reason=f"override: {reason.code}"[:100])
        store([Finding(
            rule_id="OVERRIDE", rule_version=1, title="Protected record opened under override",
            severity="high", mode="required", route="hub", person_ids=(person_id,), event_keys=(),
            first_at=now, last_at=now, explanation=(
                f"{actor.name} ({actor.role}{', ' + actor.agency if actor.agency else ''}) opened this "
                f"shielded child's record at {now:%d %B %Y %H:%M} UTC for {reason.label}: {account}"),
            citation="Shielding policy: every override is shown to the safeguarding hub (Jigsaw issue 5)",
            uncertain=False, pattern_key=f"override:{person_id}:{actor.username}:{now.isoformat()}")], using)
    request.session[override_key(person_id)] = True
    request.session[REASON_KEY] = reason.code
    return redirect("chronology:child", person_id=person_id)



