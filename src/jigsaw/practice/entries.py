"""Practice records as chronology entries: ``records.Event`` rows of a practice source system.

The chronology merges the events of every record linked to a child, so a sharing decision or the
child's words written as an event sit in date order beside every agency's facts, filtered and
exported like them, with no change to the chronology. Each recording agency has its own source
system (``practice-<agency id>``, named "<agency> practice records") so the entry shows the
agency that recorded it and an agency-scoped practitioner sees their own agency's entries. The
event hangs on one of the child's linked records (the recording agency's own if it holds one),
keyed ``practice:<kind>:<id>``; the stored practice row keeps the event's id.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from django.db import transaction
from django.utils import timezone

from jigsaw.accounts.roles import Role
from jigsaw.audit.actor import Actor
from jigsaw.records.models import Agency, Event, ImportBatch, PersonRecord, SourceSystem
from jigsaw.records.person_guard import hold_records

PREFIX = "practice"


def practice_system(agency_name: str, using: str) -> SourceSystem:
    """The practice source system of the recording agency (made the first time)."""
    agency = Agency.objects.using(using).filter(name=agency_name).first() if agency_name else None
    code = f"{PREFIX}-{agency.pk}" if agency else PREFIX
    name = f"{agency.name} practice records" if agency else "Practice records"
    system, _ = SourceSystem.objects.using(using).get_or_create(
        code=code, defaults={"name": name, "agency": agency}
    )
    return system


def _batch(system: SourceSystem, using: str) -> ImportBatch:
    """The one standing 'batch' every practice event of a system belongs to (events need one)."""
    now = timezone.now()
    batch, _ = ImportBatch.objects.using(using).get_or_create(
        source_system=system,
        file_kind=PREFIX,
        defaults={
            "file_name": f"{system.name} (written by Jigsaw)",
            "sha256": "",
            "status": "loaded",
            "started_at": now,
            "finished_at": now,
        },
    )
    return batch


def _record_for(person_id: int, system: SourceSystem, using: str) -> PersonRecord:
    """The child's linked record to hang the entry on: the recording agency's own, else the oldest."""
    records = PersonRecord.objects.using(using).filter(link__person_id=person_id).order_by("pk")
    if system.agency_id is not None:
        own = records.filter(source_system__agency_id=system.agency_id).first()
        if own is not None:
            return own
    record = records.first()
    if record is None:
        raise ValueError("this person has no linked record to add a chronology entry to")
    return record


def write_entry(
    person_id: int,
    kind: str,
    row_id: int,
    event_type: str,
    on: date,
    summary: str,
    entry_kind: str,
    actor: Actor,
    using: str,
    details: dict | None = None,
) -> Event:
    """One chronology entry for a practice record (inside the caller's transaction)."""
    with transaction.atomic(using=using):
        system = practice_system(actor.agency, using)
        batch = _batch(system, using)
        record = _record_for(person_id, system, using)
        hold_records([record.pk], using)  # until the entry commits: see records.person_guard
        event_id = f"{PREFIX}:{kind}:{row_id}"
        return Event.objects.using(using).create(
            source_system=system,
            record_key=event_id,
            row_hash="",
            batch=batch,
            first_batch=batch,
            person=record,
            event_id=event_id,
            person_source_id=record.record_key,
            event_type=event_type,
            occurred_at=datetime.combine(on, time.min, tzinfo=UTC),
            occurred_precision="day",
            recorded_at=timezone.now(),
            practitioner=actor.name[:200],
            practitioner_role=_role_words(actor.role),
            summary=summary,
            kind=entry_kind,
            significance="medium",
            details=details or {},
        )


def _role_words(code: str) -> str:
    """The recorder's role as words ("Safeguarding lead"), never its code."""
    return str(Role(code).label) if code in Role.values else code
