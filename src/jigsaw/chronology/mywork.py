"""A user's home page ("My work"): their open alerts (:mod:`jigsaw.alerts.mywork`), the children
they work with now, and the children they opened, assembled by :func:`my_work`.

**Children I work with**: involvements still open (no end date) whose practitioner is this
account's person. Involvements name the practitioner as free text and the agency by name; there
is no account id on an involvement, so the match is the account's agency (by its name or a
former name) *and* the account's full name, whitespace and case aside -- the same key
:mod:`jigsaw.alerts.assign` routes alerts by. When involvements carry an account or staff id,
match on that instead (:func:`_mine`).

**Recently opened**: the children this user opened, newest first, from the access log.

A protected child (:func:`jigsaw.signpost.gate.protected`) is listed as "a protected record", with
no name and no link; each child named is written to the access log.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import Q
from django.utils import timezone

from jigsaw.accounts.roles import may
from jigsaw.alerts.mywork import describe, my_alerts
from jigsaw.audit.actor import Actor
from jigsaw.audit.models import AccessEntry, Action
from jigsaw.feeds import age_in_words
from jigsaw.records.models import Involvement
from jigsaw.signpost import gate
from jigsaw.signpost.names import people_names


@dataclass(frozen=True)
class ChildLine:
    """A child on the home page."""

    person_id: int
    name: str
    age: str
    role: str = ""  # the user's involvement ("allocated social worker")
    protected: bool = False


def my_work(user: Any, actor: Actor, using: str) -> dict[str, Any]:
    """The home page's parts: ``alerts`` (:func:`jigsaw.alerts.mywork.my_alerts`, None for a role
    without alerts), ``children`` and ``recent`` (None for a role without children's records).

    Everyone the page would name -- on an alert, a child worked with, a child opened -- is asked
    about at the gate in one question, named once (protected people as protected records), and
    written to the access log in one transaction before the page is shown.
    """
    alerts = my_alerts(user, using)
    ids = alerts.person_ids if alerts is not None else set()
    with_children = may(user, "child")
    found, opened = (_my_children(user, using), _recently_opened(user, using)) if with_children else ({}, {})
    hidden = gate.protected(ids | set(found) | set(opened), using)
    entries = [(Action.VIEW_ALERT, person, detail)
               for person, detail in (describe(alerts, using, hidden) if alerts is not None else [])]
    parts: dict[str, Any] = {"alerts": alerts}
    if with_children:
        names = people_names([p for p in {*found, *opened} if p not in hidden], using)
        parts["children"] = _lines(found, names, hidden)
        parts["recent"] = _lines(opened, names, hidden)
        entries += [(Action.SEARCH, line.person_id, {"home": True})
                    for line in [*parts["children"], *parts["recent"]] if not line.protected]
    actor.log_each(entries, using=using)
    return parts


def _mine(user: Any) -> Q | None:
    """Involvements naming this account: its agency (or a former name) and its full name."""
    profile = getattr(user, "profile", None)
    name = " ".join(user.get_full_name().split())
    if profile is None or profile.agency_id is None or not name:
        return None
    agency = Q()
    for known in profile.agency.names():
        agency |= Q(agency__iexact=known)
    return agency & Q(practitioner__iexact=name)


def _lines(found: dict[int, str], names: dict, hidden: set[int]) -> list[ChildLine]:
    today = timezone.localdate()
    out = []
    for pid, role in found.items():
        if pid in hidden:
            out.append(ChildLine(pid, gate.PROTECTED_RECORD, "", role, protected=True))
        else:
            name, born, _ = names.get(pid, ("", None, ()))
            out.append(ChildLine(pid, name or f"Person {pid}", age_in_words(born, today), role))
    return out


def _my_children(user: Any, using: str, limit: int = 20) -> dict[int, str]:
    """Children with an open involvement naming this account, newest involvement first: id -> role."""
    mine = _mine(user)
    if mine is None:
        return {}
    found: dict[int, str] = {}
    rows = (Involvement.objects.using(using).filter(mine, ended_on__isnull=True, person__link__isnull=False)
            .order_by("-started_on").values_list("person__link__person_id", "role"))
    for pid, role in rows:
        found.setdefault(pid, role)
        if len(found) >= limit:
            break
    return found


#: The user's newest child-opening entries (the ``audit_actor_action_seq`` index, read backwards),
#: as SQL: every home page asks it.
_OPENED = (f"SELECT person_id FROM {AccessEntry._meta.db_table} "  # noqa: S608 (the table's name)
           "WHERE actor = %s AND action = %s AND person_id IS NOT NULL ORDER BY sequence DESC LIMIT 200")


def _recently_opened(user: Any, using: str, limit: int = 8) -> dict[int, str]:
    """The children this user last opened, newest first (from their access-log entries)."""
    found: dict[int, str] = {}
    with connections[using].cursor() as cursor:
        cursor.execute(_OPENED, [user.get_username(), Action.VIEW_CHILD.value])
        rows = [pid for pid, in cursor.fetchall()]
    for pid in rows:
        found.setdefault(pid, "")
        if len(found) >= limit:
            break
    return found
