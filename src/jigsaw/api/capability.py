"""The server's CapabilityStatement (``GET /fhir/r4/metadata``): what it does and how to call it."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.conf import settings
from django.urls import reverse
from fhir.resources.R4B.capabilitystatement import CapabilityStatement

from jigsaw.api.fhir import dump
from jigsaw.api.reasons import reason_uris

#: The draft standard publishes its operation as a page, not yet as an OperationDefinition resource.
OPERATION = "https://github.com/SocialCareData/data-exchange-standard/blob/main/docs/operation-definition.md"
RELEASED = "2026-12-03"


@lru_cache(maxsize=4)
def _statement(base: str, reasons: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    listed = "\n".join(f"* `{uri}` ({code})" for uri, code in reasons)
    token = base + reverse("api:token")
    return dump(CapabilityStatement, {
        "resourceType": "CapabilityStatement", "status": "active", "date": RELEASED, "kind": "instance",
        "fhirVersion": "4.0.1", "format": ["application/fhir+json"],
        "software": {"name": "Jigsaw"},
        "implementation": {"description": "A safeguarding partnership's signposting index",
                           "url": base + "/fhir/r4"},
        "rest": [{
            "mode": "server",
            "documentation": "Machine clients of partner agencies. Every query is written to the access "
                             "log with the client, its agency and the reason.",
            "security": {
                "service": [{"coding": [{
                    "system": "http://terminology.hl7.org/CodeSystem/restful-security-service",
                    "code": "OAuth"}]}],
                "description": f"OAuth2 client credentials: POST grant_type=client_credentials, client_id "
                               f"and client_secret to {token} for a bearer token.",
                "extension": [{"url": "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris",
                               "extension": [{"url": "token", "valueUri": token}]}],
            },
            "resource": [{
                "type": "Patient",
                "operation": [{
                    "name": "person-info-query", "definition": OPERATION,
                    "documentation": "Parameters in: `resource` (a Patient) and `reason` (valueUri, the "
                                     "legal basis), one of:\n" + listed + "\n\nParameters out: `match` "
                                     "(valueBoolean) and, when true, `contact` (an Organization). A "
                                     "child on a child protection plan or looked after: `match` "
                                     "carries the extension "
                                     f"{base}/fhir/r4/StructureDefinition/child-protection-status "
                                     "(status coding and start date; CP-IS's flag).",
                }],
            }],
        }],
    })


def statement() -> dict[str, Any]:
    return _statement(settings.JIGSAW_API_BASE_URL, tuple(sorted(reason_uris().items())))
