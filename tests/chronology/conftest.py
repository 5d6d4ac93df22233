"""A small, hand-written partnership for the chronology tests, imported and linked.

One child (Amy Smith) known to four agencies; her mother (Jane Smith, known to social care and
the GP), the mother's partner (Mark Brown, known to police and social care), a half-brother
(Leo Smith, a child of the same mother), a lodger at the same address (Sam Green) and, apart,
a child whose record shows events after his death (Tom Jones).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jigsaw.records.importer import import_paths
from jigsaw.signpost.batch import link_all
from jigsaw.signpost.models import RecordLink
from tests.conftest import write_csv

AMY, JANE, MARK, LEO, SAM, TOM = ("9434765919", "4010232137", "1234567881", "9876543210", "1112223339",
                                  "5556667772")
PEOPLE = ["source_system", "source_id", "given_name", "family_name", "birth_date", "nhs_number", "sex",
          "address", "postcode", "recorded_at"]
EVENTS = ["source_system", "event_id", "person_source_id", "event_type", "occurred_at", "recorded_at",
          "practitioner", "practitioner_role", "summary", "kind", "significance", "details"]
RELS = ["source_system", "person_source_id", "related_source_id", "relationship"]
HOME = ("12 High Street, Northvale", "M1 1AE")
SOURCES = {
    "csc": ("Northvale Council Children's Services", "social_care"),
    "gp": ("Gladstone Road Surgery", "health"),
    "police": ("Northvale Police", "police"),
    "school": ("Northvale Primary School", "education"),
}


def _person(src: str, sid: str, given: str, family: str, born: str, nhs: str, sex: str,
            home: bool = True, recorded: str = "2024-01-10") -> list[str]:
    address, postcode = HOME if home else ("4 Low Road, Saltmere", "M2 2BB")
    return [src, sid, given, family, born, nhs, sex, address, postcode, recorded]


def write_feeds(root: Path) -> Path:
    """Write the four source folders under ``root`` and return it."""
    people = {
        "csc": [_person("csc", "C1", "Amy", "Smith", "2020-03-04", AMY, "F"),
                _person("csc", "C2", "Jane", "Smith", "1990-01-01", JANE, "F"),
                _person("csc", "C3", "Mark", "Brown", "1988-05-05", MARK, "M", home=False),
                _person("csc", "C4", "Leo", "Smith", "2016-06-06", LEO, "M")],
        "gp": [_person("gp", "G1", "Amy", "Smith", "2020-03-04", AMY, "F"),
               _person("gp", "G2", "Jane", "Smith", "1990-01-01", JANE, "F"),
               _person("gp", "G5", "Sam", "Green", "1970-07-07", SAM, "M", recorded="2024-05-01"),
               _person("gp", "G6", "Tom", "Jones", "2019-09-09", TOM, "M", home=False)],
        "police": [_person("police", "P1", "Amy", "Smith", "2020-03-04", AMY, "F"),
                   _person("police", "P3", "Mark", "Brown", "1988-05-05", MARK, "M", home=False)],
        "school": [_person("school", "S4", "Leo", "Smith", "2016-06-06", LEO, "M")],
    }
    events = {
        "csc": [
            ["csc", "E1", "C1", "referral", "2024-03-10", "2024-03-10", "Emma Walker", "social worker",
             "Referral from the school; Jane Smith told of it by Emma Walker.", "fact", "high", ""],
            ["csc", "E2", "C1", "assessment_start", "2024-03", "", "Emma Walker", "social worker", "", "", "",
             ""],
            ["csc", "E3", "C1", "assessment_end", "2024-04-02", "2024-04-03", "Emma Walker", "social worker",
             "Worker's view: Amy is at risk when Mark Brown visits.", "judgement", "", ""],
            ["csc", "E4", "C1", "domestic_abuse_incident", "2024-02-20", "2024-02-22", "Emma Walker",
             "social worker", "Police notified social care of an incident at home.", "fact", "",
             json.dumps({"children_present": True})],
        ],
        "gp": [
            ["gp", "G-1", "G1", "gp_appointment", "2024-01-05T09:15", "2024-01-05", "Priya Chauhan", "GP",
             "=HYPERLINK(\"http://evil.example\")", "fact", "low", ""],
            ["gp", "G-2", "G1", "health_visit", "2023", "", "", "", "", "", "", ""],
            ["gp", "G-3", "G2", "mental_health_contact", "2024-02-01", "", "Priya Chauhan", "GP",
             "Jane Smith seen for low mood.", "fact", "", ""],
            ["gp", "G-4", "G5", "gp_appointment", "2024-05-02", "", "", "", "", "", "", ""],
            ["gp", "G-5", "G6", "death", "2024-06-01", "", "", "", "", "fact", "high", ""],
            ["gp", "G-6", "G6", "gp_appointment", "2024-06-10", "", "", "", "", "fact", "", ""],
            ["gp", "G-7", "G6", "gp_appointment", "2024-05-10", "", "", "", "", "fact", "", ""],
        ],
        "police": [
            ["police", "P-1", "P1", "domestic_abuse_incident", "2024-02-20T22:30", "2024-02-21", "PC Shah",
             "police officer", "Mark Brown arrested after an incident; Amy was present.", "fact", "high",
             json.dumps({"children_present": True})],
            ["police", "P-2", "P3", "arrest", "2024-02-20T23:10", "", "PC Shah", "police officer", "", "", "",
             ""],
        ],
        "school": [
            ["school", "S-1", "S4", "school_concern", "2024-05-01", "", "", "",
             "Leo upset at school <script>x</script>", "", "", ""],
        ],
    }
    rels = {
        "csc": [["csc", "C1", "C2", "mother"], ["csc", "C1", "C3", "partner_of_parent"],
                ["csc", "C4", "C2", "mother"]],
        "gp": [["gp", "G1", "G2", "mother"]],
    }
    for code, (agency, agency_type) in SOURCES.items():
        folder = root / code
        folder.mkdir(parents=True, exist_ok=True)
        manifest = {"source_system": code, "name": f"{agency} record", "agency": agency,
                    "agency_type": agency_type}
        (folder / "source.json").write_text(json.dumps(manifest), encoding="utf-8")
        write_csv(folder / "people.csv", PEOPLE, people[code])
        write_csv(folder / "events.csv", EVENTS, events.get(code, []))
        write_csv(folder / "relationships.csv", RELS, rels.get(code, []))
    return root


@pytest.fixture(scope="session")
def feeds(tmp_path_factory) -> Path:
    return write_feeds(tmp_path_factory.mktemp("chronology_feeds"))


def person_of(using: str, source: str, source_id: str) -> int:
    return RecordLink.objects.using(using).get(record__source_system__code=source,
                                               record__record_key=source_id).person_id


@pytest.fixture
def family(feeds: Path, db_alias: str) -> dict[str, int | str]:
    """The feeds imported and linked into ``db_alias``: person ids by first name, plus "using"."""
    report = import_paths([feeds], using=db_alias)
    assert all(f.status == "loaded" for f in report.files), report
    link_all(using=db_alias)
    ids = {name: person_of(db_alias, src, sid) for name, src, sid in (
        ("amy", "csc", "C1"), ("jane", "csc", "C2"), ("mark", "csc", "C3"), ("leo", "csc", "C4"),
        ("sam", "gp", "G5"), ("tom", "gp", "G6"))}
    assert ids["amy"] == person_of(db_alias, "police", "P1") == person_of(db_alias, "gp", "G1")
    return {"using": db_alias, **ids}

from tests.accounts.support import make_user, role_clients, web_db  # noqa: E402, F401 - fixtures
from tests.web.support import loaded  # noqa: E402, F401 - fixture
