"""The structured lead-professional and early-help flags on involvements: read from the canonical
feed (optional columns; anything but true/false loads as unknown with a warning), stored, shown in
the signposts, preferred by the API's contact, and written by synth."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from jigsaw.feeds import KINDS, PARSERS
from jigsaw.records.importer import import_paths
from jigsaw.records.models import ImportWarning, Involvement
from jigsaw.signpost.signposts import Signpost
from tests.conftest import BOTH, write_csv

NOW = datetime(2025, 1, 1, tzinfo=UTC)
COLUMNS = KINDS["involvements"].columns


def _row(**values: str) -> list[str]:
    base = {
        "source_system": "csc",
        "person_source_id": "C1",
        "agency": "Northtown",
        "role": "Social worker",
        "started_on": "2024-01-10",
    }
    base.update(values)
    return [base.get(c, "") for c in COLUMNS]


def test_the_columns_are_optional_booleans():
    assert {"lead_professional", "early_help_assessment"} <= set(COLUMNS)
    assert not {"lead_professional", "early_help_assessment"} & KINDS["involvements"].required
    parsed = PARSERS["involvements"](_row(lead_professional="true", early_help_assessment="no"), NOW)
    assert parsed.values[-2:] == ("1", "0") and parsed.warnings == ()
    assert PARSERS["involvements"](_row(), NOW).values[-2:] == (None, None)
    odd = PARSERS["involvements"](_row(lead_professional="maybe"), NOW)
    assert odd.values[-2] is None and odd.warnings[0][0] == "lead_professional"


@pytest.mark.django_db(databases=BOTH)
def test_they_load_and_a_bad_value_warns(db_alias, tmp_path: Path):
    write_csv(
        tmp_path / "people.csv",
        ["source_system", "source_id", "given_name", "family_name", "birth_date"],
        [["csc", "C1", "Olivia", "Bennett", "2017-03-08"]],
    )
    write_csv(
        tmp_path / "involvements.csv",
        list(COLUMNS),
        [
            _row(lead_professional="true", early_help_assessment="true"),
            _row(role="Family support", lead_professional="perhaps"),
        ],
    )
    counts = import_paths([tmp_path], using=db_alias).as_dict()
    assert counts["accepted"] == 3 and counts["quarantined"] == 0
    flags = dict(Involvement.objects.using(db_alias).values_list("role", "lead_professional"))
    assert flags == {"Social worker": True, "Family support": None}
    assert Involvement.objects.using(db_alias).get(role="Social worker").early_help_assessment is True
    assert ImportWarning.objects.using(db_alias).filter(field="lead_professional").count() == 1


@pytest.mark.django_db(databases=BOTH)
def test_the_api_contact_prefers_the_lead_professionals_agency(db_alias):
    from jigsaw.api.query import _agency_contact
    from jigsaw.records.models import Agency

    Agency.objects.using(db_alias).create(name="Town Council", agency_type="social_care")
    Agency.objects.using(db_alias).create(name="Town Health", agency_type="health")

    def post(agency: str, lead: bool | None) -> Signpost:
        return Signpost(
            agency=agency,
            team="",
            practitioner="",
            role="",
            contact=f"{agency} 0161 555 0000",
            started_on=None,
            ended_on=None,
            current=True,
            source_system="x",
            origin="involvement",
            lead_professional=lead,
        )

    assert _agency_contact([post("Town Council", None), post("Town Health", None)], db_alias)["name"] == (
        "Town Council"
    )  # social care first, as before
    assert _agency_contact([post("Town Council", None), post("Town Health", True)], db_alias)["name"] == (
        "Town Health"
    )  # the lead professional's agency first
