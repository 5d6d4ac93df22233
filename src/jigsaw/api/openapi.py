"""The API's OpenAPI 3.0 document (``GET /fhir/r4/openapi.json``), for client generators and fuzzers.

Written by hand because the FHIR bodies are defined by FHIR, not by this code: the schemas here
say only what a client must send and may receive at the HTTP level (resource types, the two
parameters, the status codes and their OperationOutcomes); the FHIR models validate the rest.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

FHIR = "application/fhir+json"
FORM = "application/x-www-form-urlencoded"

EXAMPLE_REASON = "https://www.legislation.gov.uk/ukpga/1989/41/section/47"
_OUTCOME = {"$ref": "#/components/schemas/OperationOutcome"}


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {FHIR: {"schema": _OUTCOME}}}


def _parameter_schema() -> dict[str, Any]:
    return {
        "type": "object", "required": ["name"],
        "properties": {
            "name": {"type": "string", "enum": ["resource", "reason"]},
            "valueUri": {"type": "string", "example": EXAMPLE_REASON},
            "resource": {"$ref": "#/components/schemas/Patient"},
        },
    }


def document() -> dict[str, Any]:
    """The OpenAPI document, with the token URL of this deployment."""
    base = settings.JIGSAW_API_BASE_URL
    secured = [{"clientCredentials": ["person-info-query"]}]
    return {
        "openapi": "3.0.3",
        "info": {"title": "Jigsaw signposting API (FHIR R4)", "version": "1.0.0",
                 "description": "Ask whether a child is known to the partnership, and whom to contact "
                                "(draft MAIS data-exchange standard, Patient/$person-info-query)."},
        "servers": [{"url": base}],
        "paths": {
            "/fhir/r4/metadata": {"get": {
                "operationId": "metadata", "summary": "The CapabilityStatement", "security": [],
                "responses": {"200": {"description": "CapabilityStatement", "content": {FHIR: {"schema": {
                    "$ref": "#/components/schemas/CapabilityStatement"}}}}},
            }},
            "/fhir/r4/Patient/$person-info-query": {"post": {
                "operationId": "personInfoQuery", "summary": "Is this child known, and whom to contact?",
                "security": secured,
                "requestBody": {"required": True, "content": {
                    FHIR: {"schema": {"$ref": "#/components/schemas/QueryParameters"}},
                    "application/json": {"schema": {"$ref": "#/components/schemas/QueryParameters"}}}},
                "responses": {
                    "200": {"description": "match, and contact when matched",
                            "content": {FHIR: {"schema": {"$ref": "#/components/schemas/AnswerParameters"}}}},
                    "400": _error("Malformed request, or the reason is missing or not an allowed basis"),
                    "401": _error("No valid bearer token"),
                    "403": _error("The token lacks the person-info-query scope"),
                    "413": _error("The body is too large"),
                    "415": _error("The body is not FHIR JSON"),
                    "429": _error("Over the client's rate limit"),
                },
            }},
            "/oauth/token/": {"post": {
                "operationId": "token", "summary": "A bearer token for a client's credentials",
                "security": [],
                "requestBody": {"required": True, "content": {FORM: {"schema": {
                    "type": "object", "required": ["grant_type"],
                    "properties": {"grant_type": {"type": "string", "enum": ["client_credentials"]},
                                   "client_id": {"type": "string"}, "client_secret": {"type": "string"},
                                   "scope": {"type": "string"}}}}}},
                "responses": {
                    "200": {"description": "A token", "content": {"application/json": {"schema": {
                        "type": "object", "required": ["access_token", "token_type", "expires_in"],
                        "properties": {"access_token": {"type": "string"}, "token_type": {"type": "string"},
                                       "expires_in": {"type": "integer"}, "scope": {"type": "string"}}}}}},
                    "400": {"description": "Malformed token request (RFC 6749 error)",
                            "content": {"application/json": {"schema": {"type": "object"}}}},
                    "401": {"description": "Unknown client or wrong secret (RFC 6749 invalid_client)",
                            "content": {"application/json": {"schema": {"type": "object"}}}},
                },
            }},
        },
        "components": {
            "securitySchemes": {"clientCredentials": {"type": "oauth2", "flows": {"clientCredentials": {
                "tokenUrl": base + "/oauth/token/",
                "scopes": {"person-info-query": "Ask whether a child is known, and whom to contact"}}}}},
            "schemas": {
                "QueryParameters": {
                    "type": "object", "required": ["resourceType", "parameter"],
                    "properties": {"resourceType": {"type": "string", "enum": ["Parameters"]},
                                   "parameter": {"type": "array", "items": _parameter_schema()}}},
                "Patient": {
                    "type": "object", "required": ["resourceType"],
                    "properties": {
                        "resourceType": {"type": "string", "enum": ["Patient"]},
                        "identifier": {"type": "array", "items": {"type": "object", "properties": {
                            "system": {"type": "string"}, "value": {"type": "string"}}}},
                        "name": {"type": "array", "items": {"type": "object", "properties": {
                            "family": {"type": "string"},
                            "given": {"type": "array", "items": {"type": "string"}}}}},
                        "birthDate": {"type": "string", "format": "date"},
                        "address": {"type": "array", "items": {"type": "object", "properties": {
                            "postalCode": {"type": "string"}}}}}},
                "AnswerParameters": {
                    "type": "object", "required": ["resourceType", "parameter"],
                    "properties": {"resourceType": {"type": "string", "enum": ["Parameters"]},
                                   "parameter": {"type": "array", "minItems": 1, "items": {
                                       "type": "object", "required": ["name"], "properties": {
                                           "name": {"type": "string", "enum": ["match", "contact"]},
                                           "valueBoolean": {"type": "boolean"},
                                           "extension": {"type": "array", "items": {
                                               "$ref": "#/components/schemas/ProtectionStatus"}},
                                           "resource": {"$ref": "#/components/schemas/Organization"}}}}}},
                "ProtectionStatus": {
                    "description": "On the match parameter: the child is on a child protection plan or "
                                   "looked after (CP-IS's flag; see docs/notices.md), with a status "
                                   "coding and the start date",
                    "type": "object", "required": ["url", "extension"],
                    "properties": {"url": {"type": "string"}, "extension": {"type": "array", "items": {
                        "type": "object", "required": ["url"], "properties": {
                            "url": {"type": "string", "enum": ["status", "start"]},
                            "valueCoding": {"type": "object"}, "valueDate": {"type": "string"}}}}}},
                "Organization": {
                    "type": "object", "required": ["resourceType", "name"],
                    "properties": {"resourceType": {"type": "string", "enum": ["Organization"]},
                                   "name": {"type": "string"},
                                   "telecom": {"type": "array", "items": {"type": "object", "properties": {
                                       "system": {"type": "string", "enum": ["phone", "email"]},
                                       "value": {"type": "string"}, "use": {"type": "string"}}}}}},
                "OperationOutcome": {
                    "type": "object", "required": ["resourceType", "issue"],
                    "properties": {"resourceType": {"type": "string", "enum": ["OperationOutcome"]},
                                   "issue": {"type": "array", "minItems": 1, "items": {
                                       "type": "object", "required": ["severity", "code"], "properties": {
                                           "severity": {"type": "string"}, "code": {"type": "string"},
                                           "diagnostics": {"type": "string"}}}}}},
                "CapabilityStatement": {
                    "type": "object", "required": ["resourceType", "fhirVersion", "rest"],
                    "properties": {"resourceType": {"type": "string", "enum": ["CapabilityStatement"]},
                                   "fhirVersion": {"type": "string"}, "rest": {"type": "array"}}},
            },
        },
    }
