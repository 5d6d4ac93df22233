"""Shared by the page tests and the web tests: the loaded partnership, and what a page must be."""

from __future__ import annotations

import re
from datetime import date

import pytest

from jigsaw.alerts.models import Alert
from jigsaw.alerts.store import store
from jigsaw.rules import Finding
from tests.signpost import load

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)", re.IGNORECASE)


@pytest.fixture
def loaded(tmp_path, web_db) -> str:
    load(tmp_path, web_db)
    return web_db


def page_of(response) -> str:
    page = response.content.decode()
    assert not INLINE_SCRIPT.search(page) and "style=" not in page  # the CSP allows neither
    return page


def search_form(reason: str = "s47", **fields: str) -> dict[str, str]:
    return {"given_name": "", "family_name": "", "dob-day": "", "dob-month": "", "dob-year": "",
            "postcode": "", "nhs_number": "", "reason": reason, **fields}


def make_alert(using: str, person: int) -> Alert:
    """One high-severity alert about the person, routed to their allocated worker (Priya Shah)."""
    finding = Finding(rule_id="R04c", rule_version=1, title="ED attendance while on a plan", severity="high",
                      mode="required", route="allocated_worker", person_ids=(person,), event_keys=("gp:E2",),
                      first_at=date(2024, 6, 1), last_at=date(2024, 6, 1), explanation="why it matters",
                      citation="CP-IS", uncertain=False, pattern_key=f"R04c|{person}|gp:E2")
    store([finding], using)
    return Alert.objects.using(using).get()
