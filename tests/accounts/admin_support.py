"""Helpers for the administration page tests: form data, access-log entries, page structure."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from html.parser import HTMLParser

from jigsaw.audit.models import AccessEntry, Action

SCRIPT = "<script>alert(1)</script>"


def admin_entries(using: str) -> list[AccessEntry]:
    return list(AccessEntry.objects.using(using).filter(action=Action.ADMIN).order_by("sequence"))


def date_fields(name: str, day: dt.date | None) -> dict[str, str]:
    parts = (day.day, day.month, day.year) if day else ("", "", "")
    return {f"{name}_{i}": str(v) for i, v in enumerate(parts)}


def user_form(user, **changes) -> dict[str, str]:
    """The user page's form as it arrives filled in with the user's details, then ``changes``."""
    profile = user.profile
    data = {"first_name": user.first_name, "last_name": user.last_name, "role": profile.role,
            "agency": str(profile.agency_id or ""), "active": "yes" if user.is_active else "no"}
    vetted = changes.pop("vetted_on", profile.vetting_checked_on)
    trained = changes.pop("trained_on", profile.training_completed_on)
    data |= date_fields("vetted_on", vetted) | date_fields("trained_on", trained)
    return data | {k: str(v) for k, v in changes.items()}


def agency_form(agency=None, **changes) -> dict[str, str]:
    data = {"name": "", "agency_type": "health", "safeguarding_team": "", "safeguarding_phone": "",
            "safeguarding_email": ""}
    if agency is not None:
        data = {"name": agency.name, "agency_type": agency.agency_type,
                "active": "yes" if agency.is_active else "no", "safeguarding_team": agency.safeguarding_team,
                "safeguarding_phone": agency.safeguarding_phone,
                "safeguarding_email": agency.safeguarding_email}
    return data | {k: str(v) for k, v in changes.items()}


class Page(HTMLParser):
    """What the structure checks need from a page: ids, labels, form controls, links, classes."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.ids: Counter[str] = Counter()
        self.label_for: set[str] = set()
        self.controls: list[dict] = []
        self.links: list[str] = []
        self.forms: list[dict] = []
        self.classes: Counter[str] = Counter()
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = {k: v or "" for k, v in attrs}
        if a.get("id"):
            self.ids[a["id"]] += 1
        for name in a.get("class", "").split():
            self.classes[name] += 1
        if tag == "label" and a.get("for"):
            self.label_for.add(a["for"])
        if tag in ("input", "select", "textarea") and a.get("type") not in ("hidden", "submit"):
            self.controls.append(a)
        if tag == "input" and a.get("type") == "hidden" and self.forms:
            self.forms[-1]["hidden"].append(a.get("name"))
        if tag == "a" and "href" in a:
            self.links.append(a["href"])
        if tag == "form":
            self.forms.append({**a, "hidden": []})


def check_structure(html: str) -> Page:
    """GOV.UK form rules every admin page keeps; returns the parsed page for further checks."""
    page = Page(html)
    duplicated = [i for i, n in page.ids.items() if n > 1]
    assert not duplicated, f"ids used twice: {duplicated}"
    for control in page.controls:
        assert control.get("id") in page.label_for, f"no label for {control}"
    for href in page.links:
        if href.startswith("#"):
            assert href[1:] in page.ids, f"link {href} goes nowhere"
    for form in page.forms:
        if form.get("method") == "post":
            assert "csrfmiddlewaretoken" in form["hidden"], f"POST form without CSRF token: {form}"
    return page


def second_approves(make_user, using: str):
    """A second administrator approves every pending request; the response to the last one."""
    from django.urls import reverse

    from jigsaw.accounts.models import AdminRequest
    from jigsaw.accounts.roles import Role
    from tests.accounts.support import verified_client

    second = verified_client(make_user(Role.ADMINISTRATOR))
    response = None
    for asked in AdminRequest.objects.using(using).filter(status=AdminRequest.PENDING):
        response = second.post(reverse("accounts:requests"), {"request": asked.pk, "decision": "approve"})
    return response
