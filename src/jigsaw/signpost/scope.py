"""Agency scoping: a practitioner sees a child in the context of their own agency's involvement.

The issue's role table gives a *practitioner* "own agency's context" only. ContactPoint's and
CP-IS's model is the one followed here (``research/anchors-signposting.md`` sections 1 and 2): any
vetted practitioner may find a child and see *who else* is involved (the signposts), but case
detail stays with the agency that holds it. So, for a scoped role:

* the child's page opens only for a child the user's agency holds a record of, or is named in an
  involvement of; any other child is refused (a forged id in the address gets a 403, logged);
* the chronology shows only events from the user's agency's own source systems, with a count of
  what is held elsewhere and the signposts to ask;
* multi-agency alerts are not shown (they are the hub's and the allocated social worker's work).

Unscoped case roles (hub officer, allocated social worker, safeguarding lead) see the whole
multi-agency picture, as ``accounts.roles.ROLE_AREAS`` says.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from jigsaw.accounts.roles import AGENCY_SCOPED_ROLES, role_of
from jigsaw.records.models import Involvement, SourceSystem, agencies_by_name, agency_key

from .models import RecordLink


class FromSource(Protocol):
    """Anything held by a source system (a chronology entry, an event)."""

    source_system: str


@dataclass(frozen=True)
class Scope:
    """What part of a child's record a user may see. ``limited`` False: everything."""

    limited: bool
    agency_id: int | None = None
    agency_name: str = ""
    systems: frozenset[str] = frozenset()  # source system codes of the user's agency

    def admits(self, entry: FromSource) -> bool:
        return not self.limited or entry.source_system in self.systems


def scope_of(user: Any, using: str) -> Scope:
    """The user's scope: limited to their agency for a scoped role (no agency: nothing at all)."""
    if role_of(user) not in AGENCY_SCOPED_ROLES:
        return Scope(limited=False)
    profile = user.profile
    if profile.agency_id is None:
        return Scope(limited=True)
    systems = SourceSystem.objects.using(using).filter(agency_id=profile.agency_id)
    return Scope(limited=True, agency_id=profile.agency_id, agency_name=profile.agency.name,
                 systems=frozenset(systems.values_list("code", flat=True)))


def agencies_involved(person_ids: Iterable[int], using: str) -> dict[int, set[int]]:
    """Per person, the agencies that hold a linked record of them or are named in an involvement.

    Set-wise queries whatever the number of people: the record links with their source system's
    agency, and the involvements' agency names mapped to agencies by name or former name,
    ignoring case (feeds keep an agency's old name after it is renamed).
    """
    ids = list(person_ids)
    found: dict[int, set[int]] = defaultdict(set)
    for person, agency in (RecordLink.objects.using(using).filter(person_id__in=ids)
                           .exclude(record__source_system__agency_id=None)
                           .values_list("person_id", "record__source_system__agency_id").distinct()):
        found[person].add(agency)
    named = (Involvement.objects.using(using).filter(person__link__person_id__in=ids)
             .values_list("person__link__person_id", "agency").distinct())
    if named:
        agencies = agencies_by_name(using)
        for person, name in named:
            agency_id = agencies.get(agency_key(name))
            if agency_id is not None:
                found[person].add(agency_id)
    return dict(found)


def may_open(scope: Scope, person_ids: Iterable[int], using: str) -> set[int]:
    """Which of these people the scope lets the user open (all of them when unscoped)."""
    ids = set(person_ids)
    if not scope.limited:
        return ids
    if scope.agency_id is None:
        return set()
    involved = agencies_involved(ids, using)
    return {p for p in ids if scope.agency_id in involved.get(p, ())}
