"""The retention schedule: how long each kind of record is kept, and when each record falls due.

A record's kind is its source agency's type, refined for children's social care by what the
record shows (a looked-after episode, a child protection enquiry or plan). Each kind's rule is
"the later of" a few terms, each a number of years after the person's birth or after the
record's last activity; the defaults and their sources are in :data:`DEFAULTS` and
docs/retention.md. Every figure is a partnership decision under its own records policy, so
``JIGSAW_RETENTION_FILE`` (JSON) can override any kind; a malformed file is refused whole.

Due dates are computed set-wise: a handful of grouped queries over the records tables, then
plain arithmetic per record; no query per row.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import connections
from django.db.models import Max

from .models import Event, Involvement, PersonRecord

ANCHORS = ("birth", "last_activity")
#: Event types that make a social care record a looked-after child's case record.
LOOKED_AFTER_EVENTS = ("looked_after_start", "looked_after_end")
#: Event types that make a social care record a child protection record.
CHILD_PROTECTION_EVENTS = (
    "section47_start",
    "section47_end",
    "cp_conference",
    "cp_plan_start",
    "cp_plan_end",
)


class RetentionConfigError(ValueError):
    """The retention schedule cannot be used as configured (one line: which kind, what is wrong)."""


@dataclass(frozen=True)
class Rule:
    kind: str
    terms: tuple[tuple[str, int], ...]  # (anchor, years): due on the latest of them
    source: str

    def describe(self) -> str:
        words = {"birth": "birth", "last_activity": "last activity"}
        return "later of " + ", ".join(f"{words[a]} + {y} years" for a, y in self.terms)


DEFAULTS: dict[str, Rule] = {
    r.kind: r
    for r in (
        Rule(
            "health",
            (("birth", 25), ("last_activity", 8)),
            "NHS Records Management Code of Practice (2021, updated 2023), retention schedule: children's "
            "records until the 25th birthday (26th if 17 at the end of treatment); adult records 8 years "
            "after the conclusion of treatment",
        ),
        Rule(
            "social_care",
            (("birth", 21), ("last_activity", 3)),
            "Local authority children's social care schedules (IRMS Local Government Retention Guidelines; "
            "e.g. Devon County Council: children in need, until 18 plus three years of inactivity)",
        ),
        Rule(
            "social_care_child_protection",
            (("birth", 25), ("last_activity", 35)),
            "Local authority child protection records (s47 enquiries, conferences, plans): 35 years after "
            "closure, held lawful in R (C) v Northumberland County Council [2015] EWHC 2134 (Admin); "
            "IRMS Local Government Retention Guidelines; confirm locally",
        ),
        Rule(
            "social_care_looked_after",
            (("birth", 75),),
            "Care Planning, Placement and Case Review (England) Regulations 2010 reg. 50: a looked-after "
            "child's case record until the 75th anniversary of birth (15 years after death if under 18)",
        ),
        Rule(
            "police",
            (("last_activity", 6),),
            "College of Policing APP, Management of Police Information (MoPI): review after a minimum of "
            "6 years; public protection (group 1) matters are kept until the subject is 100, set locally",
        ),
        Rule(
            "education",
            (("birth", 25),),
            "IRMS Information Management Toolkit for Schools: pupil record and child protection file, "
            "date of birth + 25 years",
        ),
        Rule(
            "other",
            (("last_activity", 6),),
            "No national schedule: 6 years after last activity (Limitation Act 1980 s.2, s.5), set locally",
        ),
    )
}


def schedule(path: str | Path | None = None) -> dict[str, Rule]:
    """The defaults with the overrides of ``path`` (default ``JIGSAW_RETENTION_FILE``) applied."""
    if path is None:
        from django.conf import settings

        path = getattr(settings, "JIGSAW_RETENTION_FILE", "")
    rules = dict(DEFAULTS)
    if not path:
        return rules
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise RetentionConfigError(f"retention file {path}: {exc.strerror or exc}") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise RetentionConfigError(f"retention file {path} is not JSON: {exc}") from None
    rules.update(parse_overrides(data))
    return rules


def parse_overrides(data: Any) -> dict[str, Rule]:
    """``{"kind": {"terms": [["birth", 25], ["last_activity", 8]], "source": "..."}}`` checked."""
    if not isinstance(data, Mapping):
        raise RetentionConfigError("retention settings must be a JSON object of record kinds")
    rules = {}
    for kind, value in data.items():
        if kind not in DEFAULTS:
            raise RetentionConfigError(
                f"retention settings: unknown record kind {kind!r} (one of {', '.join(DEFAULTS)})"
            )
        if not isinstance(value, Mapping) or not isinstance(value.get("terms"), list) or not value["terms"]:
            raise RetentionConfigError(
                f'retention settings for {kind}: give "terms", a list of ["birth"|"last_activity", YEARS]'
            )
        terms = []
        for term in value["terms"]:
            ok = (
                isinstance(term, list)
                and len(term) == 2
                and term[0] in ANCHORS
                and isinstance(term[1], int)
                and not isinstance(term[1], bool)
                and 0 <= term[1] <= 150
            )
            if not ok:
                raise RetentionConfigError(
                    f"retention settings for {kind}: term {json.dumps(term)[:40]} "
                    'is not ["birth"|"last_activity", YEARS 0-150]'
                )
            terms.append((term[0], term[1]))
        source = value.get("source", "local retention policy")
        if not isinstance(source, str) or not source.strip():
            raise RetentionConfigError(f'retention settings for {kind}: "source" must be text')
        rules[kind] = Rule(kind, tuple(terms), source.strip())
    return rules


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year + years, month=3, day=1)


@dataclass(frozen=True)
class RecordDue:
    record_id: int
    kind: str
    due_on: dt.date


def _day(value: Any) -> dt.date | None:
    """A date from a raw column value: SQLite gives ISO text, PostgreSQL date or datetime objects."""
    if value is None:
        return None
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    return value.date() if isinstance(value, dt.datetime) else value


def raw_rows(queryset: Any) -> list[tuple]:
    """The rows of ``queryset`` as the database returns them: the ORM builds the SQL, but its
    per-value converters (a quarter of the plan's time over 100,000 rows) are skipped."""
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall()


def record_dues(
    rules: Mapping[str, Rule], record_ids: Iterable[int] | None = None, using: str = "default"
) -> dict[int, RecordDue]:
    """When each person record (all, or ``record_ids``) falls due, and under which kind's rule.

    Last activity is the latest of the record's events, its involvements' start and end, the date
    the source recorded it, and (for a record with none of these) when Jigsaw first loaded it.
    """
    records = PersonRecord.objects.using(using)
    events = Event.objects.using(using)
    involvements = Involvement.objects.using(using)
    if record_ids is not None:
        ids = list(record_ids)
        records, events, involvements = (
            records.filter(id__in=ids),
            events.filter(person_id__in=ids),
            involvements.filter(person_id__in=ids),
        )
    last: dict[int, dt.date] = {}

    def later(rid: int, value: Any) -> None:
        day = _day(value)
        if day is not None and (rid not in last or day > last[rid]):
            last[rid] = day

    per_record = events.order_by().values("person_id")
    for rid, at in raw_rows(per_record.annotate(m=Max("occurred_at")).values_list("person_id", "m")):
        later(rid, at)
    for rid, started, ended in raw_rows(
        involvements.order_by()
        .values("person_id")
        .annotate(s=Max("started_on"), e=Max("ended_on"))
        .values_list("person_id", "s", "e")
    ):
        later(rid, started)
        later(rid, ended)
    looked_after = {
        r for (r,) in raw_rows(events.filter(event_type__in=LOOKED_AFTER_EVENTS).values_list("person_id"))
    }
    protection = {
        r for (r,) in raw_rows(events.filter(event_type__in=CHILD_PROTECTION_EVENTS).values_list("person_id"))
    }
    dues = {}
    columns = (
        "id",
        "birth_date",
        "recorded_at",
        "first_batch__started_at",
        "source_system__agency__agency_type",
    )
    for rid, born, recorded, loaded, agency_type in raw_rows(records.values_list(*columns)):
        later(rid, recorded)
        if rid not in last:
            later(rid, loaded)
        kind = agency_type if agency_type in DEFAULTS else "other"
        if kind == "social_care":
            if rid in looked_after:
                kind = "social_care_looked_after"
            elif rid in protection:
                kind = "social_care_child_protection"
        anchors = {"birth": _day(born), "last_activity": last.get(rid)}
        days = [add_years(anchors[a], years) for a, years in rules[kind].terms if anchors[a] is not None]
        if days:  # nothing to count from (no birth date, no activity): never due by itself
            dues[rid] = RecordDue(rid, kind, max(days))
    return dues
