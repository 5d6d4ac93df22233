"""Which Jigsaw account an alert goes to: a named account, or the hub's queue -- never a text match.

A rule routes to a *role in the child's life* (the allocated social worker, the school's
designated safeguarding lead). The feeds name that practitioner as free text, so the alert is
given to an account only when exactly one active account of **the involvement's own agency**
(by its name or a former name) has the e-mail address the involvement gives as its contact, or
failing that, exactly that full name (whitespace and case aside; never a part of a name). Anything
less certain -- no account, two accounts, another agency's account with the same name -- goes to
the safeguarding hub's queue, where a hub officer reassigns or works it. The account is fixed
when the alert is raised (on import), so renaming an account later never hands it someone
else's alerts.
"""

from __future__ import annotations

from collections import defaultdict

from django.contrib.auth import get_user_model
from django.db import connections

from jigsaw.records.models import agencies_by_name


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


def accounts_by_name(using: str) -> dict[tuple[int, str], list[int]]:
    """(agency id, normalised full name) -> active account ids (case roles only have agencies)."""
    found: dict[tuple[int, str], list[int]] = defaultdict(list)
    users = (
        get_user_model()
        .objects.using(using)
        .filter(is_active=True, profile__agency__isnull=False)
        .values_list("pk", "first_name", "last_name", "profile__agency_id")
    )
    for pk, first, last, agency in users:
        name = _key(f"{first} {last}")
        if name:
            found[(agency, name)].append(pk)
    return found


def accounts_by_email(using: str) -> dict[tuple[int, str], list[int]]:
    """(agency id, case-folded e-mail address) -> active account ids."""
    found: dict[tuple[int, str], list[int]] = defaultdict(list)
    users = (
        get_user_model()
        .objects.using(using)
        .filter(is_active=True, profile__agency__isnull=False)
        .exclude(email="")
        .values_list("pk", "email", "profile__agency_id")
    )
    for pk, email, agency in users:
        found[(agency, email.strip().casefold())].append(pk)
    return found


def assignee(
    practitioner: str, agency: str, accounts: dict[tuple[int, str], list[int]], agencies: dict[str, int],
    contact: str = "", emails: dict[tuple[int, str], list[int]] | None = None,
) -> int | None:
    """The one account this involvement names, or None (the hub's queue)."""
    agency_id = agencies.get(" ".join(agency.split()).casefold())
    if agency_id is None:
        return None
    address = contact.strip().casefold()
    if emails and "@" in address and " " not in address:
        ids = emails.get((agency_id, address), [])
        if len(ids) == 1:
            return ids[0]
    if not practitioner.strip():
        return None
    ids = accounts.get((agency_id, _key(practitioner)), [])
    return ids[0] if len(ids) == 1 else None


def resolver(using: str):
    """A function (practitioner, agency, contact="") -> account id or None, reading accounts once."""
    accounts, agencies, emails = accounts_by_name(using), agencies_by_name(using), accounts_by_email(using)
    return lambda practitioner, agency, contact="": assignee(practitioner, agency, accounts, agencies,
                                                             contact, emails)


#: Roles whose accounts work alerts (``accounts.roles.ROLE_AREAS``: the "alerts" area).
ALERT_ROLES = ("hub_officer", "social_worker", "safeguarding_lead")


#: Active accounts of the alert roles, by name, as SQL: every alert page lists them.
_ASSIGNABLE = ("SELECT u.id, u.first_name, u.last_name, u.username, a.name FROM auth_user u "  # noqa: S608
               "INNER JOIN accounts_profile p ON u.id = p.user_id "
               "LEFT OUTER JOIN records_agency a ON p.agency_id = a.id "
               f"WHERE u.is_active AND p.role IN ({', '.join(['%s'] * len(ALERT_ROLES))}) "
               "ORDER BY u.first_name, u.last_name, u.username")


def assignable(using: str) -> list[tuple[int, str]]:
    """(account id, "Full Name (agency)") of every active account an alert may be given to, by name."""
    with connections[using].cursor() as cursor:
        cursor.execute(_ASSIGNABLE, list(ALERT_ROLES))
        rows = cursor.fetchall()
    out = []
    for pk, first, last, username, agency in rows:
        name = " ".join(f"{first} {last}".split()) or username
        out.append((pk, f"{name} ({agency})" if agency else name))
    return out
