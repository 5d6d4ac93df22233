"""User administration for administrators: list, add and edit users; reset an authenticator;
set a temporary password.

Server-rendered GOV.UK forms, no JavaScript needed. Every change is a POST, made in one
transaction with one ``admin`` access-log entry naming what changed (never a password or an
authenticator secret): the change and its record commit together or not at all. A temporary
password is shown once, on the page that answers the POST, and never stored where it could be
shown again. An authenticator's secret is never shown to an administrator: the user enrols the
new device themselves at their next sign-in (``jigsaw.accounts.enrolment``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from jigsaw.records.database import db
from jigsaw.records.models import Agency

from . import events, second_admin, user_admin
from .admin_forms import NewUserForm, UserForm, add_account_error, date_inputs
from .changes import Changes, compare
from .lookups import get_or_404
from .models import AdminRequest, Profile
from .roles import CASE_ROLES, Role, require_area, vetting_lapses_on
from .services import AccountError, create_user

PAGE_SIZE = 50
#: A check lapsing within this many days is flagged so it can be renewed in time.
DUE_DAYS = 60


def vetting_status(checked_on: dt.date | None, today: dt.date) -> dict[str, Any]:
    """current, due (lapses within DUE_DAYS), lapsed or none, with the day it lapses."""
    if checked_on is None:
        return {"status": "none", "lapses_on": None}
    lapses_on = vetting_lapses_on(checked_on)
    if lapses_on <= today:
        status = "lapsed"
    elif lapses_on <= today + dt.timedelta(days=DUE_DAYS):
        status = "due"
    else:
        status = "current"
    return {"status": status, "lapses_on": lapses_on}


def _filters(request: HttpRequest, agencies: list[Agency]) -> dict[str, str]:
    """The list's filters from the query string; anything unrecognised means "all"."""
    agency = request.GET.get("agency", "")
    if agency != "none" and agency not in {str(a.pk) for a in agencies}:
        agency = ""
    role = request.GET.get("role", "")
    status = request.GET.get("status", "")
    return {"agency": agency, "role": role if role in Role.values else "",
            "status": status if status in ("active", "inactive") else ""}


@never_cache
@require_area("admin")
@require_http_methods(["GET"])
def users(request: HttpRequest) -> HttpResponse:
    using = db()
    agencies = list(Agency.objects.using(using).order_by("name"))
    chosen = _filters(request, agencies)
    profiles = Profile.objects.using(using).select_related("user", "agency").order_by("user__username")
    if chosen["agency"] == "none":
        profiles = profiles.filter(agency=None)
    elif chosen["agency"]:
        profiles = profiles.filter(agency_id=int(chosen["agency"]))
    if chosen["role"]:
        profiles = profiles.filter(role=chosen["role"])
    if chosen["status"]:
        profiles = profiles.filter(user__is_active=chosen["status"] == "active")
    page = Paginator(profiles, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = [{"profile": p, **vetting_status(p.vetting_checked_on, today),
             "trained": p.training_completed_on is not None} for p in page]
    return render(request, "accounts/users.html", {
        "rows": rows, "page": page, "chosen": chosen, "agencies": agencies, "roles": Role.choices,
        "filtered": any(chosen.values())})


def _given(data: dict[str, Any], agency: str | None) -> Changes:
    """A new user's settings, as changes from nothing."""
    given = {name: value for name, value in (
        ("role", data["role"]), ("agency", agency), ("active", True), ("vetted_on", data["vetted_on"]),
        ("trained_on", data["trained_on"])) if value is not None}
    return compare(dict.fromkeys(given), given, user_admin.VALUED)


def _log_user(request: HttpRequest, using: str, operation: str, user: Any, changes: Changes) -> None:
    events.announce(events.administered, request=request, using=using, detail={
        "operation": operation, "user": user.username, "user_id": user.pk, **changes.detail()})


@never_cache
@require_area("admin")
@require_http_methods(["GET", "POST"])
def new_user(request: HttpRequest) -> HttpResponse:
    using = db()
    form = NewUserForm(request.POST or None, using=using)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        agency = data["agency"].name if data["agency"] else None
        try:
            with transaction.atomic(using=using):
                create_user(data["username"], data["password"], data["role"], agency=agency,
                                     vetted_on=data["vetted_on"], trained_on=data["trained_on"], using=using)
                user = get_user_model()._default_manager.db_manager(using).get(username=data["username"])
                _log_user(request, using, "create_user", user, _given(data, agency))
                if data["role"] in CASE_ROLES:  # case access waits for a second administrator
                    user.is_active = False
                    user.save(using=using, update_fields=["is_active"])
                    _ask(request, using, AdminRequest.GRANT, user, role=data["role"])
        except AccountError as exc:
            add_account_error(form, exc)
        else:
            return render(request, "accounts/user_created.html", {"new_user": user})
    return render(request, "accounts/new_user.html", {"form": form, "dates": date_inputs(form)},
                  status=400 if form.is_bound and form.errors else 200)


def _profile(user_id: int, using: str) -> Profile:
    """The user's profile, or 404: an account without one (made by hand) is not administered here."""
    return get_or_404(Profile.objects.using(using).select_related("user", "agency"), user_id, field="user_id")


def _initial(profile: Profile) -> dict[str, Any]:
    user = profile.user
    return {"first_name": user.first_name, "last_name": user.last_name, "role": profile.role,
            "agency": profile.agency_id, "vetted_on": profile.vetting_checked_on,
            "trained_on": profile.training_completed_on, "active": "yes" if user.is_active else "no"}


@never_cache
@require_area("admin")
@require_http_methods(["GET", "POST"])
def user(request: HttpRequest, user_id: int) -> HttpResponse:
    using = db()
    profile = _profile(user_id, using)
    form = UserForm(request.POST or None, initial=_initial(profile), using=using,
                    current_agency=profile.agency_id)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        edit = user_admin.UserEdit(
            first_name=data["first_name"], last_name=data["last_name"], role=data["role"],
            agency_id=data["agency"].pk if data["agency"] else None, vetted_on=data["vetted_on"],
            trained_on=data["trained_on"], active=data["active"])
        held = second_admin.grants_case_access(profile.role, edit.role)
        if held:  # the new case role waits for a second administrator; the rest is saved now
            edit = dataclasses.replace(edit, role=profile.role)
        try:
            with transaction.atomic(using=using):
                changes = user_admin.update_user(user_id, edit, acting_user_id=request.user.pk, using=using)
                if changes:
                    _log_user(request, using, "edit_user", profile.user, changes)
                if held:
                    _ask(request, using, AdminRequest.GRANT, profile.user, role=data["role"])
        except AccountError as exc:
            add_account_error(form, exc)
        else:
            messages.success(request, "Changes saved" if changes else "Nothing was changed")
            return redirect("accounts:user", user_id=user_id)
    return render(request, "accounts/user.html", {
        "form": form, "dates": date_inputs(form), "subject": profile.user, "profile": profile,
        "vetting": vetting_status(profile.vetting_checked_on, timezone.localdate()),
        "is_self": profile.user_id == request.user.pk,
    }, status=400 if form.is_bound and form.errors else 200)


@never_cache
@require_area("admin")
@require_POST
def reset_user_authenticator(request: HttpRequest, user_id: int) -> HttpResponse:
    using = db()
    profile = _profile(user_id, using)
    with transaction.atomic(using=using):
        asked = _ask(request, using, AdminRequest.RESET_AUTHENTICATOR, profile.user)
    return render(request, "accounts/request_recorded.html", {"subject": profile.user, "asked": asked})


@never_cache
@require_area("admin")
@require_POST
def set_user_temporary_password(request: HttpRequest, user_id: int) -> HttpResponse:
    """A forgotten password: a random one shown once here, to be replaced at the next sign-in."""
    using = db()
    profile = _profile(user_id, using)
    if profile.user_id == request.user.pk:
        raise PermissionDenied("Administrators change their own password on the Change your password page")
    with transaction.atomic(using=using):
        asked = _ask(request, using, AdminRequest.TEMPORARY_PASSWORD, profile.user)
    return render(request, "accounts/request_recorded.html", {"subject": profile.user, "asked": asked})


#: The access log's name for an approved request's operation (as when one administrator did it alone).
DONE = {AdminRequest.GRANT: "grant_case_access", AdminRequest.RESET_AUTHENTICATOR: "reset_authenticator",
        AdminRequest.TEMPORARY_PASSWORD: "set_temporary_password"}


def _ask(request: HttpRequest, using: str, operation: str, subject: Any, role: str = "") -> AdminRequest:
    """Record a request for a second administrator, and log it (the auditors see every one)."""
    try:
        asked = second_admin.ask(operation, subject.pk, request.user.pk, using=using, role=role)
    except AccountError as exc:
        raise PermissionDenied(str(exc)) from None
    events.announce(events.administered, request=request, using=using, detail={
        "operation": f"request_{operation}", "user": subject.username, "user_id": subject.pk,
        "request": asked.pk, "role": role})
    return asked


@never_cache
@require_area("admin")
@require_http_methods(["GET", "POST"])
def requests(request: HttpRequest) -> HttpResponse:
    """Requests waiting for a second administrator: approve (carry out) or refuse each."""
    using = db()
    error = ""
    if request.method == "POST":
        item, choice = request.POST.get("request", ""), request.POST.get("decision", "")
        if not item.isdigit() or choice not in ("approve", "refuse"):
            error = "Choose a request and approve or refuse it"
        else:
            try:
                with transaction.atomic(using=using):
                    decided, secret = second_admin.decide(int(item), request.user.pk, choice == "approve",
                                                          using=using)
                    done = DONE[decided.operation] if choice == "approve" else f"refuse_{decided.operation}"
                    events.announce(events.administered, request=request, using=using, detail={
                        "operation": done, "user": decided.user.username, "user_id": decided.user_id,
                        "request": decided.pk, "requested_by": decided.requested_by.username})
            except AccountError as exc:
                error = str(exc)[:1].upper() + str(exc)[1:]
            else:
                if decided.operation == AdminRequest.RESET_AUTHENTICATOR and secret is not None:
                    return render(request, "accounts/authenticator_reset.html",
                                  {"subject": decided.user})
                if decided.operation == AdminRequest.TEMPORARY_PASSWORD and secret is not None:
                    return render(request, "accounts/temporary_password.html",
                                  {"subject": decided.user, "password": secret,
                                   "hours": settings.JIGSAW_TEMPORARY_PASSWORD_HOURS})
                messages.success(request, "Request approved" if choice == "approve" else "Request refused")
                return redirect("accounts:requests")
    return render(request, "accounts/requests.html", {"pending": second_admin.pending(using), "error": error},
                  status=400 if error else 200)
