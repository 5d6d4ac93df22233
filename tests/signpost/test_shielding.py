"""Shielding: found only on exact details, then only the hub; never the child's whereabouts."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from jigsaw.records.importer.run import import_paths
from jigsaw.signpost.batch import link_all
from jigsaw.signpost.models import Person, RecordLink, ShieldedSearch
from jigsaw.signpost.search import SearchQuery, search
from jigsaw.signpost.shielding import ShieldError, shield, unshield
from tests.conftest import BOTH, write_csv

from . import NHS, PEOPLE, POSTCODE, PRACTITIONERS, cli_database, load, person_of

db = pytest.mark.django_db(databases=BOTH)
HUB = "Northtown MASH, 0161 555 0000"
EXACT = {"given_name": "Olivia", "family_name": "Bennett", "birth_date": "2017-03-08"}


@pytest.fixture
def shielded(tmp_path, db_alias) -> tuple[str, int]:
    """The partnership loaded, with Olivia shielded."""
    load(tmp_path, db_alias)
    olivia = person_of("csc", "C1", db_alias)
    shield(olivia, HUB, "refuge placement", by="hub.manager", using=db_alias)
    return db_alias, olivia


def find(using: str, **query) -> tuple[dict, str]:
    result = search(SearchQuery(**query), searched_by="dr.who", reason="health", using=using).as_dict()
    return result, json.dumps(result)


def assert_no_whereabouts(text: str) -> None:
    """Neither the postcode (nor its district) nor anyone who could lead to the child."""
    for secret in (POSTCODE, POSTCODE.split()[0], *PRACTITIONERS, "0161 555 0101", "0161 555 0199"):
        assert secret not in text


@db
def test_exact_details_give_only_the_hub(shielded):
    using, olivia = shielded
    result, text = find(using, **EXACT, postcode=POSTCODE)
    [only] = [r for r in result["results"] if r["person_id"] == olivia]
    assert only["shielded"] is True and only["signposts"] == [] and only["evidence"] == []
    assert only["message"] == f"Contact {HUB}: this child's details are protected."
    assert only["details"] == {"given_name": "Olivia", "family_name": "Bennett", "birth_date": "2017-03-08"}
    assert only["match_probability"] is None and only["confidence"] == "high"
    assert_no_whereabouts(text)
    logged = ShieldedSearch.objects.using(using).get()
    assert (logged.person_id, logged.searched_by, logged.reason) == (olivia, "dr.who", "health")


@db
def test_the_answer_does_not_depend_on_the_postcode_tried(shielded):
    """Otherwise a searcher could confirm a protected child's address by trying postcodes."""
    using, _olivia = shielded
    answers = [[r for r in find(using, **EXACT, **extra)[0]["results"] if r["shielded"]] for extra in
               ({}, {"postcode": POSTCODE}, {"postcode": "LS6 2AB"}, {"postcode": "M14 5RU"})]
    assert answers[0] and all(a == answers[0] for a in answers)  # (others may differ: the cousin)


@db
def test_exact_nhs_number_and_birth_date_find_the_hub(shielded):
    using, olivia = shielded
    result, text = find(using, nhs_number=NHS, birth_date="2017-03-08")
    assert [(r["person_id"], r["shielded"]) for r in result["results"]] == [(olivia, True)]
    assert_no_whereabouts(text)


@pytest.mark.parametrize("near_miss", [
    {"given_name": "Olivai", "family_name": "Bennett", "birth_date": "2017-08-03"},
    {"given_name": "Olivai", "family_name": "Bennett", "birth_date": "2017-03-08", "postcode": POSTCODE},
    {"given_name": "Olivia", "family_name": "Benett", "birth_date": "2017-03-08", "postcode": POSTCODE},
    {"given_name": "Olivia", "family_name": "Bennett", "birth_date": "2017-08-03", "postcode": POSTCODE},
    {"given_name": "Liv", "family_name": "Bennett", "birth_date": "2017-03-08", "postcode": POSTCODE},
])
@db
def test_a_near_miss_does_not_reveal_the_child_exists(shielded, near_miss):
    using, olivia = shielded
    result, _text = find(using, **near_miss)
    assert olivia not in [r["person_id"] for r in result["results"]]
    assert_no_whereabouts(json.dumps(result["results"]))  # the query echoes what was typed
    assert not ShieldedSearch.objects.using(using).exists()


@db
def test_the_shield_follows_the_child_through_a_relink(shielded, tmp_path):
    using, _olivia = shielded
    school = tmp_path / "school"
    write_csv(school / "people.csv", PEOPLE, [
        ["school", "S1", "Olivia", "Bennett", "2017-03-08", NHS, POSTCODE, "F"]])
    import_paths([school], using=using)
    link_all(using=using)
    holders = set(RecordLink.objects.using(using).filter(
        record__record_key__in=["C1", "G1", "S1"]).values_list("person_id", flat=True))
    assert Person.objects.using(using).filter(pk__in=holders, shielded=False).count() == 0
    assert person_of("school", "S1", using) in holders
    for query in (EXACT, {**EXACT, "postcode": POSTCODE}, {"nhs_number": NHS, "birth_date": "2017-03-08"}):
        result, text = find(using, **query)
        # the shielded child first and shielded; a different child of a similar name (her
        # cousin, born ten days later elsewhere) may still be offered as "possible"
        assert result["results"][0]["shielded"] and result["results"][0]["person_id"] in holders
        assert all(r["shielded"] for r in result["results"] if r["person_id"] in holders)
        assert_no_whereabouts(text)
    near, _text = find(using, given_name="Olivai", family_name="Bennett", birth_date="2017-08-03")
    assert near["results"] == []


@db
def test_unshielding_shows_the_signposts_again(shielded):
    using, olivia = shielded
    unshield(olivia, by="hub.manager", using=using)
    result, text = find(using, **EXACT)
    assert result["results"][0]["person_id"] == olivia and not result["results"][0]["shielded"]
    assert "Priya Shah" in text
    person = Person.objects.using(using).get(pk=olivia)
    assert (person.shielded, person.shield_contact, person.shielded_by) == (False, "", "hub.manager")


@db
def test_shield_refuses_unknown_people_and_missing_contact(shielded):
    using, olivia = shielded
    with pytest.raises(ShieldError, match="there is no person"):
        shield(10**9, HUB, "reason", by="x", using=using)
    with pytest.raises(ShieldError, match="whom a searcher should contact"):
        shield(olivia, "   ", "reason", by="x", using=using)
    with pytest.raises(ShieldError, match="reason for shielding"):
        shield(olivia, HUB, "", by="x", using=using)
    assert Person.objects.using(using).get(pk=olivia).shield_contact == HUB


@pytest.mark.slow
def test_cli_shield_search_and_remove(tmp_path, jigsaw):
    env = cli_database(tmp_path, jigsaw)
    exact = ("search", "--name", "Olivia Bennett", "--dob", "2017-03-08", "--postcode", POSTCODE,
             "--reason", "s47")
    found = json.loads(jigsaw(*exact, "--json", env=env).stdout)
    olivia = found["results"][0]["person_id"]
    done = jigsaw("shield", str(olivia), "--contact", HUB, "--reason", "refuge", env=env)  # as JIGSAW_USER
    assert done.returncode == 0 and "is shielded" in done.stdout
    for args in ((*exact, "--json"), exact):  # the JSON and the table alike
        done = jigsaw(*args, env=env)
        assert done.returncode == 0, done.stderr
        assert f"Contact {HUB}: this child's details are protected." in done.stdout
        assert_no_whereabouts(done.stdout)
    answer = json.loads(jigsaw(*exact, "--json", env=env).stdout)
    assert answer["query"]["postcode"] is None and answer["results"][0]["shielded"] is True
    near = jigsaw("search", "--name", "Olivai Bennett", "--dob", "2017-08-03", "--reason", "s47", env=env)
    assert near.returncode == 0 and "No match" in near.stdout and "Contact" not in near.stdout
    assert jigsaw("shield", str(olivia), "--remove", env=env).returncode == 0
    assert "Priya Shah" in jigsaw(*exact, env=env).stdout


@pytest.mark.parametrize(("args", "expected"), [
    (("999999", "--contact", HUB, "--reason", "r"), "there is no person 999999"),
    (("1", "--reason", "r"), "whom a searcher should contact"),
    (("1", "--remove", "--contact", HUB), "--remove takes no --contact"),
])
def test_cli_shield_errors_exit_1(tmp_path, args, expected, jigsaw):
    env = {"JIGSAW_DATA_DIR": str(tmp_path / "data"),
           "JIGSAW_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "JIGSAW_USER": "hub"}
    checked = (date.today() - timedelta(days=30)).isoformat()
    made = jigsaw("createuser", "hub", "--role", "hub_officer", "--vetted-on", checked, "--trained-on",
                  checked, "--password-stdin", input="a-long-enough-passphrase-1\n", env=env)
    assert made.returncode == 0, made.stderr
    done = jigsaw("shield", *args, env=env)
    assert done.returncode == 1 and expected in done.stderr
    assert done.stderr.strip().count("\n") == 0 and "Traceback" not in done.stderr


def test_cli_shield_acts_as_a_vetted_case_account(tmp_path, jigsaw):
    env = {"JIGSAW_DATA_DIR": str(tmp_path / "data"),
           "JIGSAW_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    made = jigsaw("createuser", "counter", "--role", "analyst", "--password-stdin",
                  input="a-long-enough-passphrase-1\n", env=env)
    assert made.returncode == 0, made.stderr
    for as_user, expected in ((None, "name the Jigsaw account"), ("counter", "(analyst) may not use child")):
        done = jigsaw("shield", "1", "--contact", HUB, "--reason", "r",
                      *(("--as", as_user) if as_user else ()), env=env)
        assert done.returncode == 1 and expected in done.stderr, done.stderr
