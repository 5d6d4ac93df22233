"""Creating and editing agencies; deactivating one deactivates its accounts.

Agencies are never deleted: source systems, accounts and the access log refer to them. A name
is unique ignoring case, spacing and the kind of apostrophe (``records.models.agency_key``, with
Python's casefold, which knows more than SQLite's ASCII-only ``lower``; the database's
constraint is the backstop for two administrators at once) and at most :data:`MAX_NAME`
characters, because the access log records the agency of everyone who acts and holds at most
100. A renamed agency keeps its old name as a former name, because feeds name agencies as free
text and older rows keep the old one; so no other agency may take it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from jigsaw.records.models import AGENCY_NAME_MAX, Agency, agency_key, tidy_agency_name

from .changes import Changes, compare
from .services import AccountError

MAX_NAME = AGENCY_NAME_MAX
TYPES = dict(Agency.TYPES)
#: Fields whose old and new values the access log keeps (contact details are named only).
VALUED = frozenset({"agency_name", "agency_type", "active"})


@dataclass(frozen=True)
class AgencyEdit:
    name: str
    agency_type: str
    safeguarding_team: str = ""
    safeguarding_phone: str = ""
    safeguarding_email: str = ""
    active: bool = True


def name_problem(name: str, using: str, exclude_id: int | None = None) -> str | None:
    """Why the name cannot be used, or None."""
    if not name:
        return "Enter the agency's name"
    if len(name) > MAX_NAME:
        return f"The agency's name must be {MAX_NAME} characters or fewer"
    wanted = agency_key(name)
    for other in Agency.objects.using(using).exclude(pk=exclude_id).only("name", "former_names"):
        if agency_key(other.name) == wanted:
            return f"An agency called {other.name} already exists"
        if any(agency_key(former) == wanted for former in other.former_names):
            return f"{name} is a former name of {other.name}: feeds may still use it for that agency"
    return None


def _check(edit: AgencyEdit, using: str, exclude_id: int | None = None) -> AgencyEdit:
    edit = AgencyEdit(**{**asdict(edit), "name": tidy_agency_name(edit.name)})
    problem = name_problem(edit.name, using, exclude_id)
    if problem:
        raise AccountError(problem, field="name")
    if edit.agency_type not in TYPES:
        raise AccountError("Select the type of agency", field="agency_type")
    return edit


def _state(agency: Agency) -> dict[str, Any]:
    return {"agency_name": agency.name, "agency_type": agency.agency_type, "active": agency.is_active,
            "safeguarding_team": agency.safeguarding_team, "safeguarding_phone": agency.safeguarding_phone,
            "safeguarding_email": agency.safeguarding_email}


def _renamed(agency: Agency, new_name: str) -> list[str]:
    """Its former names after taking ``new_name``: the old one added, the new one (if former) gone."""
    if agency_key(agency.name) == agency_key(new_name):  # unnamed yet, or only the case changes
        return agency.former_names
    dropped = {agency_key(new_name), agency_key(agency.name)}
    kept = [name for name in agency.former_names if agency_key(name) not in dropped]
    return [*kept, agency.name] if agency.name else kept


def _apply(agency: Agency, edit: AgencyEdit) -> None:
    agency.former_names = _renamed(agency, edit.name)
    agency.name, agency.agency_type, agency.is_active = edit.name, edit.agency_type, edit.active
    agency.safeguarding_team = edit.safeguarding_team
    agency.safeguarding_phone = edit.safeguarding_phone
    agency.safeguarding_email = edit.safeguarding_email


def _save(agency: Agency, using: str) -> None:
    """Save; a name taken meanwhile by someone else is the same error as one taken before."""
    try:
        with transaction.atomic(using=using):
            agency.save(using=using)
    except IntegrityError:
        raise AccountError(f"An agency called {agency.name} already exists", field="name") from None


def create_agency(edit: AgencyEdit, using: str) -> tuple[Agency, Changes]:
    """A new agency, and every field it was given (as a change from nothing)."""
    edit = _check(edit, using)
    agency = Agency()
    _apply(agency, edit)
    _save(agency, using)
    given = {name: value for name, value in _state(agency).items() if value not in (None, "")}
    return agency, compare(dict.fromkeys(given), given, VALUED)


def update_agency(agency_id: int, edit: AgencyEdit, *, acting_user_id: int,
                  using: str) -> tuple[Changes, int]:
    """Apply the edit; return what changed and how many accounts its deactivation deactivated.

    An administrator cannot deactivate their own agency: they would deactivate themselves.
    """
    edit = _check(edit, using, exclude_id=agency_id)
    deactivated = 0
    with transaction.atomic(using=using):
        agency = Agency.objects.using(using).select_for_update().get(pk=agency_id)
        before = _state(agency)
        _apply(agency, edit)
        changes = compare(before, _state(agency), VALUED)
        if not changes:
            return changes, 0
        if before["active"] and not edit.active:
            accounts = get_user_model()._default_manager.db_manager(using).filter(
                profile__agency_id=agency_id, is_active=True)
            if accounts.filter(pk=acting_user_id).exists():
                raise AccountError("You cannot deactivate your own agency: your account would be "
                                   "deactivated with it", field="active")
            deactivated = accounts.update(is_active=False)
        _save(agency, using)
    return changes, deactivated
