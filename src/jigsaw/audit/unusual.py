"""The "unusual access" report: patterns in the access log an auditor should look at.

No statute sets these limits; they are the partnership's policy, so each is a setting (with a
default) and the report says which values it used. The kinds follow what privacy officers are
alerted to in the NHS Summary Care Record (emergency "break-glass" access, access without a
legitimate relationship) and what serious-case and ICO reports describe as browsing:

* **many children in a short time**: one user opening at least ``JIGSAW_UNUSUAL_CHILDREN``
  different children within ``JIGSAW_UNUSUAL_MINUTES`` minutes;
* **outside their agency's involvement**: a user of an agency opening a child whom no record or
  involvement of that agency concerns (the signposting index says who is involved);
* **break-glass**: every emergency override (a shield lifted, or a scope overridden);
* **outside working hours**: access to a child outside ``JIGSAW_WORKING_HOURS`` (local time,
  e.g. ``08:00-18:00``) or on a day not in ``JIGSAW_WORKING_DAYS`` (e.g. ``mon,tue,wed,thu,fri``).

The report reads ids, actions, times and agency names only, as the rest of the audit pages do.
"""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from jigsaw.records.models import agencies_by_name, agency_key

from . import people
from .models import AccessEntry, Action

#: Actions that open a child's information (a search's per-person entries are not "opening").
OPENING = (Action.VIEW_CHILD, Action.VIEW_CHRONOLOGY, Action.EXPORT, Action.VIEW_ALERT)
#: Actions that touch a child at all (for out-of-hours).
TOUCHING = (*OPENING, Action.SEARCH, Action.OVERRIDE, Action.ALERT_ACTION)
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass
class Finding:
    """One thing to look at: who, when, which entries (by sequence number), and why in words."""

    kind: str
    actor: str
    start: datetime
    end: datetime
    why: str
    person_ids: list[int] = field(default_factory=list)
    sequences: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Limits:
    children: int
    minutes: int
    opens: time
    closes: time
    days: frozenset[int]

    @classmethod
    def from_settings(cls) -> Limits:
        opens, closes = (time.fromisoformat(t.strip()) for t in settings.JIGSAW_WORKING_HOURS.split("-"))
        days = frozenset(DAYS.index(d.strip().lower()[:3]) for d in settings.JIGSAW_WORKING_DAYS.split(",")
                         if d.strip())
        return cls(int(settings.JIGSAW_UNUSUAL_CHILDREN), int(settings.JIGSAW_UNUSUAL_MINUTES), opens,
                   closes, days)

    def describe(self) -> dict[str, str]:
        return {"many": f"{self.children} or more children within {self.minutes} minutes",
                "hours": f"{self.opens:%H:%M} to {self.closes:%H:%M}, "
                         + ", ".join(DAYS[d].capitalize() for d in sorted(self.days))}


def _between(since: datetime, until: datetime, using: str):
    return AccessEntry.objects.using(using).filter(at__gte=since, at__lt=until)


def many_children(since: datetime, until: datetime, limits: Limits, using: str) -> list[Finding]:
    """Runs of at least ``limits.children`` different children opened by one user within
    ``limits.minutes`` minutes; one finding per run, however long it lasts."""
    window = timedelta(minutes=limits.minutes)
    rows = (_between(since, until, using).filter(action__in=OPENING, person_id__isnull=False)
            .order_by("actor", "at", "sequence").values_list("actor", "at", "person_id", "sequence"))
    out: list[Finding] = []
    actor_now, recent, counts, current = None, deque(), Counter(), None
    for actor, at, person, sequence in rows.iterator(chunk_size=2000):
        if actor != actor_now:
            actor_now, recent, counts, current = actor, deque(), Counter(), None
        recent.append((at, person, sequence))
        counts[person] += 1
        while recent and at - recent[0][0] > window:
            _at, old, _seq = recent.popleft()
            counts[old] -= 1
            if not counts[old]:
                del counts[old]
        if len(counts) >= limits.children:
            if current is None:
                current = Finding("many_children", actor, recent[0][0], at, "")
                out.append(current)
            current.end = at
            current.person_ids = sorted(set(current.person_ids) | set(counts))
            current.sequences = sorted(set(current.sequences) | {s for _a, _p, s in recent})
        else:
            current = None
    for f in out:
        f.why = (f"{len(f.person_ids)} different children opened between {timezone.localtime(f.start):%H:%M} "
                 f"and {timezone.localtime(f.end):%H:%M}")
    return out


def outside_agency(since: datetime, until: datetime, using: str) -> list[Finding]:
    """Children opened by a user of an agency that holds no record of them and is not involved."""
    rows = list(_between(since, until, using).filter(action__in=OPENING, person_id__isnull=False)
                .exclude(agency="").order_by("sequence")
                .values_list("actor", "agency", "at", "person_id", "sequence", "action"))
    if not rows:
        return []
    agencies = agencies_by_name(using)
    involved = people.agencies_involved({r[3] for r in rows}, using)
    out = []
    for actor, agency, at, person, sequence, action in rows:
        agency_id = agencies.get(agency_key(agency))
        if agency_id is not None and agency_id not in involved.get(person, set()):
            why = (f"{agency} holds no record of person {person} and is not involved with them "
                   f"({Action(action).label.lower()})")
            out.append(Finding("outside_agency", actor, at, at, why, [person], [sequence]))
    return out


def break_glass(since: datetime, until: datetime, using: str) -> list[Finding]:
    """Every emergency override, with the reason given."""
    rows = (_between(since, until, using).filter(action=Action.OVERRIDE).order_by("sequence")
            .values_list("actor", "at", "person_id", "sequence", "reason_text", "reason_code"))
    return [Finding("break_glass", actor, at, at, f"emergency access: {text or code or 'no reason recorded'}",
                    [person] if person is not None else [], [sequence])
            for actor, at, person, sequence, text, code in rows]


def out_of_hours(since: datetime, until: datetime, limits: Limits, using: str) -> list[Finding]:
    """Access to a child outside working hours or on a non-working day (local time)."""
    rows = (_between(since, until, using).filter(action__in=TOUCHING, person_id__isnull=False)
            .order_by("sequence").values_list("actor", "at", "person_id", "sequence"))
    out = []
    for actor, at, person, sequence in rows.iterator(chunk_size=2000):
        local = timezone.localtime(at)
        if local.weekday() not in limits.days:
            why = f"on a {local:%A}"
        elif not (limits.opens <= local.time() < limits.closes):
            why = f"at {local:%H:%M}"
        else:
            continue
        out.append(Finding("out_of_hours", actor, at, at, f"person {person} accessed {why}", [person],
                           [sequence]))
    return out


def report(since: datetime, until: datetime, using: str, limits: Limits | None = None) -> dict[str, Any]:
    """Every kind of finding between ``since`` and ``until``, with the limits used."""
    limits = limits or Limits.from_settings()
    return {"limits": limits.describe(), "findings": {
        "many_children": many_children(since, until, limits, using),
        "outside_agency": outside_agency(since, until, using),
        "break_glass": break_glass(since, until, using),
        "out_of_hours": out_of_hours(since, until, limits, using),
    }}
