"""Subject access (UK GDPR Art. 15; DPA 2018 s.45 for law-enforcement data): everything Jigsaw
holds about one person, with what must be checked before it is disclosed marked.

Each section is a list of rows; a row's ``_redact`` maps a field to why it may have to be
withheld: another person's name or details (relationships, the other people of an alert),
staff and practitioners (who recorded, who looked), a shielding decision whose disclosure could
endanger the child, and free text in which the redaction engine found other people's names
(``_marks``: their offsets, never the words). Nothing is redacted here: a person decides, as for
a review's report (Information Commissioner's guidance on the right of access: third-party
information; DPA 2018 Sch. 2 para. 16).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from jigsaw.alerts.models import Alert
from jigsaw.audit.models import AccessEntry
from jigsaw.chronology.models import SignificanceRating
from jigsaw.records.models import Event, Involvement, LitigationHold, PersonRecord, Relationship
from jigsaw.redaction import KnownEntity, Redactor
from jigsaw.reviews.models import CaseReview, LegalHold
from jigsaw.signpost import gate
from jigsaw.signpost.models import Person, RecordLink

from .subject_access_practice import practice_sections

THIRD_PARTY = "another person's details"
STAFF = "a practitioner or member of staff"
NARRATIVE = "free text: check for other people"
SHIELDED_OTHER = "a shielded person: withhold (disclosure could endanger them)"
SHIELD = "a shielding decision: disclosure may put the child at risk (check before release)"

RECORD_FIELDS = (
    "given_name",
    "family_name",
    "other_names",
    "birth_date",
    "sex",
    "nhs_number",
    "upn",
    "address",
    "postcode",
    "phone",
    "is_child",
    "ethnicity",
    "disability",
    "recorded_at",
)
EVENT_FIELDS = (
    "event_id",
    "event_type",
    "occurred_at",
    "recorded_at",
    "practitioner",
    "practitioner_role",
    "practitioner_contact",
    "summary",
    "kind",
    "significance",
    "details",
)


class SubjectAccessError(ValueError):
    """No such person (one line)."""


def _plain(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def _row(obj: Any, fields: Iterable[str], **extra: Any) -> dict[str, Any]:
    row = {f: _plain(getattr(obj, f)) for f in fields}
    row.update(extra)
    return row


class _Marker:
    """Offsets of other people's names in free text, from the redaction engine (records and patterns)."""

    def __init__(self, own_names: set[str], others: Iterable[KnownEntity]) -> None:
        self.own = {n.casefold() for n in own_names if n}
        self.redactor = Redactor(list(others), use_model=False)

    def marks(self, text: str) -> list[dict[str, Any]]:
        if not text:
            return []
        found = []
        for item in self.redactor.redact(text).replacements:
            words = text[item.start : item.end]
            if item.category == "person" and not set(words.casefold().split()) <= self.own:
                found.append({"start": item.start, "end": item.end, "why": THIRD_PARTY})
        return found


def gather(person_id: int, using: str = "default") -> dict[str, Any]:
    """Every section held about ``person_id``; raises :class:`SubjectAccessError`."""
    person = Person.objects.using(using).filter(pk=person_id).first()
    if person is None:
        raise SubjectAccessError(f"there is no person {person_id}")
    rids = list(
        RecordLink.objects.using(using).filter(person_id=person_id).values_list("record_id", flat=True)
    )
    records = list(
        PersonRecord.objects.using(using).filter(id__in=rids).select_related("source_system__agency")
    )
    own = {w for r in records for w in f"{r.given_name} {r.family_name} {r.other_names}".split()}
    rels = list(
        Relationship.objects.using(using).filter(person_id__in=rids).select_related("related")
    ) + list(
        Relationship.objects.using(using)
        .filter(related_id__in=rids)
        .exclude(person_id__in=rids)
        .select_related("person")
    )
    events = list(
        Event.objects.using(using)
        .filter(person_id__in=rids)
        .select_related("source_system")
        .order_by("occurred_at", "id")
    )
    involvements = list(
        Involvement.objects.using(using).filter(person_id__in=rids).select_related("source_system")
    )
    others = []
    for rel in rels:
        other = rel.related if rel.person_id in rids else rel.person
        others.append(KnownEntity("person", f"{other.given_name} {other.family_name}".strip(), "other"))
    for name in {e.practitioner for e in events} | {i.practitioner for i in involvements}:
        if name.strip():
            others.append(KnownEntity("person", name, "professional"))
    marker = _Marker(own, [o for o in others if o.text])
    sections: dict[str, list[dict[str, Any]]] = {}
    sections["records"] = [
        _row(
            r,
            RECORD_FIELDS,
            source_system=r.source_system.code,
            source_id=r.record_key,
            agency=r.source_system.agency.name if r.source_system.agency_id else "",
        )
        for r in records
    ]
    sections["events"] = [
        _row(
            e,
            EVENT_FIELDS,
            source_system=e.source_system.code,
            _redact={
                "practitioner": STAFF,
                "practitioner_contact": STAFF,
                **({"summary": NARRATIVE} if e.summary else {}),
            },
            _marks={"summary": marker.marks(e.summary)},
        )
        for e in events
    ]
    sections["relationships"] = []
    other_records = [rel.related_id if rel.person_id in rids else rel.person_id for rel in rels]
    shielded = gate.protected_records(other_records, using) if other_records else set()
    for rel in rels:
        mine = rel.person_id in rids
        other = rel.related if mine else rel.person
        why = SHIELDED_OTHER if other.pk in shielded else THIRD_PARTY
        sections["relationships"].append(
            {
                "source_system": rel.source_system_id,
                "relationship": rel.relationship,
                "reads": "the other person is this person's" if mine else "this person is the other person's",
                "other_person": f"{other.given_name} {other.family_name}",
                "other_birth_date": _plain(other.birth_date),
                "_redact": {"other_person": why, "other_birth_date": why},
            }
        )
    sections["involvements"] = [
        _row(
            i,
            ("agency", "role", "team", "practitioner", "contact", "started_on", "ended_on"),
            source_system=i.source_system.code,
            _redact={"practitioner": STAFF, "contact": STAFF},
        )
        for i in involvements
    ]
    sections["significance_ratings"] = [
        {
            "event_id": r.event.event_id,
            "significance": r.significance,
            "set_by": r.set_by,
            "reason": r.reason,
            "set_at": _plain(r.set_at),
            "_redact": {"set_by": STAFF, "reason": NARRATIVE},
        }
        for r in SignificanceRating.objects.using(using).filter(event__in=events).select_related("event")
    ]
    sections["alerts"] = [
        {
            "alert_id": a.pk,
            "rule_id": a.rule_id,
            "title": a.title,
            "status": a.status,
            "outcome": a.outcome,
            "raised_at": _plain(a.raised_at),
            "explanation": a.explanation,
            "other_people": [p for p in a.person_ids if p != person_id],
            "_redact": {"explanation": NARRATIVE, "other_people": THIRD_PARTY},
        }
        for a in Alert.objects.using(using).filter(people__id=person_id).order_by("raised_at")
    ]
    subject_of = set(CaseReview.objects.using(using).filter(person_id=person_id).values_list("id", flat=True))
    sections["case_reviews"] = [
        {
            "reference": h.review.reference,
            "stage": h.review.stage,
            "as": "subject" if h.review_id in subject_of else "in the evidence pack",
            "held_from": _plain(h.placed_at),
            "released": _plain(h.released_at),
        }
        for h in LegalHold.objects.using(using).filter(person_id=person_id).select_related("review")
    ]
    sections["legal_holds"] = [
        _row(
            h,
            ("placed_at", "reason", "released_at", "release_reason"),
            _redact={"reason": NARRATIVE, "release_reason": NARRATIVE},
        )
        for h in LitigationHold.objects.using(using).filter(person_id=person_id)
    ]
    sections["access_log"] = [
        {
            "sequence": e.sequence,
            "at": _plain(e.at),
            "action": e.action,
            "actor": e.actor,
            "role": e.role,
            "agency": e.agency,
            "reason_code": e.reason_code,
            "reason_text": e.reason_text,
            "_redact": {"actor": STAFF, **({"reason_text": NARRATIVE} if e.reason_text else {})},
        }
        for e in AccessEntry.objects.using(using).filter(person_id=person_id).order_by("sequence")
    ]
    shield = {"shielded": person.shielded}
    if person.shielded:
        shield.update(
            shield_reason=person.shield_reason,
            shielded_at=_plain(person.shielded_at),
            _redact={"shield_reason": SHIELD},
        )
    sections["shielding"] = [shield]
    sections.update(practice_sections(person_id, using))
    return {
        "person_id": person_id,
        "generated_at": _plain(timezone.now()),
        "counts": {k: len(v) for k, v in sections.items()},
        "sections": sections,
    }
