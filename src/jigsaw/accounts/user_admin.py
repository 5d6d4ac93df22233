"""An administrator's edit of a user: role, agency, name, vetting dates, active or not.

The rules live here rather than in the page so any future caller obeys them too:

- an administrator cannot demote or deactivate themselves, so the partnership always keeps at
  least the administrator who is acting;
- an account cannot be active in a deactivated agency;
- vetting and training dates cannot be in the future.

A deactivated user (``is_active`` False) cannot sign in, and a session they already have stops
working on its next request: Django's ``ModelBackend.get_user`` returns no user for an inactive
account, so the sign-in gate sends the request to sign in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from jigsaw.records.models import Agency

from .changes import Changes, compare
from .models import Profile
from .roles import ROLE_AREAS, Role
from .services import AccountError

#: Fields whose old and new values the access log keeps (the names are logged as changed only).
VALUED = frozenset({"role", "agency", "active", "vetted_on", "trained_on"})


@dataclass(frozen=True)
class UserEdit:
    first_name: str
    last_name: str
    role: str
    agency_id: int | None
    vetted_on: dt.date | None
    trained_on: dt.date | None
    active: bool


def _state(user: Any, profile: Profile, agency: Agency | None) -> dict[str, Any]:
    return {"role": profile.role, "agency": agency.name if agency else None, "active": user.is_active,
            "vetted_on": profile.vetting_checked_on, "trained_on": profile.training_completed_on,
            "first_name": user.first_name, "last_name": user.last_name}


def update_user(user_id: int, edit: UserEdit, *, acting_user_id: int, using: str) -> Changes:
    """Apply the edit to the user (locked while it is applied); return what changed."""
    if edit.role not in ROLE_AREAS:
        raise AccountError("Select a role", field="role")
    today = timezone.localdate()
    for name, day in (("vetted_on", edit.vetted_on), ("trained_on", edit.trained_on)):
        if day is not None and day > today:
            raise AccountError("The date must be today or in the past", field=name)
    with transaction.atomic(using=using):
        user = get_user_model()._default_manager.db_manager(using).select_for_update().get(pk=user_id)
        profile = Profile.objects.using(using).select_for_update().get(user_id=user_id)
        old_agency = Agency.objects.using(using).filter(pk=profile.agency_id).first()
        agency = Agency.objects.using(using).filter(pk=edit.agency_id).first() if edit.agency_id else None
        if edit.agency_id and agency is None:
            raise AccountError("Select an agency from the list", field="agency")
        if user_id == acting_user_id:
            if profile.role == Role.ADMINISTRATOR and edit.role != Role.ADMINISTRATOR:
                raise AccountError("You cannot change your own role: ask another administrator",
                                   field="role")
            if not edit.active:
                raise AccountError("You cannot deactivate your own account: ask another administrator",
                                   field="active")
        if edit.active and agency is not None and not agency.is_active:
            raise AccountError(f"{agency.name} is deactivated: choose another agency or deactivate the "
                               "account", field="agency")
        before = _state(user, profile, old_agency)
        user.first_name, user.last_name, user.is_active = edit.first_name, edit.last_name, edit.active
        profile.role, profile.agency = edit.role, agency
        profile.vetting_checked_on, profile.training_completed_on = edit.vetted_on, edit.trained_on
        changes = compare(before, _state(user, profile, agency), VALUED)
        if changes:
            user.save(using=using, update_fields=["first_name", "last_name", "is_active"])
            profile.save(using=using, update_fields=["role", "agency", "vetting_checked_on",
                                                     "training_completed_on"])
    return changes
