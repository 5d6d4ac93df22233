"""Shared for the signpost tests: a small hand-written partnership whose answers are known.

Two source systems, written as real feed files and loaded through the importer and the batch
linker, as in production:

* ``csc`` (children's social care) sends Olivia Bennett, her twin Amelia (same birth date and
  address) and an unrelated boy, with two involvements for Olivia (a current social worker and
  an ended family-support worker) and a home visit by the social worker;
* ``gp`` (a GP surgery) sends Olivia with her NHS number, Amelia, a cousin also called Olivia
  Bennett born ten days later elsewhere, and a girl with an Arabic name; its events name the GP
  and a health visitor who saw Olivia.

They sit among the people of a small synthetic partnership (30 children), because the model
weighs an exact name by how common it is: in a table of seven records "Bennett" is five in
seven, and exact agreement on everything would not be enough to link.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from tests.conftest import write_csv

BACKGROUND_CHILDREN = 30
POSTCODE = "M14 5RT"  # Olivia's: must never appear in a shielded answer
NHS = "9434765919"  # Olivia's NHS number
PRACTITIONERS = ("Priya Shah", "Tom Reed", "Karen Holt", "Jo Evans")
PEOPLE = ["source_system", "source_id", "given_name", "family_name", "birth_date", "nhs_number",
          "postcode", "sex"]
INVOLVEMENTS = ["source_system", "person_source_id", "agency", "role", "started_on", "team",
                "practitioner", "contact", "ended_on"]
EVENTS = ["source_system", "event_id", "person_source_id", "event_type", "occurred_at", "summary",
          "practitioner", "practitioner_role", "practitioner_contact"]


def _source(folder: Path, code: str, agency: str, kind: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "source.json").write_text(json.dumps(
        {"source_system": code, "name": code.upper(), "agency": agency, "agency_type": kind}), "utf-8")


def write_partnership(root: Path) -> list[Path]:
    """The feed folders described in the module docstring."""
    csc, gp = root / "csc", root / "gp"
    _source(csc, "csc", "Northtown Children's Services", "social_care")
    write_csv(csc / "people.csv", PEOPLE, [
        ["csc", "C1", "Olivia", "Bennett", "2017-03-08", "", POSTCODE, "F"],
        ["csc", "C2", "Amelia", "Bennett", "2017-03-08", "", POSTCODE, "F"],
        ["csc", "C3", "Jack", "Turner", "2016-01-02", "", "M20 2LS", "M"],
    ])
    write_csv(csc / "involvements.csv", INVOLVEMENTS, [
        ["csc", "C1", "Northtown Children's Services", "Social worker", "2024-01-10", "Assessment team",
         "Priya Shah", "0161 555 0101", ""],
        ["csc", "C1", "Northtown Children's Services", "Family support worker", "2022-05-01", "Early help",
         "Tom Reed", "0161 555 0102", "2022-11-30"],
        ["csc", "C3", "Northtown Children's Services", "Social worker", "2023-01-01", "Assessment team",
         "Sam Patel", "0161 555 0103", ""],
    ])
    write_csv(csc / "events.csv", EVENTS, [  # the social worker again: her involvement says more
        ["csc", "V1", "C1", "home_visit", "2024-02-02", "Seen alone", "Priya  Shah", "Social worker",
         "0161 555 0101"],
    ])
    _source(gp, "gp", "Riverside Surgery", "health")
    write_csv(gp / "people.csv", PEOPLE, [
        ["gp", "G1", "Olivia", "Bennett", "2017-03-08", NHS, POSTCODE, "F"],
        ["gp", "G2", "Amelia", "Bennett", "2017-03-08", "4010232137", POSTCODE, "F"],
        ["gp", "G3", "Olivia", "Bennett", "2017-03-18", "4857773457", "LS6 2AB", "F"],
        ["gp", "G4", "ياسمين", "حسن", "2018-02-02", "", "M13 9PL", "F"],
    ])
    write_csv(gp / "events.csv", EVENTS, [
        ["gp", "E1", "G1", "gp_appointment", "2023-02-01", "Earache, reviewed", "Dr Karen Holt", "GP",
         "Riverside Surgery 0161 555 0199"],
        ["gp", "E2", "G1", "gp_appointment", "2024-06-01T10:30", "Bruise on arm", "Dr Karen Holt", "GP",
         "Riverside Surgery 0161 555 0199"],
        ["gp", "E3", "G1", "health_visit", "2018-01-01", "Weight check", "Jo Evans", "Health visitor",
         "Health visiting team 0161 555 0188"],
        ["gp", "E4", "G1", "gp_appointment", "2019-05-05", "No practitioner recorded", "", "", ""],
    ])
    return [csc, gp]


def background(root: Path) -> list[Path]:
    """People files of a small synthetic partnership (names unrelated to the ones above)."""
    from jigsaw.synth import write_partnership as synth

    synth(root / "synthetic", children=BACKGROUND_CHILDREN, seed=21)
    return sorted(p for p in (root / "synthetic").glob("*/people.csv") if p.parent.name != "truth")


def load(root: Path, using: str) -> None:
    """Import the partnership and link it, as ``jigsaw import`` then ``jigsaw link`` would."""
    from jigsaw.records.importer.run import import_paths
    from jigsaw.signpost.batch import link_all

    mine = import_paths(write_partnership(root / "feeds"), using=using).as_dict()
    assert mine["quarantined"] == 0 and mine["accepted"] == 15, mine
    assert not import_paths(background(root), using=using).refused
    link_all(using=using)


def person_of(source: str, key: str, using: str) -> int:
    from jigsaw.signpost.models import RecordLink

    return RecordLink.objects.using(using).get(record__source_system__code=source,
                                               record__record_key=key).person_id


#: The account the command-line searches of these tests act as.
SEARCHER = "searcher"


def cli_database(root: Path, jigsaw) -> dict[str, str]:
    """A file database holding the partnership, loaded through ``jigsaw`` (the fixture); its env."""
    env = {"JIGSAW_DATA_DIR": str(root / "data"), "JIGSAW_DATABASE_URL": f"sqlite:///{root / 'cli.sqlite3'}"}
    feeds = [*write_partnership(root / "feeds"), *background(root)]
    for args in (("import", *map(str, feeds), "--json"), ("link", "--json")):
        done = jigsaw(*args, env=env)
        assert done.returncode == 0, done.stderr
    # the Jigsaw account searches act as (a command-line read of a child names one, like a page)
    checked = (date.today() - timedelta(days=30)).isoformat()
    made = jigsaw("createuser", SEARCHER, "--role", "hub_officer", "--vetted-on", checked,
                  "--trained-on", checked, "--password-stdin", input="a-long-enough-passphrase-1\n", env=env)
    assert made.returncode == 0, made.stderr
    return {**env, "JIGSAW_USER": SEARCHER}
