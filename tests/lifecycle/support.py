"""A small partnership built to be purged: one adult (Zebedee Quantock) due for deletion, with
something of him in every kind of table, beside a child (Yolanda Brightwater) who stays.

Every identifying value of Zebedee's is unique to him, so a search of the whole database for
any of them after the purge must find nothing.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from jigsaw.feeds.nhs import nhs_check_digit
from tests.conftest import write_csv


def nhs(first_nine: str) -> str:
    return first_nine + str(nhs_check_digit(first_nine))


ZED_NHS = nhs("487263915")
YOL_NHS = nhs("401023213")
ZED_BAD_NHS = "1234567890"  # fails its check digit: kept aside, with a warning
ZED_POSTCODE, ZED_ADDRESS, ZED_PHONE = "ZE2 9ZZ", "7 Quillfeather Lane, Northvale", "07700 900461"
ZED_SOURCE_ID = "ZQX-4471"
#: every value of Zebedee's a purge must leave nowhere (compared case-insensitively)
ZED_NEEDLES = [
    "Zebedee",
    "Quantock",
    ZED_NHS,
    ZED_BAD_NHS,
    "ZE2 9ZZ",
    "ZE29ZZ",
    "Quillfeather",
    "900461",
    ZED_SOURCE_ID,
]

PEOPLE = [
    "source_system",
    "source_id",
    "given_name",
    "family_name",
    "birth_date",
    "nhs_number",
    "sex",
    "address",
    "postcode",
    "phone",
    "recorded_at",
]
EVENTS = [
    "source_system",
    "event_id",
    "person_source_id",
    "event_type",
    "occurred_at",
    "practitioner",
    "summary",
    "kind",
    "details",
]
RELS = ["source_system", "person_source_id", "related_source_id", "relationship"]
INVS = [
    "source_system",
    "person_source_id",
    "agency",
    "role",
    "started_on",
    "practitioner",
    "contact",
    "ended_on",
]
SOURCES = {
    "csc": ("Northvale Children's Services", "social_care"),
    "gp": ("Quarry Surgery", "health"),
    "police": ("Northvale Police", "police"),
}


def _zed(src: str, sid: str, nhs_number: str, phone: str = ZED_PHONE) -> list[str]:
    return [
        src,
        sid,
        "Zebedee",
        "Quantock",
        "1980-02-03",
        nhs_number,
        "M",
        ZED_ADDRESS,
        ZED_POSTCODE,
        phone,
        "2012-01-01",
    ]


def write_feeds(root: Path, phone: str = ZED_PHONE) -> Path:
    """The three sources; ``phone`` changed on a second import leaves a superseded version."""
    people = {
        "csc": [
            _zed("csc", ZED_SOURCE_ID, ZED_NHS, phone),
            [
                "csc",
                "Y1",
                "Yolanda",
                "Brightwater",
                "2015-06-06",
                YOL_NHS,
                "F",
                "1 Hill Road, Northvale",
                "M1 1AE",
                "",
                "2016-01-01",
            ],
        ],
        "gp": [_zed("gp", "G-Z", ZED_NHS)],
        "police": [_zed("police", "P-Z", ZED_BAD_NHS)],
    }
    events = {
        "csc": [
            [
                "csc",
                "CE1",
                ZED_SOURCE_ID,
                "contact",
                "2013-04-01",
                "Ann Worker",
                "Zebedee Quantock rang about his daughter.",
                "fact",
                "",
            ],
            [
                "csc",
                "CE2",
                "Y1",
                "referral",
                "2024-04-01",
                "Ann Worker",
                "Referral for the child.",
                "fact",
                "",
            ],
            ["csc", "CE3", ZED_SOURCE_ID, "no_such_type", "2013-05-01", "", "Zebedee quarantined", "", ""],
        ],
        "gp": [["gp", "GE1", "G-Z", "gp_appointment", "2014-02-02", "Dr Pell", "Seen.", "fact", ""]],
        "police": [
            [
                "police",
                "PE1",
                "P-Z",
                "domestic_abuse_incident",
                "2014-03-03",
                "PC Lark",
                "",
                "fact",
                json.dumps({"children_present": True}),
            ]
        ],
    }
    rels = {"csc": [["csc", "Y1", ZED_SOURCE_ID, "father"], ["csc", ZED_SOURCE_ID, "Y1", "household_member"]]}
    invs = {
        "csc": [
            [
                "csc",
                ZED_SOURCE_ID,
                "Northvale Adult Services",
                "support worker",
                "2013-01-01",
                "Bo Helper",
                "01632 960001",
                "2014-01-01",
            ]
        ]
    }
    for code, (agency, agency_type) in SOURCES.items():
        folder = root / code
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "source.json").write_text(
            json.dumps({"source_system": code, "name": agency, "agency": agency, "agency_type": agency_type}),
            encoding="utf-8",
        )
        write_csv(folder / "people.csv", PEOPLE, people[code])
        write_csv(folder / "events.csv", EVENTS, events.get(code, []))
        write_csv(folder / "relationships.csv", RELS, rels.get(code, []))
        write_csv(folder / "involvements.csv", INVS, invs.get(code, []))
    return root


TODAY = dt.date(2026, 12, 1)
