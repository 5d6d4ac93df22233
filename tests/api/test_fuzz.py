"""The API fuzzed from its own OpenAPI document with schemathesis, in-process through the WSGI app.

Requests are generated from the published schema (valid and invalid bodies, headers, methods) and
sent with a valid bearer token; schemathesis' checks then hold the responses to the document:
never a server error, only documented status codes and content types, bodies matching their
schemas. The number of examples is bounded so the run stays well under a minute.
"""

from __future__ import annotations

import json

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import BOTH

from .support import MODELS

EXAMPLES = 40


#: Django's WSGI app. The schema is read from it once, at collection (no database needed).
APP = WSGIHandler()
# schemathesis.pytest.from_fixture would build it per test, but its lazy loader needs a pytest
# internal (Node._nodeid) that pytest 9 no longer has.
schema = schemathesis.openapi.from_wsgi("/fhir/r4/openapi.json", APP)


@pytest.fixture(autouse=True)
def keep_the_test_connection(token):
    """Stop Django closing the test's connection at the end of each request (its test client does too).

    Closing "old" connections would end the test's transaction in the middle of the test. After
    ``token``: Django's test client, which gets it, connects the closing again when it is done.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db(databases=BOTH)
@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_no_request_the_schema_allows_or_mangles_gets_a_server_error(case, token):
    response = case.call(headers={"Authorization": f"Bearer {token}"})
    case.validate_response(response, checks=[not_a_server_error, status_code_conformance,
                                             content_type_conformance, response_schema_conformance])
    if case.path.startswith("/fhir/r4/") and not case.path.endswith("openapi.json"):
        data = json.loads(response.content)
        MODELS[data["resourceType"]].model_validate(data)  # every FHIR body is a valid R4 resource
