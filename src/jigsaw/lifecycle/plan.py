"""The retention plan: which resolved people are due for permanent deletion, under which rule.

A person is due when every one of their records is: the records of one child are deleted
together or not at all, so the record that must be kept longest decides (its rule is the
person's governing rule). A person with a record whose due date cannot be worked out (no birth
date and no activity at all) is never due. A due person under a legal hold is listed, held.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db.models import Count
from django.utils import timezone

from jigsaw.records.models import Event, Involvement, Relationship
from jigsaw.records.purge import chunks
from jigsaw.records.retention import Rule, raw_rows, record_dues, schedule
from jigsaw.signpost.models import Person, RecordLink

from .holds import holds_on

COUNTED = ("events", "involvements", "relationships")


@dataclass
class PersonDue:
    person_id: int
    rule: str
    due_on: dt.date
    record_ids: list[int]
    counts: dict[str, int]
    held: str = ""  # why it is held, or ""

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["due_on"] = self.due_on.isoformat()
        out["records"] = len(out.pop("record_ids"))
        return out


@dataclass
class Plan:
    today: dt.date
    rules: dict[str, Rule]
    due: list[PersonDue] = field(default_factory=list)  # due now, held or not
    people: int = 0
    not_due: int = 0
    undetermined: int = 0

    @property
    def purgeable(self) -> list[PersonDue]:
        return [p for p in self.due if not p.held]

    def as_dict(self) -> dict[str, Any]:
        return {
            "today": self.today.isoformat(),
            "people": self.people,
            "due": len(self.due),
            "held": sum(1 for p in self.due if p.held),
            "not_due": self.not_due,
            "undetermined": self.undetermined,
            "rules": {
                k: {"terms": [list(t) for t in r.terms], "source": r.source} for k, r in self.rules.items()
            },
            "by_rule": dict(Counter(p.rule for p in self.purgeable)),
            "people_due": [p.as_dict() for p in self.due],
        }


def _counts(record_ids: set[int], using: str, partial: bool) -> dict[int, dict[str, int]]:
    """Events, involvements and relationships per record (grouped queries, no row reads): over
    the whole tables for a whole plan, over chunks of ``record_ids`` for a few named people."""
    per: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTED, 0))
    for model, column, name in (
        (Event, "person_id", "events"),
        (Involvement, "person_id", "involvements"),
        (Relationship, "person_id", "relationships"),
        (Relationship, "related_id", "relationships"),
    ):
        scopes = [{f"{column}__in": part} for part in chunks(sorted(record_ids))] if partial else [{}]
        for scope in scopes:
            grouped = (
                model.objects.using(using).filter(**scope).order_by().values(column).annotate(n=Count("id"))
            )
            for rid, n in raw_rows(grouped.values_list(column, "n")):
                if rid in record_ids:
                    per[rid][name] += n
    return per


def _links(person_ids: list[int] | None, using: str) -> list[tuple[int, int]]:
    links = RecordLink.objects.using(using).values_list("record_id", "person_id")
    if person_ids is None:
        return raw_rows(links)
    return [row for part in chunks(person_ids) for row in raw_rows(links.filter(person_id__in=part))]


def make_plan(
    today: dt.date | None = None,
    using: str = "default",
    rules: dict[str, Rule] | None = None,
    person_ids: list[int] | None = None,
) -> Plan:
    """Work out the plan (of everyone, or of ``person_ids`` only: a purge of named people need not
    date the whole population); raises ``RetentionConfigError`` for a malformed schedule."""
    rules = rules if rules is not None else schedule()
    today = today or timezone.localdate()
    partial = person_ids is not None
    wanted_people = sorted(set(person_ids)) if partial else None
    links = _links(wanted_people, using)
    if partial:
        dues = {}
        for part in chunks([rid for rid, _ in links]):
            dues.update(record_dues(rules, part, using))
        people = Person.objects.using(using).filter(id__in=wanted_people).count() if wanted_people else 0
    else:
        dues = record_dues(rules, using=using)
        people = Person.objects.using(using).count()
    records_of: dict[int, list[int]] = defaultdict(list)
    for rid, pid in links:
        records_of[pid].append(rid)
    plan = Plan(today, rules, people=people)
    due_people: list[tuple[int, list[int], dt.date, str]] = []
    for pid, rids in records_of.items():
        if any(r not in dues for r in rids):
            plan.undetermined += 1
            continue
        last = dues[rids[0]]
        for r in rids[1:]:
            d = dues[r]
            if (d.due_on, d.kind) > (last.due_on, last.kind):
                last = d
        if last.due_on > today:
            plan.not_due += 1
            continue
        due_people.append((pid, sorted(rids), last.due_on, last.kind))
    plan.undetermined += plan.people - len(records_of)  # people with no records left: nothing to date
    wanted = {r for _, rids, _, _ in due_people for r in rids}
    per = _counts(wanted, using, partial) if wanted else {}
    held = holds_on([p[0] for p in due_people], using) if due_people else {}
    for pid, rids, due_on, kind in sorted(due_people):
        counts = {"records": len(rids), **dict.fromkeys(COUNTED, 0)}
        for r in rids:
            for name, n in per.get(r, {}).items():
                counts[name] += n
        plan.due.append(PersonDue(pid, kind, due_on, rids, counts, held.get(pid, "")))
    return plan
