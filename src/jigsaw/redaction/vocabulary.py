"""Capitalised words of a review's prose that are not names: roles, services, family words.

Used to keep the statistical model's misreadings ("Early Help" as a person, "Mummy" as a
person) out of the replacements, and out of the list of leftover words to check.
"""

from __future__ import annotations

from .dates import MONTHS

HONORIFICS = ("Mr", "Mrs", "Ms", "Miss", "Mx", "Master", "Dr", "Doctor", "Prof", "Professor",
              "Rev", "Revd", "Sir", "Dame", "Lady", "Lord", "PC", "DC", "DS", "Sgt", "Nurse")

NOT_NAMES = frozenset(
    {"I", "Child", "Mother", "Father", "Sibling", "Person", "Carer", "Relative", "Professional",
     "School", "Practice", "Nursery", "Hospital", "Organisation", "Health", "Visitor", "Social",
     "Care", "Children's", "Services", "Service", "Police", "Council", "Court", "Team", "Front",
     "Door", "Section", "Review", "Panel", "Local", "Authority", "Plan", "Protection", "Conference",
     "Strategy", "Discussion", "Emergency", "Department", "Named", "Designated", "Nurse", "Officer",
     "Worker", "Manager", "Lead", "Safeguarding", "Partnership", "English", "England", "Year",
     "Reception", "Early", "Help", "Family", "Hub", "Midwife", "Paediatrician", "Consultant",
     "Sergeant", "Constable", "Detective", "Key", "Stage", "Mum", "Mummy", "Mam", "Dad", "Daddy",
     "Nan", "Nana", "Nanna", "Grandma", "Grandad", "Granddad", "Auntie", "Aunty", "Uncle", "Baby",
     "Unborn", "Christmas", "Easter", "Ramadan", "Eid", "Diwali", "Bank", "Holiday", "Term"}
    | set(HONORIFICS) | set(MONTHS)
    | {d + "day" for d in ("Mon", "Tues", "Wednes", "Thurs", "Fri", "Satur", "Sun")})
