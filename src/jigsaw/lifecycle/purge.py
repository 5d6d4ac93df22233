"""The purge: permanent deletion of due people, app by app, with a certificate in the access log.

Each app deletes its own rows through its own ``purge`` module, highest layer first (reviews,
alerts, chronology, signpost, then records), all in one transaction: a failure anywhere leaves
everything as it was. The access log is never touched except to append: one ``admin`` entry per
person purged (their id, the rule, the due date, how many rows) and one certificate for the run
(counts per table, people, and a keyed digest of what was deleted: no names, no details).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from jigsaw.alerts import purge as alerts_purge
from jigsaw.audit.log import audit_key, cli_user_agent, record
from jigsaw.chronology import purge as chronology_purge
from jigsaw.practice import purge as practice_purge
from jigsaw.records import purge as records_purge
from jigsaw.records.models import PersonRecord
from jigsaw.records.retention import Rule, schedule
from jigsaw.reviews import purge as reviews_purge
from jigsaw.signpost import purge as signpost_purge
from jigsaw.signpost.models import Person, RecordLink

from .holds import holds_on
from .plan import PersonDue, make_plan

logger = logging.getLogger(__name__)


class PurgeError(ValueError):
    """A purge refused as asked (one line); nothing was deleted."""


@dataclass
class Certificate:
    people: int
    rows: dict[str, int]
    digest: str
    sequence: int | None = None  # the certificate's access-log entry
    early: bool = False
    by_rule: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)  # plan, delete, log: for the benchmark

    def as_dict(self) -> dict[str, Any]:
        return {
            "people": self.people,
            "rows": self.rows,
            "digest": self.digest,
            "certificate_entry": self.sequence,
            "early": self.early,
            "by_rule": self.by_rule,
            "seconds": self.seconds,
        }


def _digest(targets: list[PersonDue], using: str) -> str:
    """HMAC-SHA256 (the audit key) of every deleted record's person, source, key and content hash."""
    owner = {r: p.person_id for p in targets for r in p.record_ids}
    items = []
    for part in records_purge.chunks(sorted(owner)):
        rows = PersonRecord.objects.using(using).filter(id__in=part)
        items += [
            [owner[rid], ss, key, digest]
            for rid, ss, key, digest in rows.values_list("id", "source_system_id", "record_key", "row_hash")
        ]
    text = json.dumps(sorted(items), separators=(",", ":"))
    return hmac.new(audit_key(), text.encode("utf-8"), hashlib.sha256).hexdigest()


def _chosen(
    person_ids: list[int], plan_due: dict[int, PersonDue], early: str, today: dt.date, using: str
) -> list[PersonDue]:
    """The named people, each checked: exists, not held, due (or an early deletion was decided)."""
    found = set(Person.objects.using(using).filter(id__in=person_ids).values_list("id", flat=True))
    held = holds_on(person_ids, using)
    chosen = []
    for pid in dict.fromkeys(person_ids):
        if pid not in found:
            raise PurgeError(f"there is no person {pid}: nothing deleted")
        if pid in held:
            raise PurgeError(f"person {pid} is under a legal hold ({held[pid]}): nothing deleted")
        if pid in plan_due:
            chosen.append(plan_due[pid])
        elif early:
            rids = sorted(
                RecordLink.objects.using(using).filter(person_id=pid).values_list("record_id", flat=True)
            )
            chosen.append(PersonDue(pid, "early", today, rids, {"records": len(rids)}))
        else:
            raise PurgeError(
                f"person {pid} is not due for deletion under the retention schedule "
                "(see `jigsaw retention plan`; deleting early needs --early REASON): "
                "nothing deleted"
            )
    return chosen


def purge(
    actor: str,
    role: str,
    agency: str = "",
    person_ids: list[int] | None = None,
    early: str = "",
    today: dt.date | None = None,
    using: str = "default",
    rules: dict[str, Rule] | None = None,
) -> Certificate:
    """Delete the due people (or the named ones) permanently; raises :class:`PurgeError`."""
    early = " ".join((early or "").split())
    if early and not person_ids:
        raise PurgeError("an early deletion names its people: --person ID (and --early REASON)")
    if len(early) > 500:
        raise PurgeError("the early-deletion reason is longer than 500 characters")
    rules = rules if rules is not None else schedule()
    today = today or timezone.localdate()
    clock = [time.perf_counter()]
    plan = make_plan(today, using, rules, list(person_ids) if person_ids else None)
    clock.append(time.perf_counter())
    with transaction.atomic(using=using):
        if person_ids:
            targets = _chosen(list(person_ids), {p.person_id: p for p in plan.due}, early, today, using)
        else:  # a hold placed since the plan was made still counts
            held = holds_on([p.person_id for p in plan.purgeable], using)
            targets = [p for p in plan.purgeable if p.person_id not in held]
        people = [p.person_id for p in targets]
        records = sorted({r for p in targets for r in p.record_ids})
        digest = _digest(targets, using)
        rows: Counter = Counter()
        rows.update(reviews_purge.purge_people(people, using))
        rows.update(alerts_purge.purge_people(people, using))
        rows.update(practice_purge.purge_people(people, using))
        rows.update(chronology_purge.purge_events(records, using))
        rows.update(signpost_purge.purge_people(people, records, using))
        rows.update(records_purge.purge_records(records, people, using))
        clock.append(time.perf_counter())
        common = {"reason": "retention", "user_agent": cli_user_agent(), "using": using}
        for p in targets:
            record(
                actor,
                role,
                agency,
                "admin",
                person_id=p.person_id,
                detail={
                    "operation": "retention_purge",
                    "rule": p.rule,
                    "due_on": p.due_on.isoformat(),
                    "records": len(p.record_ids),
                    "run": digest[:16],
                },
                **common,
            )
        by_rule = dict(Counter(p.rule for p in targets))
        entry = record(
            actor,
            role,
            agency,
            "admin",
            reason_text=early,
            detail={
                "operation": "retention_purge_certificate",
                "people": len(targets),
                "run": digest[:16],
                "digest": digest,
                "rows": {k: v for k, v in sorted(rows.items()) if v},
                "by_rule": by_rule,
                "early": bool(early),
                "on": today.isoformat(),
            },
            **common,
        )
    clock.append(time.perf_counter())
    _clear_cache()
    logger.info("retention purge: %d people, certificate entry %d", len(targets), entry.sequence)
    return Certificate(
        len(targets),
        {k: v for k, v in sorted(rows.items()) if v},
        digest,
        entry.sequence,
        bool(early),
        by_rule,
        {n: round(b - a, 3) for n, a, b in zip(("plan", "delete", "log"), clock, clock[1:], strict=False)},
    )


def _clear_cache() -> None:
    """Cached figures were counted with the purged people in them: start them afresh."""
    from django.core.cache import cache

    try:
        cache.clear()
    except Exception:  # no cache table yet (a fresh database): nothing cached to clear
        logger.debug("cache not cleared after purge")
