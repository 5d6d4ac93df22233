"""Record-quality prompts per child: what case reviews keep finding missing from the record.

Four checks, each a prompt for a person to look at, never a score (docs/practice.md):

* **missing from the record**: a plan is open (child protection, child in need, looked after) and
  no entry shows the child seen or heard (:data:`SEEN`) for ``JIGSAW_PRACTICE_UNSEEN_DAYS``;
* **facts and judgements not distinguished**: entries recorded as fact (or with no kind) whose
  words are opinion (:data:`OPINION`): a chronology keeps analysis apart from fact (Care
  Inspectorate 2017 chronology guidance, docs/chronology.md);
* **record out of date**: a plan, an early help assessment or a lead professional's involvement
  is open (casework, not a GP registration) and nothing has been recorded for
  ``JIGSAW_PRACTICE_STALE_DAYS``;
* **no lead professional**: a plan or an early help assessment is open and no current involvement
  is marked lead professional (Working Together 2023 asks for a lead practitioner to coordinate
  early help; for a child on a plan the allocated social worker has that role).

Read set-wise (a handful of grouped queries whatever the number of children), so the same code
answers one child's page and the board's counts (:func:`counts`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Max, Q
from django.utils import timezone

from jigsaw.feeds import LONDON
from jigsaw.records.models import Event, Involvement

PLANS = {
    "cp_plan_start": "cp_plan_end",
    "cin_plan_start": "cin_plan_end",
    "looked_after_start": "looked_after_end",
}
#: entries that show the child was seen or heard by a practitioner
SEEN = ("home_visit", "health_visit", "child_voice", "gp_appointment", "mental_health_contact")
#: words that mark an opinion, read in an entry recorded as fact
OPINION = re.compile(
    r"\b(I think|I believe|I feel|in my (?:view|opinion)|appears? to|seems? to|"
    r"probably|likely|I am worried|we are worried)\b",
    re.IGNORECASE,
)
#: fragments every OPINION match contains: a portable first cut in SQL (no regex dialects)
HINTS = ("think", "believe", "feel", "in my ", "appear", "seem", "probabl", "likely", "worried")
FLAGS = {
    "missing_from_record": "Child missing from the record",
    "undistinguished": "Facts and judgements not distinguished",
    "out_of_date": "Record out of date",
    "no_lead_professional": "No lead professional",
}


@dataclass
class Quality:
    """One child's record-quality flags, with what each found."""

    person_id: int
    plan_open: bool = False
    support_open: bool = False
    last_seen: date | None = None
    last_entry: date | None = None
    opinion_as_fact: int = 0
    lead_professional: bool = False
    flags: dict[str, str] = field(default_factory=dict)


def _day(moment) -> date | None:
    return moment.astimezone(LONDON).date() if moment is not None else None


def check(person_ids: Iterable[int] | None, using: str, today: date | None = None) -> dict[int, Quality]:
    """Flags per child (``person_ids``, or every child with an open plan or current involvement)."""
    today = today or timezone.localdate()
    events = Event.objects.using(using)
    if person_ids is not None:
        ids = list(person_ids)
        events = events.filter(person__link__person_id__in=ids)
    found: dict[int, Quality] = {}

    def of(pid: int) -> Quality:
        return found.setdefault(pid, Quality(pid))

    latest: dict[tuple[int, str], object] = {}
    plan_types = [*PLANS, *PLANS.values()]
    for pid, etype, last in (
        events.filter(event_type__in=plan_types)
        .order_by()
        .values_list("person__link__person_id", "event_type")
        .annotate(last=Max("occurred_at"))
    ):
        latest[(pid, etype)] = last
    for (pid, etype), last in latest.items():
        if etype in PLANS:
            end = latest.get((pid, PLANS[etype]))
            if end is None or end < last:
                of(pid).plan_open = True
    involvements = Involvement.objects.using(using).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))
    if person_ids is not None:
        involvements = involvements.filter(person__link__person_id__in=ids)
    else:  # the board's counts are of children
        involvements = involvements.filter(person__is_child=True)
    for pid, lead, early in involvements.values_list(
        "person__link__person_id", "lead_professional", "early_help_assessment"
    ):
        q = of(pid)
        q.support_open = q.support_open or bool(early)
        q.lead_professional = q.lead_professional or bool(lead)
    if person_ids is not None:
        for pid in ids:
            of(pid)
    # the children being checked: already the filter when named, else everyone the first reads found
    for pid, last in (
        events.filter(event_type__in=SEEN)
        .order_by()
        .values_list("person__link__person_id")
        .annotate(last=Max("occurred_at"))
    ):
        if pid in found:
            found[pid].last_seen = _day(last)
    for pid, last in (
        events.order_by().values_list("person__link__person_id").annotate(last=Max("occurred_at"))
    ):
        if pid in found:
            found[pid].last_entry = _day(last)
    hint = Q()
    for word in HINTS:
        hint |= Q(summary__icontains=word)
    for pid, summary in (
        events.exclude(kind="judgement").filter(hint).values_list("person__link__person_id", "summary")
    ):
        if pid in found and OPINION.search(summary):
            found[pid].opinion_as_fact += 1
    for q in found.values():
        _flag(q, today)
    return found


def from_record(person_id: int, entries: Iterable[Any], signposts: Iterable[Any],
                today: date | None = None) -> Quality:
    """One child's flags from what their page has already read: the same answer as :func:`check`.

    ``entries``: the child's own chronology entries from every agency, as read (not scoped or
    guarded: :func:`check` counts every agency's events too); ``signposts``: the child's
    signposts, whose current involvements say who leads and whether early help is open.
    """
    today = today or timezone.localdate()
    q = Quality(person_id)
    latest: dict[str, datetime] = {}
    seen = last = None
    for e in entries:
        moment = e.occurred_at
        planned = e.event_type in PLANS or e.event_type in PLANS.values()
        if planned and (e.event_type not in latest or moment > latest[e.event_type]):
            latest[e.event_type] = moment
        if e.event_type in SEEN and (seen is None or moment > seen):
            seen = moment
        if last is None or moment > last:
            last = moment
        if e.kind != "judgement" and e.described and _opinion(e.description):
            q.opinion_as_fact += 1
    q.plan_open = any(start in latest and (end not in latest or latest[end] < latest[start])
                      for start, end in PLANS.items())
    for post in signposts:
        if post.origin == "involvement" and post.current:
            q.support_open = q.support_open or bool(post.early_help_assessment)
            q.lead_professional = q.lead_professional or bool(post.lead_professional)
    q.last_seen, q.last_entry = _day(seen), _day(last)
    _flag(q, today)
    return q


def _opinion(words: str) -> bool:
    """An opinion in words recorded as fact: the SQL hint of :func:`check`, then the pattern."""
    lowered = words.lower()
    return any(hint in lowered for hint in HINTS) and OPINION.search(words) is not None


def _flag(q: Quality, today: date) -> None:
    unseen = timedelta(days=settings.JIGSAW_PRACTICE_UNSEEN_DAYS)
    stale = timedelta(days=settings.JIGSAW_PRACTICE_STALE_DAYS)
    if q.plan_open and (q.last_seen is None or today - q.last_seen > unseen):
        since = f"since {q.last_seen:%d %B %Y}" if q.last_seen else "at all"
        q.flags["missing_from_record"] = (
            f"a plan is open and no entry shows the child seen or heard {since} "
            f"(more than {unseen.days} days)"
        )
    if q.opinion_as_fact:
        q.flags["undistinguished"] = (
            f"{q.opinion_as_fact} entr{'y reads' if q.opinion_as_fact == 1 else 'ies read'}"
            " as opinion but {} recorded as fact".format("is" if q.opinion_as_fact == 1 else "are")
        )
    if (q.plan_open or q.support_open or q.lead_professional) and (
        q.last_entry is None or today - q.last_entry > stale
    ):
        since = f"since {q.last_entry:%d %B %Y}" if q.last_entry else "at all"
        q.flags["out_of_date"] = f"nothing has been recorded {since} (more than {stale.days} days)"
    if (q.plan_open or q.support_open) and not q.lead_professional:
        q.flags["no_lead_professional"] = (
            "a plan or early help is open and no involvement is marked lead professional"
        )


def for_child(person_id: int, using: str, today: date | None = None) -> Quality:
    return check([person_id], using, today)[person_id]


def counts(using: str = "default", today: date | None = None) -> dict[str, int]:
    """How many children each flag names (for the board), and how many were checked."""
    checked = check(None, using, today)
    out = {"children_checked": len(checked)}
    for flag in FLAGS:
        out[flag] = sum(1 for q in checked.values() if flag in q.flags)
    return out
