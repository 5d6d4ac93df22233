"""Responses are built through fhir.resources' models once each, and remembered by their input.

``fhir.dump`` is remembered by the JSON text of what it is given (the same few answers recur on
every query), so these check what a remembered answer must still be: exactly what the models
emit for that input, a fresh copy each time, and a bad resource still refused.
"""

from __future__ import annotations

import json

import pytest
from fhir.resources.R4B.parameters import Parameters
from pydantic import ValidationError

from jigsaw.api import fhir
from jigsaw.api.fhir import answer, organization

CODING = {"system": "https://jigsaw.example/cs", "code": "looked-after", "display": "Looked after child"}
STATE = [{"url": "https://jigsaw.example/fhir/r4/StructureDefinition/child-protection-status",
          "extension": [{"url": "status", "valueCoding": CODING},
                        {"url": "start", "valueDate": "2025-01-02"}]}]


def _models_own(data: dict) -> dict:
    return json.loads(Parameters.model_validate(data).model_dump_json(exclude_none=True))


@pytest.mark.parametrize("contact", [organization("Leeds GP", "0113 000 0000", "gp@example.org"),
                                     organization("The hub", email="hub@example.org"), None])
def test_an_answer_is_what_the_models_emit_every_time(contact):
    built = {"resourceType": "Parameters", "parameter": [
        {"name": "match", "valueBoolean": True, "extension": STATE},
        *([{"name": "contact", "resource": contact}] if contact else [])]}
    first = answer(True, contact, STATE)
    assert first == _models_own(built) == answer(True, contact, STATE)
    first["parameter"].clear()  # a caller changing its copy changes no later answer
    assert answer(True, contact, STATE) == _models_own(built)


def test_the_contact_is_checked_by_the_organization_model_inside_the_parameters():
    fhir._remembered.cache_clear()
    with pytest.raises(ValidationError):
        answer(True, {**organization("Leeds GP"), "favouriteColour": "blue"})
    with pytest.raises(ValidationError):  # and again: a refusal is never remembered as an answer
        answer(True, {**organization("Leeds GP"), "favouriteColour": "blue"})
    with pytest.raises(ValueError, match="Organization"):
        answer(True, {"resourceType": "Patient", "name": [{"family": "Smith"}]})


def test_input_that_is_not_plain_json_is_still_validated():
    with pytest.raises(ValidationError):
        fhir.dump(Parameters, {"resourceType": "Parameters", "parameter": [{"name": object()}]})
