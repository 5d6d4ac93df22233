"""Every refusal is an OperationOutcome with the right status; nothing is read when one is given."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from jigsaw.api.clients import revoke
from jigsaw.api.models import ApiClient
from jigsaw.audit.models import AccessEntry
from jigsaw.records.models import Agency
from tests.conftest import BOTH

from .support import QUERY, ask, fhir_of, get_token, issue_of, parameters, patient

pytestmark = pytest.mark.django_db(databases=BOTH)


@pytest.fixture
def loaded(web_db: str) -> str:
    """Only the client's agency: these requests are refused before any person is read, or read none."""
    Agency.objects.using(web_db).create(name="Riverside Surgery", agency_type="health")
    return web_db


def no_search(using: str) -> bool:
    return not AccessEntry.objects.using(using).filter(action="search").exists()


@pytest.mark.parametrize("header", [None, "Bearer not-a-token", "Basic dXNlcjpwYXNz", "Bearer "])
def test_no_valid_token_is_401_with_a_bearer_challenge(header, api_client, loaded):
    extra = {"HTTP_AUTHORIZATION": header} if header is not None else {}
    status, model, response = ask(None, parameters(patient()), **extra)
    assert status == 401 and issue_of(model)[0] == "login"
    assert response["WWW-Authenticate"].startswith('Bearer realm="jigsaw"')
    assert no_search(loaded)


def test_a_revoked_clients_token_stops_working_and_no_new_one_is_issued(api_client, token, loaded):
    assert ask(token, parameters(patient()))[0] == 200
    revoke("Riverside ED", by="tester", using=loaded)
    status, model, _ = ask(token, parameters(patient()))
    assert status == 401 and issue_of(model)[0] == "login"
    again = Client().post("/oauth/token/", {"grant_type": "client_credentials",
                                            "client_id": api_client.client_id,
                                            "client_secret": api_client.client_secret})
    assert again.status_code == 401


def test_an_expired_token_is_401_on_its_next_use(api_client, token, loaded):
    """Tokens are checked afresh on every request: nothing remembers one that has expired."""
    from datetime import timedelta

    from django.utils import timezone
    from oauth2_provider.models import AccessToken

    assert ask(token, parameters(patient()))[0] == 200
    AccessToken.objects.using(loaded).update(expires=timezone.now() - timedelta(seconds=1))
    status, model, _ = ask(token, parameters(patient()))
    assert status == 401 and issue_of(model)[0] == "login"
    assert AccessEntry.objects.using(loaded).filter(action="search").count() == 1


def test_a_token_stops_working_when_its_client_is_marked_revoked(api_client, token, loaded):
    """Even with its token row left behind, a revoked client is refused."""
    from django.utils import timezone

    assert ask(token, parameters(patient()))[0] == 200
    ApiClient.objects.using(loaded).filter(name="Riverside ED").update(revoked_at=timezone.now())
    assert ask(token, parameters(patient()))[0] == 401


def test_a_token_with_a_character_changed_is_401(api_client, token, loaded):
    changed = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert ask(changed, parameters(patient()))[0] == 401
    assert no_search(loaded)


def test_a_token_without_the_scope_is_403(api_client, loaded):
    ApiClient.objects.using(loaded).filter(name="Riverside ED").update(scopes=[])
    response = Client().post("/oauth/token/", {"grant_type": "client_credentials",
                                               "client_id": api_client.client_id,
                                               "client_secret": api_client.client_secret})
    assert response.status_code == 200, response.content
    token = response.json()["access_token"]
    status, model, _ = ask(token, parameters(patient()))
    assert status == 403 and issue_of(model)[0] == "forbidden" and no_search(loaded)


BAD_BODIES = {
    "not JSON": ("{not json", "structure"),
    "a JSON list": ("[1, 2]", "structure"),
    "not Parameters": (json.dumps({"resourceType": "Patient"}), "structure"),
    "no resource": (json.dumps(parameters(None)), "required"),
    "resource not a Patient": (json.dumps(parameters({"resourceType": "Organization", "name": "x"})),
                               "invalid"),
    "impossible birth date": (json.dumps(parameters(patient(born="2017-13-45"))), "structure"),
    "a wrong element type": (json.dumps({"resourceType": "Parameters", "parameter": [
        {"name": "resource", "resource": {"resourceType": "Patient", "name": "Olivia"}}]}), "structure"),
    "the reason twice": (json.dumps({"resourceType": "Parameters", "parameter": [
        {"name": "resource", "resource": patient()}, {"name": "reason", "valueUri": "x"},
        {"name": "reason", "valueUri": "y"}]}), "invalid"),
    "reason not a URI": (json.dumps({"resourceType": "Parameters", "parameter": [
        {"name": "resource", "resource": patient()}, {"name": "reason", "valueString": "s47"}]}), "required"),
    "no reason": (json.dumps(parameters(patient(), reason=None)), "required"),
    "an unknown reason": (json.dumps(parameters(patient(), reason="https://example.org/because")), "invalid"),
    "a family name alone": (json.dumps(parameters(patient(given=None))), "required"),
    "no birth date": (json.dumps(parameters(patient(born=None))), "required"),
    "a partial birth date": (json.dumps(parameters(patient(born="2017-03"))), "invalid"),
    "a bad NHS number": (json.dumps(parameters(patient(nhs="9434765910"))), "invalid"),
    # neither PostgreSQL nor the access log can store a NUL (a probe's 500, in the identifier's
    # system, which only the log keeps; and in a name, which the search reads)
    "a NUL in an identifier system": (json.dumps(parameters({**patient(), "identifier": [
        {"system": "urn:x\u0000y", "value": "1"}]})), "invalid"),
    "a NUL in a name": (json.dumps(parameters(patient(given="Oli\u0000via"))), "invalid"),
    # nested as deep as the JSON parser allows: any check walking it would exhaust the stack
    "deep nesting": ('{"resourceType": "Parameters", "x": ' + "[" * 900 + "]" * 900 + "}", "structure"),
}


@pytest.mark.parametrize("case", list(BAD_BODIES), ids=list(BAD_BODIES))
def test_a_malformed_query_is_400_saying_what_is_wrong(case, token, loaded):
    body, code = BAD_BODIES[case]
    status, model, _ = ask(token, body)
    assert status == 400
    assert issue_of(model)[0] == code
    assert "Olivia" not in issue_of(model)[1] and "2017-13-45" not in issue_of(model)[1]  # never echoed
    assert no_search(loaded)


def test_the_reason_uri_may_be_written_as_http_or_with_a_trailing_slash(token, loaded):
    status, _, _ = ask(token, parameters(patient(), reason="http://legislation.gov.uk/ukpga/1989/41/section/47/"))
    assert status == 200


def test_a_body_that_is_not_fhir_json_is_415(token, loaded):
    status, model, _ = ask(token, "resourceType=Parameters", content_type="application/x-www-form-urlencoded")
    assert status == 415 and issue_of(model)[0] == "not-supported"


def test_other_methods_are_405_with_allow(token, loaded):
    response = Client().get(QUERY, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 405 and response["Allow"] == "POST"
    assert json.loads(response.content)["resourceType"] == "OperationOutcome"
    assert Client().delete("/fhir/r4/metadata").status_code == 405


def test_an_oversized_body_is_413(token, loaded, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    big = parameters(patient(given="O" * 5000))
    status, model, _ = ask(token, big)
    assert status == 413 and issue_of(model)[0] == "too-long"


def test_a_client_over_its_rate_is_429_with_retry_after(token, loaded, settings):
    settings.JIGSAW_API_RATE_LIMIT = "2/minute"
    assert [ask(token, parameters(patient()))[0] for _ in range(2)] == [200, 200]
    status, model, response = ask(token, parameters(patient()))
    assert status == 429 and issue_of(model)[0] == "throttled" and int(response["Retry-After"]) >= 1


def test_csrf_does_not_apply_to_the_bearer_api_but_still_guards_the_pages(token, loaded, make_user):
    from tests.accounts.support import verified_client
    from tests.web.support import search_form

    strict = Client(enforce_csrf_checks=True)
    assert ask(token, parameters(patient()), client=strict)[0] == 200
    page = verified_client(make_user("social_worker"))
    page.handler.enforce_csrf_checks = True
    refused = page.post("/search/", search_form(given_name="Olivia", family_name="Bennett",
                                                **{"dob-day": "8", "dob-month": "3", "dob-year": "2017"}))
    assert refused.status_code == 403


def test_a_session_cookie_does_not_authorise_the_api(loaded, make_user):
    from tests.accounts.support import verified_client

    signed_in = verified_client(make_user("social_worker"))
    status, _, _ = ask(None, parameters(patient()), client=signed_in)
    assert status == 401 and no_search(loaded)


def test_an_unknown_client_secret_gets_no_token(api_client, loaded):
    response = Client().post("/oauth/token/", {"grant_type": "client_credentials",
                                               "client_id": api_client.client_id, "client_secret": "wrong"})
    assert response.status_code == 401 and "access_token" not in response.json()
    assert get_token(api_client)


def test_the_api_paths_never_ask_for_sign_in_and_a_post_without_a_token_is_401(loaded):
    client = Client()
    assert client.post("/fhir/r4/Patient/$person-info-query", "{}",
                       content_type="application/fhir+json").status_code == 401
    assert client.post("/fhir/r4/Patient/$person-info-query").status_code == 415  # multipart: never parsed
    assert client.post("/oauth/token/").status_code in (400, 401)
    assert client.get("/fhir/r4/metadata").status_code == 200


def _chunked(token: str, body: bytes, terminated: bool = True):
    """POST ``body`` as gunicorn hands a chunked request to Django: no Content-Length, the input
    de-chunked and marked terminated."""
    import io

    return Client().generic("POST", QUERY, b"", HTTP_AUTHORIZATION=f"Bearer {token}",
                            HTTP_TRANSFER_ENCODING="chunked", CONTENT_TYPE="application/fhir+json",
                            CONTENT_LENGTH="",
                            **{"wsgi.input": io.BytesIO(body), "wsgi.input_terminated": terminated})


def test_a_chunked_body_is_read(token, loaded, settings):
    body = json.dumps(parameters(patient())).encode()
    response = _chunked(token, body)
    assert response.status_code == 200 and response.json()["resourceType"] == "Parameters"
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = len(body) - 1
    too_big = _chunked(token, body)
    assert too_big.status_code == 413 and too_big.json()["issue"][0]["code"] == "too-long"
    unmarked = _chunked(token, body, terminated=False)
    assert unmarked.status_code == 411 and "Content-Length" in unmarked.json()["issue"][0]["diagnostics"]


@pytest.mark.parametrize(("method", "path"), [
    ("post", "/fhir/r4/Patient/$match"), ("get", "/fhir/r4/Patient/1"), ("delete", "/fhir/r4/metadata/"),
    ("get", "/fhir/")])
def test_an_unknown_fhir_address_is_a_404_operation_outcome(method, path, loaded):
    response = getattr(Client(), method)(path)
    assert response.status_code == 404 and response["Content-Type"] == "application/fhir+json"
    assert issue_of(fhir_of(response))[0] == "not-found"


def test_a_reason_padded_past_the_logs_limit_is_logged_in_its_canonical_form(token, loaded):
    """The reason URI with 500 trailing slashes is still the s47 basis; the log keeps the URI
    compared, not the padding (which the log would refuse, answering 500)."""
    from .support import S47

    status, _, _ = ask(token, parameters(patient(), reason=S47 + "/" * 500))
    assert status == 200
    head = AccessEntry.objects.using(loaded).filter(action="search").order_by("sequence").first()
    assert head.reason_text == S47


def test_a_malformed_chunked_body_is_a_400(token, loaded):
    import io

    class Broken(io.BytesIO):
        def read(self, size: int | None = -1) -> bytes:
            raise ValueError("Invalid chunk size")  # as gunicorn's InvalidChunkSize, a ParseException

    response = Client().generic("POST", QUERY, b"", HTTP_AUTHORIZATION=f"Bearer {token}",
                                HTTP_TRANSFER_ENCODING="chunked", CONTENT_TYPE="application/fhir+json",
                                CONTENT_LENGTH="", **{"wsgi.input": Broken(), "wsgi.input_terminated": True})
    assert response.status_code == 400 and "malformed" in response.json()["issue"][0]["diagnostics"]
