"""Agency administration for administrators: list, add and edit agencies (never delete them).

The list answers what an administrator is asked most: which agencies there are, how many of
their staff can sign in, and which source systems feed in under each. Every change is a POST
made in one transaction with one ``admin`` access-log entry naming what changed.
"""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from jigsaw.records.database import db
from jigsaw.records.models import Agency, SourceSystem

from . import agency_admin, events
from .admin_forms import AgencyForm, add_account_error
from .changes import Changes, loggable
from .lookups import get_or_404
from .roles import require_area
from .services import AccountError


def _counted(using: str) -> QuerySet[Agency]:
    """Agencies with how many accounts they have, and how many of those can sign in."""
    return Agency.objects.using(using).annotate(
        active_users=Count("profile", filter=Q(profile__user__is_active=True)),
        all_users=Count("profile"))


def _systems(using: str, agency_id: int | None = None) -> dict[int, list[SourceSystem]]:
    systems = SourceSystem.objects.using(using).exclude(agency=None).order_by("code")
    if agency_id is not None:
        systems = systems.filter(agency_id=agency_id)
    found: dict[int, list[SourceSystem]] = defaultdict(list)
    for system in systems:
        found[system.agency_id].append(system)
    return found


def _log(request: HttpRequest, using: str, operation: str, agency: Agency, changes: Changes,
         deactivated: int = 0) -> None:
    detail = {"operation": operation, "agency_id": agency.pk, "agency": loggable(agency.name),
              **changes.detail()}
    if deactivated:
        detail["users_deactivated"] = deactivated
    events.announce(events.administered, request=request, using=using, detail=detail)


def _saved(changes: Changes, deactivated: int) -> str:
    if not changes:
        return "Nothing was changed"
    if deactivated:
        return f"Changes saved; {deactivated} account{'s' if deactivated != 1 else ''} deactivated with it"
    return "Changes saved"


@never_cache
@require_area("admin")
@require_http_methods(["GET"])
def agencies(request: HttpRequest) -> HttpResponse:
    using = db()
    systems = _systems(using)
    rows = [{"agency": agency, "systems": systems.get(agency.pk, []),
             "contact": [line for line in (agency.safeguarding_team, agency.safeguarding_phone,
                                           agency.safeguarding_email) if line]}
            for agency in _counted(using).order_by("name")]
    return render(request, "accounts/agencies.html", {"rows": rows})


@never_cache
@require_area("admin")
@require_http_methods(["GET", "POST"])
def new_agency(request: HttpRequest) -> HttpResponse:
    using = db()
    form = AgencyForm(request.POST or None, using=using)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic(using=using):
                agency, changes = agency_admin.create_agency(form.edit(), using)
                _log(request, using, "create_agency", agency, changes)
        except AccountError as exc:
            add_account_error(form, exc)
        else:
            messages.success(request, "Agency added")
            return redirect("accounts:agency", agency_id=agency.pk)
    return render(request, "accounts/agency.html", {"form": form, "agency": None},
                  status=400 if form.is_bound and form.errors else 200)


@never_cache
@require_area("admin")
@require_http_methods(["GET", "POST"])
def agency(request: HttpRequest, agency_id: int) -> HttpResponse:
    using = db()
    current = get_or_404(_counted(using), agency_id)
    initial = {"name": current.name, "agency_type": current.agency_type, "active": "yes" if current.is_active
               else "no", **{f: getattr(current, f) for f in ("safeguarding_team", "safeguarding_phone",
                                                              "safeguarding_email")}}
    form = AgencyForm(request.POST or None, initial=initial, using=using, agency_id=agency_id)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic(using=using):
                changes, deactivated = agency_admin.update_agency(
                    agency_id, form.edit(), acting_user_id=request.user.pk, using=using)
                if changes:
                    renamed = Agency.objects.using(using).get(pk=agency_id)
                    _log(request, using, "edit_agency", renamed, changes, deactivated)
        except AccountError as exc:
            add_account_error(form, exc)
        else:
            messages.success(request, _saved(changes, deactivated))
            return redirect("accounts:agency", agency_id=agency_id)
    return render(request, "accounts/agency.html", {
        "form": form, "agency": current, "systems": _systems(using, agency_id).get(agency_id, [])},
        status=400 if form.is_bound and form.errors else 200)
