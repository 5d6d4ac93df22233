"""Subject access: every section of what is held, with other people's details marked, never removed."""

from __future__ import annotations

import pytest

from jigsaw.lifecycle.subject_access import SHIELDED_OTHER, THIRD_PARTY, SubjectAccessError, _Marker, gather
from jigsaw.lifecycle.subject_access_files import write_export
from jigsaw.redaction import KnownEntity
from jigsaw.signpost.models import Person

pytestmark = pytest.mark.django_db(databases=["default", "postgres"])


def test_everything_about_the_person_is_gathered(world, tmp_path):
    using, z = world["using"], world["zeds"][0]
    data = gather(z, using)
    s = data["sections"]
    assert {r["given_name"] for r in s["records"]} == {"Zebedee"}
    assert {e["event_id"] for e in s["events"]} >= {"CE1"}
    assert all(e["_redact"]["practitioner"] for e in s["events"])
    assert s["alerts"] and s["alerts"][0]["other_people"] == [world["yol"]]
    assert {r["as"] for r in s["case_reviews"]} == {"subject", "in the evidence pack"}
    assert s["legal_holds"][0]["release_reason"] == "claim settled"
    assert len(s["access_log"]) >= 3 and all(e["_redact"]["actor"] for e in s["access_log"])
    assert [v["words"] for v in s["child_voice"]] == ["Zebedee Quantock said"]
    assert [d["shared"] for d in s["sharing_decisions"]] == [False]
    assert len(s["disagreements"]) == 1 and s["meetings"][0]["actions"][0]["action"] == "visit Zebedee"
    files = write_export(data, tmp_path)
    assert {f.name for f in files} >= {"subject_access.json", "subject_access.html", "events.csv"}


def test_a_shielded_relative_is_marked_to_withhold(world):
    using, yol, z = world["using"], world["yol"], world["zeds"][0]
    rel = gather(yol, using)["sections"]["relationships"]
    assert rel and all(r["_redact"]["other_person"] == THIRD_PARTY for r in rel)
    Person.objects.using(using).filter(pk=z).update(shielded=True, shield_reason="risk")
    rel = gather(yol, using)["sections"]["relationships"]
    assert all(r["_redact"]["other_person"] == SHIELDED_OTHER for r in rel)
    assert gather(z, using)["sections"]["shielding"][0]["_redact"]["shield_reason"]


def test_unknown_person(world):
    with pytest.raises(SubjectAccessError, match="there is no person 999999"):
        gather(999999, world["using"])


def test_other_names_in_free_text_are_marked_by_offset_not_own_name():
    marker = _Marker({"Zebedee", "Quantock"}, [KnownEntity("person", "Ann Worker", "professional")])
    text = "Zebedee Quantock rang Ann Worker."
    marks = marker.marks(text)
    assert [text[m["start"] : m["end"]] for m in marks] == ["Ann Worker"]
