"""FHIR resources in and out, built and validated with fhir.resources' R4B models.

fhir.resources 8 ships R5 (its default), R4B and STU3 models; it has no R4 (4.0.1) package. R4B
(4.3.0) is the release HL7 made to stay wire-compatible with R4: it changed only the medication
definition and evidence resources, so the five used here (Parameters, Patient, Organization,
OperationOutcome, CapabilityStatement) have R4's elements, and a document valid against R4B's
models is valid R4 for them. The API therefore speaks and declares R4 (``fhirVersion`` 4.0.1).

Every response goes through a model before it is sent (:func:`dump`), so the API cannot emit a
resource its own validator would reject; every request is parsed by one (:func:`parse_query`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.parameters import Parameters
from fhir.resources.R4B.patient import Patient
from pydantic import ValidationError

NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number"
FHIR_JSON = "application/fhir+json"
MAX_ERRORS = 5
#: a NUL in JSON text: the escape \u0000 after an even number of backslashes (JSON allows no raw
#: control character in a string). FHIR R4's string "SHOULD not" hold a control character but
#: tab, CR and LF (Datatypes, string); a NUL is refused because neither PostgreSQL nor the access
#: log can store it. Found in the text, not by walking the parsed value, which nests as deep as
#: the parser allows and would exhaust the stack.
_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")


class BadRequest(ValueError):
    """A request that is not a valid ``$person-info-query``; ``code`` is the FHIR issue type."""

    def __init__(self, message: str, code: str = "invalid", expression: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.expression = expression


@dataclass(frozen=True)
class PersonQuery:
    """What a client asked about: the Patient's searchable details and the reason URI."""

    given_name: str | None
    family_name: str | None
    birth_date: str | None
    postcode: str | None
    nhs_number: str | None
    reason_uri: str | None
    identifier_systems: tuple[str, ...]


def outcome(message: str, code: str = "invalid", severity: str = "error",
            expression: str | None = None) -> dict[str, Any]:
    """An OperationOutcome with one issue, validated."""
    issue: dict[str, Any] = {"severity": severity, "code": code, "diagnostics": message[:500]}
    if expression:
        issue["expression"] = [expression]
    return dump(OperationOutcome, {"resourceType": "OperationOutcome", "issue": [issue]})


def dump(model: type, data: dict[str, Any]) -> dict[str, Any]:
    """``data`` validated by ``model`` and returned as FHIR JSON (no empty elements).

    A pure function of ``data``, so it is remembered by the data's JSON text: the same few
    answers (no match; an agency's contact) recur on every query, and fhir.resources takes
    longer to serialise one than the rest of the answer takes to build. Anything not plain JSON
    is validated afresh.
    """
    try:
        text = json.dumps(data, ensure_ascii=False)
    except (TypeError, ValueError):
        return json.loads(_validated(model, data))
    return json.loads(_remembered(model, text))


def _validated(model: type, data: Any) -> str:
    return model.model_validate(data).model_dump_json(exclude_none=True)


@lru_cache(maxsize=1024)
def _remembered(model: type, text: str) -> str:
    return _validated(model, json.loads(text))


def _where(loc: tuple) -> str:
    """A pydantic error location as a FHIRPath-like expression: Parameters.parameter[0].resource."""
    out = "Parameters"
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def parse_query(body: bytes) -> PersonQuery:
    """The query in a request body, or :class:`BadRequest` saying what is wrong (never echoing values)."""
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise BadRequest("the body is not JSON: send a FHIR Parameters resource", "structure") from None
    if not isinstance(data, dict) or data.get("resourceType") != "Parameters":
        raise BadRequest("the body must be a FHIR Parameters resource (resourceType Parameters)", "structure")
    if _NUL.search(body):
        raise BadRequest("the body holds a NUL character (\\u0000): remove it and send the query again")
    try:
        parameters = Parameters.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors(include_input=False, include_url=False)
        first = errors[0]
        where = ", ".join(_where(e["loc"]) for e in errors[:MAX_ERRORS])
        raise BadRequest(f"not a valid FHIR Parameters resource: {where}: {first['msg'][:200]}",
                         "structure", _where(first["loc"])) from None
    except (KeyError, TypeError, ValueError, RecursionError):
        # fhir.resources raises KeyError, not a ValidationError, for an unknown resourceType
        # nested in a parameter (found by the schemathesis fuzz test)
        raise BadRequest("not a valid FHIR Parameters resource: an element is of an unknown type",
                         "structure") from None
    named: dict[str, list[Any]] = {}
    for parameter in parameters.parameter or []:
        named.setdefault(parameter.name, []).append(parameter)
    for name, found in named.items():
        if name in ("resource", "reason") and len(found) > 1:
            raise BadRequest(f"give the {name} parameter once", expression=f"Parameters.parameter.{name}")
    if "resource" not in named:
        raise BadRequest("the resource parameter (a Patient) is required", "required",
                         "Parameters.parameter.resource")
    patient = named["resource"][0].resource
    if not isinstance(patient, Patient):
        raise BadRequest("the resource parameter must be a Patient",
                         expression="Parameters.parameter.resource")
    reason = named.get("reason", [None])[0]
    if reason is not None and reason.valueUri is None:
        raise BadRequest("the reason parameter must be a valueUri (the legal basis)", "required",
                         "Parameters.parameter.reason")
    return _person(patient, reason.valueUri if reason is not None else None)


def _person(patient: Patient, reason_uri: str | None) -> PersonQuery:
    """The searchable details: the first official (else first) name, the NHS number, a postcode."""
    names = patient.name or []
    name = next((n for n in names if n.use == "official"), names[0] if names else None)
    given = " ".join(name.given) if name is not None and name.given else None
    family = name.family if name is not None else None
    nhs = next((i.value for i in patient.identifier or [] if i.system == NHS_NUMBER_SYSTEM and i.value), None)
    postcode = next((a.postalCode for a in patient.address or [] if a.postalCode), None)
    born = patient.birthDate
    born_text = born.isoformat() if isinstance(born, date) else (str(born) if born else None)
    systems = tuple(sorted({i.system for i in patient.identifier or [] if i.system}))
    return PersonQuery(given, family, born_text, postcode, nhs, reason_uri, systems)


def answer(match: bool, contact: dict[str, Any] | None = None,
           extension: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The response Parameters: ``match`` (with any extensions: the child protection status,
    :mod:`jigsaw.api.protection`), and the contact Organization when there is one."""
    first: dict[str, Any] = {"name": "match", "valueBoolean": match}
    if match and extension:
        first["extension"] = extension
    parameter: list[dict[str, Any]] = [first]
    if match and contact is not None:
        if contact.get("resourceType") != "Organization":
            raise ValueError("the contact must be an Organization")
        # validated as an Organization (by its resourceType) with the Parameters: once, not twice
        parameter.append({"name": "contact", "resource": contact})
    return dump(Parameters, {"resourceType": "Parameters", "parameter": parameter})


def organization(name: str, phone: str = "", email: str = "") -> dict[str, Any]:
    """An Organization (name and telecom only: whom to contact, nothing about the child)."""
    telecom = [{"system": "phone", "value": phone, "use": "work"}] if phone else []
    if email:
        telecom.append({"system": "email", "value": email, "use": "work"})
    org: dict[str, Any] = {"resourceType": "Organization", "name": name[:200]}
    if telecom:
        org["telecom"] = telecom
    return org
