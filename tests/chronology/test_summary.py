"""A child at a glance: plans open now from start and end events, and the lead professional."""

from __future__ import annotations

from datetime import date

from jigsaw.chronology.build import Entry
from jigsaw.chronology.summary import Status, lead_professional, open_statuses
from jigsaw.signpost.signposts import Signpost


def _entry(event_type: str, day: date, person: int = 1) -> Entry:
    return Entry(event_key=f"csc:{event_type}{day}", person_id=person, subject="Child", date=day,
                 date_end=day, time="", precision="day", date_text="", agency="", agency_type="",
                 source_system="csc",
                 source_name="", source_record="", event_type=event_type, meaning="", description="",
                 kind="fact", significance="high", significance_suggested=True, practitioner="",
                 practitioner_role="", recorded_on=None)


def test_a_plan_is_open_when_its_latest_start_is_after_its_latest_end():
    entries = [_entry("cp_plan_start", date(2023, 1, 1)), _entry("cp_plan_end", date(2023, 6, 1)),
               _entry("cp_plan_start", date(2024, 2, 1)), _entry("cin_plan_start", date(2022, 1, 1)),
               _entry("cin_plan_end", date(2022, 9, 1)),
               _entry("looked_after_start", date(2024, 3, 1), person=2)]
    assert open_statuses(entries, 1) == [Status("Child protection plan", date(2024, 2, 1))]


def _post(role: str, practitioner: str = "Ann Lee", current: bool = True,
          origin: str = "involvement", lead: bool | None = None) -> Signpost:
    return Signpost(agency="Council", team="", practitioner=practitioner, role=role, contact="",
                    started_on=None, ended_on=None, current=current, source_system="csc", origin=origin,
                    lead_professional=lead)


def test_the_lead_professional_is_the_current_allocated_social_worker():
    posts = [_post("registered GP", "Dr Who"), _post("allocated social worker", "Old", current=False),
             _post("allocated social worker", "Ann Lee")]
    assert lead_professional(posts).practitioner == "Ann Lee"
    assert lead_professional([_post("registered GP")]) is None


def test_a_lead_professional_named_by_the_source_comes_first():
    posts = [_post("allocated social worker", "Ann Lee"), _post("health visitor", "Bo Day", lead=True),
             _post("school nurse", "Cy Old", current=False, lead=True)]
    assert lead_professional(posts).practitioner == "Bo Day"


def test_a_section_47_enquiry_from_the_census_ends_at_the_conference_or_the_closure():
    """The CIN census has no end date for an enquiry: a later conference or closure ends it."""
    started = _entry("section47_start", date(2025, 10, 22))
    assert open_statuses([started], 1) == [Status("Section 47 enquiry", date(2025, 10, 22))]
    assert open_statuses([started, _entry("cp_conference", date(2025, 10, 27))], 1) == []
    assert open_statuses([started, _entry("case_closed", date(2025, 12, 9))], 1) == []
    later = _entry("section47_start", date(2026, 1, 5))  # a new enquiry after that conference
    assert open_statuses([started, _entry("cp_conference", date(2025, 10, 27)), later], 1) == [
        Status("Section 47 enquiry", date(2026, 1, 5))]


def test_a_conference_or_closure_ends_no_plan():
    entries = [_entry("cp_plan_start", date(2025, 1, 1)), _entry("cp_conference", date(2025, 3, 1)),
               _entry("case_closed", date(2025, 4, 1))]
    assert open_statuses(entries, 1) == [Status("Child protection plan", date(2025, 1, 1))]
