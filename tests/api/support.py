"""Shared by the API tests: a client of the GP's agency, its token, and a FHIR-validating caller.

Every response is read back through fhir.resources' R4B models, as an outside client would
validate it, before a test looks at it.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.parameters import Parameters

from jigsaw.api.clients import NewClient, create

QUERY = "/fhir/r4/Patient/$person-info-query"
TOKEN = "/oauth/token/"
S47 = "https://www.legislation.gov.uk/ukpga/1989/41/section/47"
NHS_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number"
MODELS = {"Parameters": Parameters, "OperationOutcome": OperationOutcome,
          "CapabilityStatement": CapabilityStatement}


@pytest.fixture
def api_client(loaded: str) -> NewClient:
    """A client of Riverside Surgery's system, in the loaded partnership."""
    return create("Riverside ED", "Riverside Surgery", by="tester", using=loaded)


def get_token(client: NewClient) -> str:
    response = Client().post(TOKEN, {"grant_type": "client_credentials", "client_id": client.client_id,
                                     "client_secret": client.client_secret})
    assert response.status_code == 200, response.content
    return response.json()["access_token"]


@pytest.fixture
def token(api_client: NewClient) -> str:
    return get_token(api_client)


def patient(given: str | None = "Olivia", family: str | None = "Bennett",
            born: str | None = "2017-03-08", nhs: str | None = None,
            postcode: str | None = None) -> dict[str, Any]:
    resource: dict[str, Any] = {"resourceType": "Patient"}
    if given or family:
        parts = (("family", family), ("given", [given] if given else None))
        resource["name"] = [{k: v for k, v in parts if v}]
    if born:
        resource["birthDate"] = born
    if nhs:
        resource["identifier"] = [{"system": NHS_SYSTEM, "value": nhs}]
    if postcode:
        resource["address"] = [{"postalCode": postcode}]
    return resource


def parameters(resource: dict[str, Any] | None = None, reason: str | None = S47) -> dict[str, Any]:
    found: list[dict[str, Any]] = []
    if resource is not None:
        found.append({"name": "resource", "resource": resource})
    if reason is not None:
        found.append({"name": "reason", "valueUri": reason})
    return {"resourceType": "Parameters", "parameter": found}


def fhir_of(response) -> Any:
    """The response body as a validated fhir.resources model (and its content type checked)."""
    assert response["Content-Type"].startswith("application/fhir+json"), response["Content-Type"]
    data = json.loads(response.content)
    return MODELS[data["resourceType"]].model_validate(data)


def ask(token: str | None, body: Any, content_type: str = "application/fhir+json",
        client: Client | None = None, **extra: str):
    """POST a query (``body`` a dict is sent as JSON) and return (status, validated FHIR model)."""
    if token:
        extra["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    data = json.dumps(body) if isinstance(body, dict) else body
    response = (client or Client()).post(QUERY, data, content_type=content_type, **extra)
    return response.status_code, fhir_of(response), response


def answer_of(model: Parameters) -> tuple[bool, Any]:
    """(match, contact Organization or None) of a response Parameters."""
    named = {p.name: p for p in model.parameter}
    contact = named["contact"].resource if "contact" in named else None
    return named["match"].valueBoolean, contact


def issue_of(model: OperationOutcome) -> tuple[str, str]:
    [issue] = model.issue
    return issue.code, issue.diagnostics
