"""A practitioner's search: finds the right child through keying errors, refuses to fish."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from jigsaw.signpost.search import REASONS, SearchQuery, SearchRefused, search, validate
from tests.conftest import BOTH

from . import NHS, cli_database, load, person_of

db = pytest.mark.django_db(databases=BOTH)


@pytest.fixture
def loaded(tmp_path, db_alias) -> str:
    load(tmp_path, db_alias)
    return db_alias


def find(using: str, reason: str = "s47", **query) -> dict:
    return search(SearchQuery(**query), searched_by="tester", reason=reason, using=using).as_dict()


@db
def test_finds_a_child_from_a_misspelt_name_and_swapped_birth_date(loaded):
    result = find(loaded, given_name="Olivai", family_name="Bennett", birth_date="2017-08-03")
    olivia = person_of("csc", "C1", loaded)
    assert olivia == person_of("gp", "G1", loaded)  # the two agencies' records are one child
    [top, *_] = result["results"]
    assert top["person_id"] == olivia and top["confidence"] in ("high", "possible")
    assert top["match_probability"] >= 0.5 and not top["shielded"]
    levels = {step["field"]: step["level"] for step in top["evidence"]}
    assert levels["birth_date"] != "agrees exactly" and levels["family_name"] == "agrees exactly"
    assert top["details"] == {"given_name": "Olivia", "family_name": "Bennett",
                              "birth_date": "2017-03-08", "postcode_district": "M14"}
    who = [(s["practitioner"], s["agency"], s["current"], s["origin"]) for s in top["signposts"]]
    assert who == [
        ("Priya Shah", "Northtown Children's Services", True, "involvement"),
        ("Dr Karen Holt", "Riverside Surgery", False, "events"),
        ("Tom Reed", "Northtown Children's Services", False, "involvement"),
        ("Jo Evans", "Riverside Surgery", False, "events"),
    ]
    gp = top["signposts"][1]
    assert (gp["role"], gp["contact"]) == ("GP", "Riverside Surgery 0161 555 0199")
    assert (gp["started_on"], gp["ended_on"]) == ("2023-02-01", "2024-06-01")
    text = json.dumps(result)
    for case_detail in ("Earache", "Bruise", "gp_appointment", "health_visit", "M14 5RT"):
        assert case_detail not in text  # a signpost, never the case; a district, never the postcode


@db
def test_ranking_puts_the_right_child_first(loaded):
    """Olivia, her twin (same surname, birth date and home) and her cousin (same name, born ten
    days later elsewhere) are all candidates; each query puts the child it describes first."""
    olivia, cousin, twin = (person_of("gp", k, loaded) for k in ("G1", "G3", "G2"))
    exact = find(loaded, given_name="Olivia", family_name="Bennett", birth_date="2017-03-08",
                 postcode="M14 5RT")
    ranked = [r["person_id"] for r in exact["results"]]
    assert ranked[0] == olivia and exact["results"][0]["confidence"] == "high"
    assert twin not in ranked and cousin not in ranked  # never a confident wrong match
    without_postcode = find(loaded, given_name="Olivia", family_name="Bennett", birth_date="2017-03-08")
    assert without_postcode["results"][0]["person_id"] == olivia
    by_cousin = find(loaded, given_name="Olivia", family_name="Bennett", birth_date="2017-03-18",
                     postcode="LS6 2AB")
    assert [r["person_id"] for r in by_cousin["results"]] == [cousin]
    for result in (exact, without_postcode, by_cousin):
        probabilities = [r["match_probability"] for r in result["results"]]
        assert probabilities == sorted(probabilities, reverse=True)
        assert all(p >= 0.5 for p in probabilities)


@db
def test_nhs_number_and_birth_date_alone_find_the_child(loaded):
    result = find(loaded, nhs_number="943 476 5919", birth_date="2017-03-08", reason="health")
    assert result["results"][0]["person_id"] == person_of("gp", "G1", loaded)
    assert result["reason"]["code"] == "health" and "9(2)(h)" in result["reason"]["legal_basis"]
    assert result["query"]["nhs_number"] == NHS


@db
def test_weak_candidates_are_never_shown(loaded):
    """A different child who only shares a surname is not offered as a 'possible'."""
    result = find(loaded, given_name="Jack", family_name="Bennett", birth_date="2012-12-12")
    assert result["results"] == [] and result["message"].startswith("No match")


@db
def test_empty_database_answers_no_match(db_alias):
    result = find(db_alias, given_name="Olivia", family_name="Bennett", birth_date="2017-03-08")
    assert result["results"] == [] and "No match" in result["message"]


@db
def test_non_latin_names_are_searched_without_transliteration(loaded):
    arabic = find(loaded, given_name="ياسمين", family_name="حسن", birth_date="2018-02-02")
    assert arabic["results"][0]["person_id"] == person_of("gp", "G4", loaded)
    chinese = find(loaded, given_name="王芳", family_name="李", birth_date="2018-02-02")
    assert chinese["results"] == []
    latin = find(loaded, given_name="Yasmin", family_name="Hassan", birth_date="2018-02-02")
    assert latin["results"] == []  # not transliterated: a practitioner must use the recorded script


TODAY = date.today()


@pytest.mark.parametrize(("query", "reason", "expected"), [
    ({"given_name": "Olivia", "family_name": "Bennett", "birth_date": "2017-03-08"}, "",
     "give the lawful reason"),
    ({"given_name": "Olivia", "family_name": "Bennett", "birth_date": "2017-03-08"}, "curious",
     "unknown reason 'curious': use one of s47, s17"),
    ({"given_name": "Olivia", "birth_date": "2017-03-08"}, "s47", "add the family name"),
    ({"family_name": "Bennett", "birth_date": "2017-03-08"}, "s47", "add the given name"),
    ({"birth_date": "2017-03-08"}, "s47", "add the child's given and family names"),
    ({"given_name": "Olivia", "family_name": "Bennett"}, "s47", "add the birth date"),
    ({"nhs_number": NHS}, "s47", "add the birth date"),
    ({"given_name": "Olivia", "family_name": "Bennett", "birth_date": "2017-03-08",
      "nhs_number": "9434765918"}, "s47",
     "the NHS number fails its check digit: check it, or search without it"),
    ({"nhs_number": "9434765918", "birth_date": "2017-03-08"}, "s47", "fails its check digit"),
    ({"given_name": "Olivia", "family_name": "Bennett", "birth_date": (TODAY + timedelta(days=1))},
     "s47", "is in the future"),
    ({"given_name": "Olivia", "family_name": "Bennett", "birth_date": "08/03/2017"}, "s47",
     "is not a date: write it as YYYY-MM-DD"),
    ({"given_name": "Olivia", "family_name": "Bennett", "birth_date": "2017-02-30"}, "s47", "is not a date"),
    ({"given_name": "O" * 10_000, "family_name": "Bennett", "birth_date": "2017-03-08"}, "s47",
     "longer than 100 characters"),
    ({"given_name": "Olivia", "family_name": "B" * 101, "birth_date": "2017-03-08"}, "s47",
     "family name is longer than 100"),
    ({"given_name": "Olivia", "family_name": "1234", "birth_date": "2017-03-08"}, "s47", "has no letters"),
    ({"given_name": "Olivia", "family_name": "Bennett", "birth_date": "2017-03-08", "postcode": "XYZ"},
     "s47", "is not a UK postcode"),
])
def test_refusals_say_what_to_change(query, reason, expected):
    """Refused before any database work (no django_db mark: touching it would fail the test)."""
    with pytest.raises(SearchRefused, match=None) as refused:
        search(SearchQuery(**query), searched_by="tester", reason=reason)
    assert expected in str(refused.value)
    for value in ("O" * 20, "9434765918", "08/03/2017", "XYZ"):
        assert value not in str(refused.value)  # the field is named, its value never repeated


def test_a_refusal_is_a_value_error_and_reasons_cite_the_law():
    assert issubclass(SearchRefused, ValueError)
    bases = {r.code: r.legal_basis for r in REASONS}
    assert "Children Act 1989 s47" in bases["s47"] and "Children Act 1989 s17" in bases["s17"]
    assert "Children Act 2004 s11" in bases["s11"] and "s46" in bases["police_protection"]
    assert "s175" in bases["school"] and "s157" in bases["school"]


def test_validation_normalises_what_it_keeps():
    clean = validate(SearchQuery(given_name="  Olivia ", family_name="Bennett", birth_date=date(2017, 3, 8),
                                 postcode="m145rt", nhs_number="943-476-5919"))
    assert clean == {"given_name": "Olivia", "family_name": "Bennett", "birth_date": date(2017, 3, 8),
                     "postcode": "M14 5RT", "nhs_number": NHS}


@pytest.fixture(scope="module")
def cli_env(tmp_path_factory, jigsaw) -> dict[str, str]:
    return cli_database(tmp_path_factory.mktemp("search-cli"), jigsaw)


def test_cli_search_json_shape(cli_env, jigsaw):
    done = jigsaw("search", "--name", "Olivai Bennett", "--dob", "2017-08-03", "--reason", "s47",
                      "--json", env=cli_env)
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert set(answer) == {"query", "reason", "results", "message"}
    assert answer["query"] == {"given_name": "Olivai", "family_name": "Bennett", "birth_date": "2017-08-03",
                               "postcode": None, "nhs_number": None}
    assert answer["reason"]["code"] == "s47" and "Children Act 1989 s47" in answer["reason"]["legal_basis"]
    [top, *_] = answer["results"]
    assert set(top) == {"person_id", "confidence", "match_probability", "evidence", "details", "signposts",
                        "shielded", "message", "why", "why_not"}
    assert top["details"]["postcode_district"] == "M14"
    assert {"same family name", "given name differs by one letter"} <= set(top["why"])
    assert any(reason.startswith("birth date") or reason == "same birth date" for reason in top["why"])
    assert top["signposts"][0]["practitioner"] == "Priya Shah"
    assert {"field", "label", "level", "weight"} == set(top["evidence"][0])


def test_cli_search_table_and_no_match(cli_env, jigsaw):
    done = jigsaw("search", "--given", "Olivia", "--family", "Bennett", "--dob", "2017-03-08",
                      "--postcode", "M14 5RT", "--reason", "health", env=cli_env)
    assert done.returncode == 0, done.stderr
    assert "Olivia Bennett" in done.stdout and "Priya Shah" in done.stdout and "high" in done.stdout
    assert done.stderr == ""  # nothing about the child goes anywhere but the answer
    nobody = jigsaw("search", "--name", "Nobody Known", "--dob", "2015-01-01", "--reason", "s17",
                        env=cli_env)
    assert nobody.returncode == 0 and "No match" in nobody.stdout


@pytest.mark.parametrize(("args", "expected"), [
    (("--name", "Olivia Bennett", "--dob", "2017-03-08"), "give the lawful reason"),
    (("--name", "Olivia Bennett", "--dob", "2017-03-08", "--reason", "nosy"), "unknown reason"),
    (("--name", "Olivia", "--dob", "2017-03-08", "--reason", "s47"), "--name needs a given and a family"),
    (("--given", "Olivia", "--dob", "2017-03-08", "--reason", "s47"), "add the family name"),
    (("--dob", "2017-03-08", "--reason", "s47"), "add the child's given and family names"),
    (("--name", "Olivia Bennett", "--dob", "2017-03-08", "--nhs", "9434765918", "--reason", "s47"),
     "fails its check digit: check it, or search without it"),
    (("--name", "Olivia Bennett", "--dob", "2999-01-01", "--reason", "s47"), "in the future"),
    (("--name", "Olivia " + "x" * 10_000, "--dob", "2017-03-08", "--reason", "s47"), "longer than 100"),
])
def test_cli_refusals_exit_1_with_one_line(cli_env, args, expected, jigsaw):
    done = jigsaw("search", *args, env=cli_env)
    assert done.returncode == 1 and expected in done.stderr
    assert done.stderr.strip().count("\n") == 0 and "Traceback" not in done.stderr
    assert done.stdout == ""


def test_cli_search_acts_as_a_vetted_jigsaw_account_and_logs_it(cli_env, jigsaw):
    import sqlite3

    query = ("search", "--name", "Olivia Bennett", "--dob", "2017-03-08", "--reason", "s47")
    nobody = {k: v for k, v in cli_env.items() if k != "JIGSAW_USER"}
    refused = jigsaw(*query, env=nobody)
    assert refused.returncode == 1 and "name the Jigsaw account you act as" in refused.stderr
    unknown = jigsaw(*query, "--as", "no.such.user", env=cli_env)
    assert unknown.returncode == 1 and "no active Jigsaw account" in unknown.stderr
    assert unknown.stdout == "" and refused.stdout == ""
    lapsed = jigsaw("createuser", "lapsed", "--role", "practitioner", "--vetted-on", "2001-01-01",
                    "--trained-on", "2001-01-01", "--password-stdin", input="a-long-enough-passphrase-2\n",
                    env=cli_env)
    assert lapsed.returncode == 0, lapsed.stderr
    stale = jigsaw(*query, "--as", "lapsed", env=cli_env)
    assert stale.returncode == 1 and "may not use search" in stale.stderr and stale.stdout == ""
    assert jigsaw(*query, env=cli_env).returncode == 0
    with sqlite3.connect(cli_env["JIGSAW_DATABASE_URL"].removeprefix("sqlite:///")) as log:
        rows = log.execute("SELECT actor, role, reason_code FROM audit_accessentry "
                           "WHERE action = 'search'").fetchall()
    assert ("searcher", "hub_officer", "s47") in rows
    assert {(actor, role) for actor, role, _ in rows} == {("searcher", "hub_officer")}  # no refused search
