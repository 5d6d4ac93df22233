"""Practice records in a real browser (issue 17's "done when", items 1-4): a decision not to share
and one to share with its lawful basis, a disagreement that escalates itself after its timer (the
record is aged in the demo database), a core group with attendance, the child's words, and the
record-quality flags. Screenshots at desktop width and at 375 px go to /tmp/shots/practice/ too,
and no page may scroll sideways at 375 px."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from pathlib import Path

import pytest
from django.urls import reverse

from tests.browser.test_pages import heading, query_demo_db

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SHOTS = Path("/tmp/shots/practice")


def _child(server) -> int:
    """A demo child on an open plan, with a current allocated social worker to invite."""
    rows = query_demo_db(
        server,
        """
        SELECT rl.person_id FROM records_event e
        JOIN signpost_recordlink rl ON rl.record_id = e.person_id
        JOIN signpost_person p ON p.id = rl.person_id AND NOT p.shielded
        JOIN records_personrecord pr ON pr.id = e.person_id AND pr.is_child
        WHERE e.event_type IN ('cp_plan_start', 'cin_plan_start', 'looked_after_start')
          AND NOT EXISTS (SELECT 1 FROM records_event x
                          JOIN signpost_recordlink xl ON xl.record_id = x.person_id
                          WHERE xl.person_id = rl.person_id AND x.occurred_at >= e.occurred_at
                            AND x.event_type = replace(e.event_type, '_start', '_end'))
          AND EXISTS (SELECT 1 FROM records_involvement i
                      JOIN signpost_recordlink il ON il.record_id = i.person_id
                      WHERE il.person_id = rl.person_id AND i.ended_on IS NULL
                        AND i.role = 'allocated social worker')
        ORDER BY rl.person_id LIMIT 1""",
    )
    assert rows, "the demo data has no child on an open plan with a current involvement"
    return rows[0][0]


def _shoot(page, name: str, only: str = "") -> None:
    """Desktop and 375 px screenshots; the narrow one must not scroll sideways (the whole page,
    or only the element ``only`` on a page this app does not own: the child's page is redesigned
    elsewhere and its tables are wider than a phone)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(SHOTS / f"{name}-desktop.png"), full_page=True)
    page.set_viewport_size({"width": 375, "height": 800})
    page.wait_for_timeout(100)
    page.screenshot(path=str(SHOTS / f"{name}-375.png"), full_page=True)
    if only:
        right = page.evaluate(f"() => document.querySelector('{only}').getBoundingClientRect().right")
        assert right <= 375, f"{only} on {name} reaches {right}px at 375 px"
    else:
        wide = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert wide <= 0, f"{name} scrolls sideways by {wide}px at 375 px"
    page.set_viewport_size({"width": 1280, "height": 900})


def _date(page, prefix: str, day: dt.date) -> None:
    page.locator(f"#{prefix}-day").fill(str(day.day))
    page.locator(f"#{prefix}-month").fill(str(day.month))
    page.locator(f"#{prefix}-year").fill(str(day.year))


def _submit(page, name: str) -> None:
    page.get_by_role("button", name=name).click()
    page.wait_for_load_state("networkidle")


def test_practice_records_from_a_childs_page(page, server, sign_in, checkpoint):
    person = _child(server)
    today = dt.date.today()
    sign_in(page, "demo-safeguarding-lead")
    page.goto(f"{reverse('chronology:child', args=[person])}?reason=s47")
    assert page.get_by_role("heading", name="Practice records").is_visible()
    flags = page.locator("#record-quality").inner_text()
    assert "Child missing from the record" in flags and "Record out of date" in flags
    checkpoint(page, "child-page")
    _shoot(page, "00-child-page-flags", only="#practice")

    # a decision not to share
    page.get_by_role("link", name="Record an information-sharing decision").click()
    page.wait_for_load_state("networkidle")
    checkpoint(page, "sharing-form")
    _shoot(page, "01-sharing-form")
    page.get_by_label("Do not share it").check()
    _date(page, "decided_on", today)
    page.get_by_label("What information").fill("The family's new address")
    page.locator("#agency").select_option(index=1)
    page.get_by_label("Why: the reasons for your decision").fill("Not needed for the school's purpose")
    _submit(page, "Record the decision")
    assert heading(page).inner_text() == "Practice records"

    # a decision to share: first without its lawful basis (refused), then with it
    page.get_by_role("link", name="Record an information-sharing decision").first.click()
    page.wait_for_load_state("networkidle")
    page.get_by_label("Share the information").check()
    _date(page, "decided_on", today)
    page.get_by_label("What information").fill("The outcome of the strategy discussion")
    page.locator("#agency").select_option(index=2)
    page.get_by_label("With whom there").fill("The designated safeguarding lead")
    page.get_by_label("Why: the reasons for your decision").fill("The school must watch for new bruising")
    _submit(page, "Record the decision")
    assert "Select the lawful basis for sharing" in page.locator(".govuk-error-summary").inner_text()
    checkpoint(page, "sharing-without-basis")
    _shoot(page, "02-sharing-error")
    page.get_by_label("Children Act 1989 s47: enquiries into significant harm").check()
    _submit(page, "Record the decision")
    shown = page.locator("main").inner_text()
    assert "Shared" in shown and "Not shared" in shown and "Children Act 1989 s47" in shown
    checkpoint(page, "decisions")

    # a disagreement, aged past its timer: listing it escalates it and raises an alert
    page.get_by_role("link", name="Raise a professional disagreement").click()
    page.wait_for_load_state("networkidle")
    page.get_by_label("The decision you disagree with").fill(
        "No further action after the strategy discussion"
    )
    page.locator("#agency").select_option(index=1)
    page.get_by_label("Why you disagree").fill("Two injuries in a month are not explained")
    _submit(page, "Raise the disagreement")
    assert "Practitioner to practitioner" in page.locator("#stage").inner_text()
    disagreement = int(re.search(r"/disagreements/(\d+)/", page.url).group(1))
    with sqlite3.connect(server.data_dir / "jigsaw.sqlite3") as db:
        db.execute(
            "UPDATE practice_disagreement SET stage_due_at = ? WHERE id = ?",
            ((dt.datetime.now(dt.UTC) - dt.timedelta(days=1)).isoformat(" "), disagreement),
        )
    page.reload()
    page.wait_for_load_state("networkidle")
    assert "Manager to manager" in page.locator("#stage").inner_text()
    assert "Escalated when its time ran out" in page.locator("#steps").inner_text()
    alerts = query_demo_db(server, "SELECT assignee_id FROM alerts_alert WHERE rule_id = 'DISAGREEMENT'")
    assert len(alerts) == 1 and alerts[0][0] is not None  # to the raiser's account
    checkpoint(page, "disagreement-escalated")
    _shoot(page, "03-disagreement-escalated")

    # a core group with attendance, decisions and an action
    page.goto(f"{reverse('practice:meeting-new', args=[person])}?reason=s47")
    page.get_by_label("Core group meeting").check()
    _date(page, "held_on", today)
    page.locator("#invite-0").check()
    page.locator("#extra_agency").select_option(index=1)
    checkpoint(page, "meeting-form")
    _shoot(page, "04-meeting-form")
    _submit(page, "Convene the meeting")
    assert "Core group meeting" in heading(page).inner_text()
    page.locator("input[name=attended]").first.check()
    page.get_by_label("Decisions").fill("The plan continues; weekly visits")
    page.locator("#action-0").fill("Visit the child at home weekly")
    page.locator("#owner-0").fill("Allocated social worker")
    page.locator("#owner_agency-0").select_option(index=1)
    _date(page, "due_on-0", today + dt.timedelta(days=7))
    _submit(page, "Record attendance, decisions and actions")
    attendance = page.locator("#attendance").inner_text()
    assert "Attended" in attendance and "Did not attend" in attendance
    checkpoint(page, "meeting-recorded")
    _shoot(page, "05-meeting-recorded")

    # the child's words, then the flags and the entries on the child's page
    page.goto(f"{reverse('practice:voice', args=[person])}?reason=s47")
    _date(page, "said_on", today)
    page.get_by_label("Seen and spoken to alone").check()
    page.get_by_label("The child's own words").fill("I don't like it when they shout at night")
    page.get_by_label("Their wishes and feelings (optional)").fill("To sleep at nan's on Fridays")
    checkpoint(page, "voice-form")
    _shoot(page, "06-voice-form")
    _submit(page, "Record the child's words")
    page.goto(f"{reverse('chronology:child', args=[person])}?reason=s47")
    main = page.locator("main").inner_text()
    assert "Record quality" in main and "I don't like it when they shout" in main
    assert "Decided to share with" in main and "Decided not to share with" in main
    checkpoint(page, "child-page-after")
    _shoot(page, "07-child-page-after", only="#practice")
    page.goto(f"{reverse('practice:overview', args=[person])}?reason=s47")
    checkpoint(page, "overview")
    _shoot(page, "08-overview")

    page.goto(reverse("practice:figures"))
    figures = page.locator("main").inner_text()
    assert re.search(r"fewer than \d+ raised", figures) and "Core group meeting" in figures
    checkpoint(page, "figures")
    _shoot(page, "09-figures")
