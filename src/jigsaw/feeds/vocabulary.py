"""The controlled event vocabulary every feed maps into.

Core type names are fixed by the design contract (extend, never rename). Each type carries a
one-line meaning so a practitioner reading a chronology, and a developer writing a reader for a
new source format, agree on what an entry says.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Area(StrEnum):
    SOCIAL_CARE = "social_care"
    HEALTH = "health"
    POLICE = "police"
    EDUCATION = "education"
    HOUSEHOLD = "household"


@dataclass(frozen=True, slots=True)
class EventType:
    name: str
    area: Area
    meaning: str
    #: may legitimately be dated before the subject's birth (pre-birth work, pregnancy care)
    prebirth_ok: bool = False


_SC, _H, _P, _E, _HH = Area.SOCIAL_CARE, Area.HEALTH, Area.POLICE, Area.EDUCATION, Area.HOUSEHOLD

_TYPES: tuple[EventType, ...] = (
    # social care (Children Act 1989; Working Together to Safeguard Children 2023)
    EventType("contact", _SC, "Information about a child received by children's social care.", True),
    EventType("referral", _SC, "A request for children's social care services accepted as a referral.", True),
    EventType("assessment_start", _SC, "A child and family (s17) assessment began.", True),
    EventType("assessment_end", _SC, "A child and family assessment was completed.", True),
    EventType("strategy_discussion", _SC, "Agencies met to decide whether to start s47 enquiries.", True),
    EventType("section47_start", _SC, "Enquiries under s47 Children Act 1989 began.", True),
    EventType("section47_end", _SC, "Section 47 enquiries concluded.", True),
    EventType("cp_conference", _SC, "A child protection conference was held.", True),
    EventType("cp_plan_start", _SC, "The child became subject to a child protection plan.", True),
    EventType("cp_plan_end", _SC, "The child's child protection plan ended."),
    EventType("cin_plan_start", _SC, "A child in need plan began.", True),
    EventType("cin_plan_end", _SC, "A child in need plan ended."),
    EventType("looked_after_start", _SC, "The child started to be looked after by the local authority."),
    EventType("looked_after_end", _SC, "The child ceased to be looked after."),
    EventType("home_visit", _SC, "A practitioner visited the child's home and saw the family."),
    EventType("home_visit_no_access", _SC, "A planned home visit took place but nobody gave access.", True),
    EventType("case_closed", _SC, "Children's social care closed the case."),
    # health
    EventType("ed_attendance", _H, "The person attended an emergency department."),
    EventType("gp_appointment", _H, "The person was seen at a GP appointment."),
    EventType("health_visit", _H, "A health visitor saw the child or family.", True),
    EventType("appointment_was_not_brought", _H, "A child was not brought to a health appointment."),
    EventType("injury", _H, "An injury was seen and recorded by a health professional."),
    EventType("antenatal_booking", _H, "A pregnancy was booked with maternity services.", True),
    EventType("birth", _H, "The child was born."),
    EventType("mental_health_contact", _H, "The person had contact with a mental health service."),
    EventType("substance_misuse_contact", _H, "The person had contact with a drug or alcohol service."),
    # police
    EventType("domestic_abuse_incident", _P, "Police attended or recorded a domestic abuse incident.", True),
    EventType("missing_episode", _P, "The person was reported missing."),
    EventType("missing_return", _P, "A missing person was found or returned."),
    EventType("exploitation_concern", _P, "Police recorded a concern about criminal or sexual exploitation."),
    EventType("arrest", _P, "The person was arrested."),
    EventType("police_concern", _P, "Police recorded another concern about a child's welfare.", True),
    # education
    EventType("school_enrolment", _E, "The child was enrolled at a school."),
    EventType("school_concern", _E, "The school's safeguarding lead recorded a concern."),
    EventType("persistent_absence", _E, "Attendance fell to persistent-absence level (under 90%)."),
    EventType("exclusion", _E, "The child was suspended or permanently excluded."),
    EventType("missing_education", _E, "The child was identified as missing from education."),
    # household
    EventType("household_member_joined", _HH, "Someone joined the person's household.", True),
    EventType("household_member_left", _HH, "Someone left the person's household.", True),
    EventType("address_change", _HH, "The person moved to a new address.", True),
    EventType("service_refused", _HH, "The family refused or did not engage with an offered service.", True),
    EventType("death", _HH, "The person died."),
    # added for the SSDA903 return (DfE children looked after return guide): a new episode of
    # care starts at each change of placement or legal status. Appended, never inserted: other
    # modules number the types in this order.
    EventType("placement_change", _SC, "A looked-after child moved to a new placement with new carers."),
    EventType("care_status_change", _SC, "A looked-after child's legal status or placement status "
                                         "changed without a move to new carers."),
    # added for practice records (issue 17; Information sharing: advice for practitioners, DfE
    # 2024: "record your decision and the reasons for it, whether or not you share"), written by
    # Jigsaw's practice app from a child's page and also accepted from any feed. Appended.
    EventType("information_sharing_decision", _SC,
              "A practitioner decided whether to share information about the child, with whom, why and "
              "on what lawful basis."),
    EventType("child_voice", _SC, "The child's own words, wishes and feelings, as the child expressed them."),
    # added for unscheduled-care notices: CP-IS (NHS England, Child Protection - Information
    # Sharing) covers every unscheduled-care setting, not only emergency departments -- urgent
    # treatment centres, minor injury units, walk-in centres, GP out of hours, NHS 111,
    # ambulance services and maternity units (see docs/notices.md). ``ed_attendance`` keeps its
    # meaning; ``details.setting`` says which kind of setting this was.
    EventType("urgent_care_attendance", _H, "The person attended an unscheduled-care setting other "
                                            "than an emergency department (urgent treatment centre, "
                                            "minor injury unit, walk-in centre, GP out of hours, "
                                            "NHS 111, ambulance)."),
)

#: Unscheduled-care settings an ``urgent_care_attendance`` may name in ``details.setting``
#: (the CP-IS unscheduled-care settings other than an emergency department).
URGENT_CARE_SETTINGS: frozenset[str] = frozenset(
    {"urgent_treatment_centre", "minor_injury_unit", "walk_in_centre", "out_of_hours_gp", "nhs_111",
     "ambulance", "maternity", "other"}
)

#: The attendances that are "unscheduled care" for CP-IS notices.
UNSCHEDULED_CARE: tuple[str, ...] = ("ed_attendance", "urgent_care_attendance")

EVENT_TYPES: dict[str, EventType] = {t.name: t for t in _TYPES}

RELATIONSHIPS: frozenset[str] = frozenset(
    {"mother", "father", "parent", "step_parent", "partner_of_parent", "sibling",
     "household_member", "carer"}
)

INJURY_TYPES: frozenset[str] = frozenset(
    {"bruise", "fracture", "burn", "bite", "head_injury", "laceration", "other"}
)

MOBILITY: frozenset[str] = frozenset({"not_independently_mobile", "mobile"})


def is_known(event_type: str) -> bool:
    """True when ``event_type`` is in the controlled vocabulary."""
    return event_type in EVENT_TYPES


def by_area(area: Area) -> list[EventType]:
    """The event types of one area, in vocabulary order."""
    return [t for t in _TYPES if t.area == area]


#: Short labels where the type name, spaced and capitalised, does not read as plain English.
_LABELS: dict[str, str] = {
    "appointment_was_not_brought": "Not brought to an appointment",
    "ed_attendance": "Emergency department attendance",
    "gp_appointment": "GP appointment",
    "cp_conference": "Child protection conference",
    "cp_plan_start": "Child protection plan started",
    "cp_plan_end": "Child protection plan ended",
    "cin_plan_start": "Child in need plan started",
    "cin_plan_end": "Child in need plan ended",
    "looked_after_start": "Became looked after",
    "looked_after_end": "Stopped being looked after",
    "section47_start": "Section 47 enquiry started",
    "section47_end": "Section 47 enquiry ended",
    "assessment_start": "Assessment started",
    "assessment_end": "Assessment completed",
    "home_visit_no_access": "Home visit, no access",
    "missing_return": "Returned from missing",
    "missing_episode": "Reported missing",
    "missing_education": "Missing from education",
}


def event_label(event_type: str) -> str:
    """A short plain-English label for an event type ("Not brought to an appointment"), for pages."""
    if event_type in _LABELS:
        return _LABELS[event_type]
    return event_type.replace("_", " ").capitalize()
