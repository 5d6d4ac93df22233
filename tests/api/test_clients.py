"""``jigsaw api-client``: a client belongs to an agency, has scopes, its secret is shown once."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.hashers import identify_hasher
from oauth2_provider.models import AccessToken, get_application_model

from jigsaw.api.clients import ClientError, create, listing, revoke
from jigsaw.api.models import ApiClient
from jigsaw.records.models import Agency
from tests.conftest import BOTH, write_csv

from .support import get_token

pytestmark = pytest.mark.django_db(databases=BOTH)


@pytest.fixture
def agency(web_db: str) -> str:
    Agency.objects.using(web_db).create(name="Riverside Surgery", agency_type="health")
    return web_db


def test_a_client_belongs_to_its_agency_and_its_secret_is_stored_hashed(agency):
    made = create("Riverside ED", "riverside surgery", by="tester", using=agency)
    assert made.agency == "Riverside Surgery" and made.scopes == ["person-info-query"]
    assert made.token_url == "http://127.0.0.1:8000/oauth/token/"
    stored = ApiClient.objects.using(agency).select_related("application").get()
    assert stored.agency.name == "Riverside Surgery" and stored.created_by == "tester"
    assert stored.application.client_secret != made.client_secret
    identify_hasher(stored.application.client_secret)  # a password hash, not the secret
    assert stored.application.authorization_grant_type == get_application_model().GRANT_CLIENT_CREDENTIALS
    assert [r["name"] for r in listing(agency)] == ["Riverside ED"]
    assert "client_secret" not in listing(agency)[0]


@pytest.mark.parametrize(("name", "agency_name", "scopes", "message"), [
    ("", "Riverside Surgery", None, "give the client a name"),
    ("x" * 101, "Riverside Surgery", None, "longer than 100"),
    ("ED", "Nowhere Health", None, r"no agency called 'Nowhere Health' \(there are: Riverside Surgery\)"),
    ("ED", "Riverside Surgery", ["read-everything"], "unknown scope"),
])
def test_a_bad_client_request_is_refused_and_nothing_is_made(name, agency_name, scopes, message, agency):
    with pytest.raises(ClientError, match=message):
        create(name, agency_name, by="tester", scopes=scopes, using=agency)
    assert not ApiClient.objects.using(agency).exists()
    assert not get_application_model().objects.using(agency).exists()


def test_names_are_unique_and_revoking_keeps_the_client_but_ends_its_tokens(agency):
    made = create("Riverside ED", "Riverside Surgery", by="tester", using=agency)
    with pytest.raises(ClientError, match="already a client"):
        create("riverside ed", "Riverside Surgery", by="tester", using=agency)
    get_token(made)
    assert AccessToken.objects.using(agency).count() == 1
    revoke(made.client_id, by="tester", using=agency)
    assert AccessToken.objects.using(agency).count() == 0
    [row] = listing(agency)
    assert row["active"] is False and row["revoked_at"]
    with pytest.raises(ClientError, match="already revoked"):
        revoke("Riverside ED", by="tester", using=agency)
    with pytest.raises(ClientError, match="no client called"):
        revoke("nobody", by="tester", using=agency)


def test_the_command_creates_lists_and_revokes(tmp_path, jigsaw):
    env = {"JIGSAW_DATA_DIR": str(tmp_path / "data"),
           "JIGSAW_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    feed = tmp_path / "gp"
    feed.mkdir()
    source = {"source_system": "gp", "name": "GP", "agency": "Riverside Surgery", "agency_type": "health"}
    (feed / "source.json").write_text(json.dumps(source), "utf-8")
    header = ["source_system", "source_id", "given_name", "family_name", "birth_date"]
    write_csv(feed / "people.csv", header,
              [["gp", "G1", "Amy", "Smith", "2020-03-04"]])
    assert jigsaw("import", str(feed), env=env).returncode == 0
    made = jigsaw("api-client", "create", "Riverside ED", "--agency", "Riverside Surgery", "--json",
                      env=env)
    assert made.returncode == 0, made.stderr
    shown = json.loads(made.stdout)
    assert set(shown) >= {"client_id", "client_secret", "token_url"}
    listed = jigsaw("api-client", "list", "--json", env=env)
    assert json.loads(listed.stdout)[0]["client_id"] == shown["client_id"]
    assert shown["client_secret"] not in listed.stdout
    unknown = jigsaw("api-client", "create", "Other", "--agency", "Nowhere", env=env)
    assert unknown.returncode == 1 and unknown.stderr.count("\n") == 1 and "Traceback" not in unknown.stderr
    assert jigsaw("api-client", "create", env=env).returncode == 2
    plain = jigsaw("api-client", "create", "Riverside UTC", "--agency", "Riverside Surgery", env=env)
    assert "token_url:" in plain.stdout and "set JIGSAW_API_BASE_URL" in plain.stdout
    placed = jigsaw("api-client", "create", "Riverside MIU", "--agency", "Riverside Surgery",
                    env={**env, "JIGSAW_API_BASE_URL": "https://jigsaw.example"})
    assert placed.returncode == 0 and "JIGSAW_API_BASE_URL" not in placed.stdout
    gone = jigsaw("api-client", "revoke", "Riverside ED", env=env)
    assert gone.returncode == 0 and "Revoked" in gone.stdout
    audit = jigsaw("audit", "verify", env=env)
    assert audit.returncode == 0, audit.stdout + audit.stderr
