"""The CapabilityStatement and the OpenAPI document, read as an outside client would."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from jigsaw.api.reasons import REASON_URIS
from tests.conftest import BOTH

from .support import fhir_of

pytestmark = pytest.mark.django_db(databases=BOTH)


def test_the_capability_statement_is_valid_r4_and_says_how_to_call(web_db):
    response = Client().get("/fhir/r4/metadata")
    assert response.status_code == 200
    statement = fhir_of(response)
    assert statement.__resource_type__ == "CapabilityStatement"
    assert statement.fhirVersion == "4.0.1" and statement.kind == "instance"
    [rest] = statement.rest
    assert rest.security.service[0].coding[0].code == "OAuth"
    assert "/oauth/token/" in rest.security.description
    [patient] = rest.resource
    [operation] = patient.operation
    assert patient.type == "Patient" and operation.name == "person-info-query"
    for uri in REASON_URIS:  # the allowed legal bases are published with the operation
        assert uri in operation.documentation


def test_the_openapi_document_is_at_a_stable_url_and_names_every_operation(web_db):
    response = Client().get("/fhir/r4/openapi.json")
    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["openapi"].startswith("3.0")
    assert set(document["paths"]) == {"/fhir/r4/metadata", "/fhir/r4/Patient/$person-info-query",
                                      "/oauth/token/"}
    flows = document["components"]["securitySchemes"]["clientCredentials"]["flows"]
    assert flows["clientCredentials"]["tokenUrl"].endswith("/oauth/token/")
