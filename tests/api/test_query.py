"""``$person-info-query`` as another agency's system sees it: match, contact, and the access log."""

from __future__ import annotations

import json

import pytest

from jigsaw.audit.models import AccessEntry
from jigsaw.records.models import Agency
from jigsaw.signpost import shielding
from jigsaw.signpost.search import SearchQuery, search
from tests.conftest import BOTH
from tests.signpost import NHS, POSTCODE, person_of

from .support import S47, answer_of, ask, parameters, patient

pytestmark = pytest.mark.django_db(databases=BOTH)


def searches(using: str) -> list[AccessEntry]:
    return list(AccessEntry.objects.using(using).filter(action="search").order_by("sequence"))


def test_a_misspelt_name_finds_the_child_and_names_whom_to_contact(token, loaded):
    status, model, _ = ask(token, parameters(patient(given="Olivai")))
    assert status == 200
    match, contact = answer_of(model)
    assert match is True
    # the current social worker's agency (social care first), with the involvement's own contact
    assert contact.name == "Northtown Children's Services"
    assert [(t.system, t.value) for t in contact.telecom] == [("phone", "0161 555 0101")]
    text = model.model_dump_json()
    for detail in ("Priya", "Shah", "Olivia", "Bennett", "2017", POSTCODE, "home_visit", "Assessment team"):
        assert detail not in text  # whom to contact, never the child or the case


def test_the_agencys_own_safeguarding_contact_is_preferred(token, loaded):
    Agency.objects.using(loaded).filter(name="Northtown Children's Services").update(
        safeguarding_phone="0161 555 0000", safeguarding_email="mash@northtown.example")
    _, model, _ = ask(token, parameters(patient(given="Olivai")))
    match, contact = answer_of(model)
    assert match and contact.name == "Northtown Children's Services"
    assert [(t.system, t.value) for t in contact.telecom] == [("phone", "0161 555 0000"),
                                                              ("email", "mash@northtown.example")]


def test_an_unknown_child_is_no_match_and_no_contact(token, loaded):
    status, model, _ = ask(token, parameters(patient(given="Zebedee", family="Quixote", born="2015-01-01")))
    assert status == 200 and answer_of(model) == (False, None)
    assert [p.name for p in model.parameter] == ["match"]


def test_the_nhs_number_and_birth_date_alone_find_the_child(token, loaded):
    _, model, _ = ask(token, parameters(patient(given=None, family=None, nhs=NHS)))
    assert answer_of(model)[0] is True


def test_a_possible_candidate_is_not_a_match(token, loaded):
    """The search shows Olivia's cousin as 'possible' for this query; the API says no match."""
    query = {"given_name": "Olivia", "family_name": "Bennett", "birth_date": "2017-04-18"}
    shown = search(SearchQuery(**query), searched_by="tester", reason="s47", using=loaded).results
    assert shown and {m.confidence for m in shown} == {"possible"}
    _, model, _ = ask(token, parameters(patient(born="2017-04-18")))
    assert answer_of(model) == (False, None)


def test_every_query_is_in_the_access_log_with_client_agency_reason_and_digest(token, loaded):
    ask(token, parameters(patient(given="Olivai")))
    ask(token, parameters(patient(given="Zebedee", family="Quixote", born="2015-01-01")))
    head, person, unknown = searches(loaded)
    for entry in (head, person, unknown):
        assert (entry.actor, entry.role, entry.agency, entry.reason_code) == (
            "api:Riverside ED", "api_client", "Riverside Surgery", "s47")
    assert head.reason_text == S47 and head.person_id is None
    assert head.detail["match"] is True and head.detail["results"] == 1
    assert head.detail["fields"] == ["birth_date", "family_name", "given_name"]
    assert len(head.detail["query_digest"]) == 64 and head.detail["client_id"]
    assert person.person_id == person_of("csc", "C1", loaded) and person.detail["search"] == head.sequence
    assert unknown.detail["match"] is False and unknown.person_id is None
    logged = json.dumps([e.detail for e in (head, person, unknown)])
    for value in ("Olivai", "Bennett", "Zebedee", "2017-03-08"):
        assert value not in logged  # a digest of what was asked, never the values


def test_a_refused_query_reads_nobody_and_logs_no_search(token, loaded):
    status, _, _ = ask(token, parameters(patient(), reason=None))
    assert status == 400 and searches(loaded) == []


@pytest.fixture
def shielded(loaded, settings) -> int:
    settings.JIGSAW_HUB_PHONE = "0161 555 9999"
    olivia = person_of("csc", "C1", loaded)
    shielding.shield(olivia, "Northtown MASH", "refuge", by="hub", using=loaded)
    return olivia


def test_a_shielded_child_known_exactly_gives_the_hub_never_the_agencies(token, shielded, loaded):
    _, model, _ = ask(token, parameters(patient(postcode="M1 1AA")))
    match, contact = answer_of(model)
    assert match is True and contact.name == "Northtown MASH"
    assert [(t.system, t.value) for t in contact.telecom] == [("phone", "0161 555 9999")]
    text = model.model_dump_json()
    assert "Northtown Children" not in text and "0161 555 0101" not in text
    [_head, person] = searches(loaded)
    assert person.detail["shielded"] is True


def test_a_shield_contact_with_a_number_gives_it_as_the_telecom(token, shielded, loaded):
    """`jigsaw shield --contact` asks for "the MASH and its number": the number is the telecom."""
    shielding.shield(shielded, "Northtown MASH, tel 01632 960999 or mash@northtown.example", "refuge",
                     by="hub", using=loaded)
    _, model, _ = ask(token, parameters(patient(postcode="M1 1AA")))
    contact = answer_of(model)[1]
    assert contact.name == "Northtown MASH"
    assert [(t.system, t.value) for t in contact.telecom] == [
        ("phone", "01632 960999"), ("email", "mash@northtown.example")]  # not the hub's settings


@pytest.mark.parametrize(("text", "name", "telecom"), [
    ("Northtown MASH 01632 960999", "Northtown MASH", [("phone", "01632 960999")]),
    ("MASH (01632) 960 999; email: mash@x.example", "MASH",
     [("phone", "(01632) 960 999"), ("email", "mash@x.example")]),
    ("Call the hub on +44 1632 960999", "Call the hub", [("phone", "+44 1632 960999")]),
    ("Team 7 hub", "Team 7 hub", [("phone", "0161 555 9999")]),  # no number: the hub's
    ("MASH Room 12-14 01632 960999", "MASH Room 12-14", [("phone", "01632 960999")]),
    ("http://user@host.example/path", "http://user@host.example/path", [("phone", "0161 555 9999")]),
    ("MASH ٠١٦٣٢ ٩٦٠٩٩٩", "MASH ٠١٦٣٢ ٩٦٠٩٩٩", [("phone", "0161 555 9999")]),  # not dialable digits
    ("01632 960999", "Safeguarding hub", [("phone", "01632 960999")]),  # no name: the hub's
])
def test_shield_contact_text_is_split_into_name_and_telecom(text, name, telecom, settings):
    from jigsaw.api.query import shield_organization

    settings.JIGSAW_HUB_NAME, settings.JIGSAW_HUB_PHONE = "Safeguarding hub", "0161 555 9999"
    org = shield_organization(text)
    assert org["name"] == name
    assert [(t["system"], t["value"]) for t in org.get("telecom", [])] == telecom


def test_a_shielded_child_is_not_found_from_a_near_miss(token, shielded, loaded):
    _, model, _ = ask(token, parameters(patient(given="Olivai")))
    assert answer_of(model) == (False, None)


def _plan(using: str, tmp_path, rows: list[list[str]]) -> None:
    from jigsaw.records.importer import import_paths
    from tests.conftest import EVENTS_HEADER, write_csv

    import_paths([write_csv(tmp_path / "plans" / "events.csv", EVENTS_HEADER, rows)], using=using)


def _status(model) -> list[tuple[str, str]]:
    """(status code, start) of each child-protection-status extension on the match parameter."""
    from jigsaw.api.protection import extension_url

    match = next(p for p in model.parameter if p.name == "match")
    out = []
    for ext in match.extension or []:
        assert ext.url == extension_url() and ext.url.endswith("/StructureDefinition/child-protection-status")
        parts = {e.url: e for e in ext.extension}
        out.append((parts["status"].valueCoding.code, parts["start"].valueDate.isoformat()))
    return out


def test_a_child_on_a_plan_is_flagged_with_the_allocated_workers_agency_to_call(token, loaded, tmp_path):
    """CP-IS for the emergency department: on a plan (or looked after) since when, and whom to call."""
    _plan(loaded, tmp_path, [["csc", "P1", "C1", "cp_plan_start", "2025-01-02", "", "plan"],
                             ["csc", "P2", "C1", "looked_after_start", "2024-01-02", "", "care"],
                             ["csc", "P3", "C1", "looked_after_end", "2024-06-02", "", "home"]])
    _, model, _ = ask(token, parameters(patient(given="Olivai")))
    match, contact = answer_of(model)
    assert match and _status(model) == [("child-protection-plan", "2025-01-02")]  # care ended: not said
    assert contact.name == "Northtown Children's Services"
    assert searches(loaded)[0].detail["states_disclosed"] == ["child_protection_plan"]
    assert searches(loaded)[0].detail["contact_given"] == "Northtown Children's Services"


def test_a_looked_after_child_with_no_social_worker_here_names_the_council(token, loaded, tmp_path):
    """Amelia's care is known from the council's records (a DfE return, say) but no social worker
    is allocated in Jigsaw, nor any involvement: the contact is the council whose records hold
    the care, not the hub (which has nothing more to go on)."""
    _plan(loaded, tmp_path, [["csc", "L1", "C2", "looked_after_start", "2024-03-01", "", "care"]])
    _, model, _ = ask(token, parameters(patient(given="Amelia", postcode=POSTCODE)))
    match, contact = answer_of(model)
    assert match and _status(model) == [("looked-after", "2024-03-01")]
    assert contact.name == "Northtown Children's Services"
    Agency.objects.using(loaded).filter(name="Northtown Children's Services").update(
        safeguarding_phone="0161 555 0000")
    _, model, _ = ask(token, parameters(patient(given="Amelia", postcode=POSTCODE)))
    assert [(t.system, t.value) for t in answer_of(model)[1].telecom] == [("phone", "0161 555 0000")]


def test_without_a_plan_a_child_with_no_involvement_is_the_hubs(token, loaded):
    _, model, _ = ask(token, parameters(patient(given="Amelia", postcode=POSTCODE)))
    match, contact = answer_of(model)
    assert match and _status(model) == [] and contact.name == "Safeguarding hub"
    assert searches(loaded)[0].detail["contact_given"] == "Safeguarding hub"


def test_no_flag_once_the_plan_has_ended(token, loaded, tmp_path):
    _plan(loaded, tmp_path, [["csc", "P1", "C1", "cp_plan_start", "2025-01-02", "", "plan"],
                             ["csc", "P2", "C1", "cp_plan_end", "2025-05-02", "", "ended"]])
    _, model, _ = ask(token, parameters(patient(given="Olivai")))
    assert answer_of(model)[0] is True and _status(model) == []


def test_a_shielded_child_on_a_plan_is_flagged_but_only_the_hub_is_named(token, shielded, loaded, tmp_path):
    _plan(loaded, tmp_path, [["csc", "P1", "C1", "cp_plan_start", "2025-01-02", "", "plan"]])
    _, model, _ = ask(token, parameters(patient(postcode="M1 1AA")))
    match, contact = answer_of(model)
    assert match and _status(model) == [("child-protection-plan", "2025-01-02")]
    assert contact.name == "Northtown MASH" and "Northtown Children" not in model.model_dump_json()
