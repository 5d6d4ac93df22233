"""Shared fixtures: one family's known people, and a redactor without the statistical model."""

from __future__ import annotations

import pytest

from jigsaw.redaction import KnownEntity, Redactor

FAMILY = [
    KnownEntity("person", "Kayden Morris", "child"),
    KnownEntity("person", "Jade Morris", "mother"),
    KnownEntity("person", "Tyler Whitaker", "father"),
    KnownEntity("person", "Lacey-Mae Morris", "sibling"),
    KnownEntity("person", "Hope Morris", "sibling"),
    KnownEntity("person", "William Carter", "professional", "Health Visitor 1"),
    KnownEntity("organisation", "Fernbank Primary School"),
    KnownEntity("organisation", "Ossett Medical Centre"),
    KnownEntity("address", "14 Fernbank Road, Ossett, WF5 9DQ"),
]


@pytest.fixture
def family() -> list[KnownEntity]:
    return list(FAMILY)


@pytest.fixture
def redactor(family) -> Redactor:
    """Records and patterns only: fast, and what every test not about the model needs."""
    return Redactor(family, use_model=False)
