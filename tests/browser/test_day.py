"""A working day per case role, in Chromium (issue 13): sign in, home, the most urgent item, act, back.

Each step is looked at twice, at desktop width and at 375 px (a phone), with a screenshot of both
under ``/tmp/shots/day/`` (outside the repository), an axe-core run, and at 375 px the check that
nothing overflows sideways (``document.documentElement.scrollWidth <= 375``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.browser.conftest import SERIOUS, describe_violations, query_demo_db, run_axe, sign_in_to

SHOTS = Path("/tmp/shots/day")  # for a person to look at, never in the repo
PHONE, DESKTOP = {"width": 375, "height": 800}, {"width": 1280, "height": 900}


@pytest.fixture
def look(request):
    """``look(page, step)``: desktop and phone screenshots, axe at both, no sideways overflow at 375 px."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    test = re.sub(r"[^\w.-]+", "_", request.node.name)
    counter = iter(range(1, 100))

    def check(page, step: str) -> None:
        page.wait_for_load_state("networkidle")
        n = next(counter)
        for name, size in (("desktop", DESKTOP), ("phone", PHONE)):
            page.set_viewport_size(size)
            page.screenshot(path=str(SHOTS / f"{test}--{n:02}-{step}-{name}.png"), full_page=True)
            serious = [v for v in run_axe(page) if v["impact"] in SERIOUS]
            assert not serious, f"axe on {step} at {name} ({page.url}):\n" + describe_violations(serious)
            if name == "phone":
                width = page.evaluate("() => document.documentElement.scrollWidth")
                assert width <= PHONE["width"], f"{step} ({page.url}) is {width}px wide at 375 px"
        page.set_viewport_size(DESKTOP)

    return check


def _home(page, server, username: str, look) -> None:
    sign_in_to(server, page, username)
    page.goto("/")
    assert page.get_by_role("heading", name="My work").is_visible()
    look(page, "home")


def test_hub_officer_triages_the_most_urgent_alert(page, server, look):
    _home(page, server, "demo-hub-officer", look)
    page.goto("/alerts/")
    look(page, "queue")
    rows = page.locator("#alert-queue tbody tr")
    severities = rows.evaluate_all("rows => rows.map(r => r.dataset.severity)")
    rank = {"high": 0, "medium": 1, "low": 2}
    assert [rank.get(s, 3) for s in severities] == sorted(rank.get(s, 3) for s in severities)  # urgent first
    page.locator("#alert-queue tbody tr").first.get_by_role("link").first.click()
    page.wait_for_url(re.compile(r"/alerts/\d+/"))
    look(page, "most-urgent-alert")
    assert page.locator("#evidence-list li").count() >= 1 or "not shown here" in page.content()
    assert not re.search(r"\b\w+\d\d:[A-Z0-9-]+-E\d+", page.locator("#evidence").inner_text())  # no raw keys
    page.get_by_label("Assign to").select_option(index=1)
    page.get_by_role("button", name="Assign").click()
    page.wait_for_url(re.compile(r"/alerts/\d+/$"))
    look(page, "assigned")
    assert "Assigned" in page.locator("#alert-history").inner_text()
    page.get_by_role("link", name="Back to alerts").click()
    look(page, "back-to-queue")


def test_social_worker_opens_their_child_and_reads_the_header(page, server, look):
    _home(page, server, "demo-social-worker", look)
    children = page.locator("#my-children-list a")
    assert children.count() >= 1, "the demo social worker works with nobody"
    children.first.click()
    page.wait_for_url(re.compile(r"/children/\d+/"))
    look(page, "reason")
    page.locator("input[name=reason]").first.check()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(r"reason="))
    look(page, "child")
    for box in ("#child-age", "#child-status", "#child-lead", "#household-members"):
        assert page.locator(box).is_visible(), box
    _status_tags_stay_whole_at_375(page, server)
    page.goto("/")
    look(page, "back-home")
    assert page.locator("#recent-list a").count() >= 1


def _status_tags_stay_whole_at_375(page, server) -> None:
    """A child on a child protection plan (the longest status tag; the reason given for the
    worker's own child serves): no status tag breaks over two lines at 375 px."""
    reason = re.search(r"reason=([^&]+)", page.url).group(1)
    rows = query_demo_db(server, """
        SELECT rl.person_id FROM records_event e
        JOIN signpost_recordlink rl ON rl.record_id = e.person_id
        JOIN signpost_person p ON p.id = rl.person_id AND NOT p.shielded
        WHERE e.event_type = 'cp_plan_start' AND NOT EXISTS (
            SELECT 1 FROM records_event x JOIN signpost_recordlink xl ON xl.record_id = x.person_id
            WHERE xl.person_id = rl.person_id AND x.event_type = 'cp_plan_end'
              AND x.occurred_at >= e.occurred_at)
        ORDER BY rl.person_id LIMIT 1""")
    assert rows, "the demo data has no child on a child protection plan"
    page.goto(f"/children/{rows[0][0]}/?reason={reason}")
    assert "Child protection plan" in page.locator("#child-status").inner_text()
    page.set_viewport_size(PHONE)
    broken = page.eval_on_selector_all("#child-status .govuk-tag", """tags => tags.filter(t => {
        const s = getComputedStyle(t);
        return t.getBoundingClientRect().height > parseFloat(s.lineHeight) + parseFloat(s.paddingTop)
            + parseFloat(s.paddingBottom) + 1; }).map(t => t.textContent)""")
    assert not broken, f"status tags wrap onto two lines at 375 px: {broken}"
    page.set_viewport_size(DESKTOP)


def test_safeguarding_lead_lands_on_their_alerts(page, server, look):
    _home(page, server, "demo-safeguarding-lead", look)
    page.get_by_role("link", name="All my alerts").click()
    look(page, "alerts")
    page.goto("/")
    look(page, "back-home")


def test_practitioner_finds_a_child(page, server, look):
    _home(page, server, "demo-practitioner", look)
    page.goto("/search/") if page.locator("#my-children-list a").count() == 0 else (
        page.locator("#my-children-list a").first.click())
    look(page, "next")
    page.goto("/")
    look(page, "back-home")
