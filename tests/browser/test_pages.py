"""The web pages in a real browser: sign-in, the sign-in gate, refusals, search, a child, an alert.

Every page visited is screenshotted and checked with axe-core (``checkpoint``); see conftest.py.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.browser.conftest import query_demo_db

pytestmark = [pytest.mark.browser, pytest.mark.slow]

HOME_HEADING = "My work"  # a case role's or analyst's home; administrators land on the imports
# A GOV.UK button's background (before and after the 2025 brand refresh): the stylesheet has loaded.
GOVUK_GREENS = ("rgb(0, 112, 60)", "rgb(15, 122, 82)")


def misspelt(name: str) -> str:
    """The name with two neighbouring letters swapped after the first, as a hurried typist would."""
    for i in range(1, len(name) - 1):
        if name[i] != name[i + 1]:
            return name[:i] + name[i + 1] + name[i] + name[i + 2:]
    return name


def heading(page):
    return page.get_by_role("heading", level=1)


def test_sign_in_with_code_lands_on_home(page, server, sign_in, checkpoint):
    page.goto("/sign-in/")
    page.wait_for_load_state("networkidle")
    # GOV.UK Frontend's CSS and the CSP-safe scripts (js-enabled.js, init.mjs) all loaded.
    assert page.get_by_role("button", name="Continue").evaluate(
        "b => getComputedStyle(b).backgroundColor") in GOVUK_GREENS
    assert "govuk-frontend-supported" in (page.locator("body").get_attribute("class") or "")
    sign_in(page, "demo-practitioner")
    assert page.url == server.base_url + "/"
    assert heading(page).inner_text() == HOME_HEADING
    assert page.get_by_role("heading", name="Children I work with").is_visible()
    assert page.get_by_role("button", name="Sign out").is_visible()
    checkpoint(page, "home")


def test_wrong_code_shows_the_error_summary(page, server, checkpoint):
    page.goto("/sign-in/")
    page.get_by_label("Username").fill("demo-social-worker")
    page.get_by_label("Password").fill("jigsaw-demo-only")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(r"/sign-in/code/"))
    checkpoint(page, "code")
    right = server.otp_code("demo-social-worker")
    wrong = f"{(int(right) + 500_000) % 1_000_000:06d}"
    page.get_by_label("Enter the code from your authenticator app").fill(wrong)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("networkidle")
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert "There is a problem" in summary.inner_text()
    assert "The code is not correct or has expired" in summary.inner_text()
    assert page.title().startswith("Error:")
    assert "/sign-in/code/" in page.url
    # GOV.UK Frontend moves focus to the summary, so a screen reader announces it first.
    assert page.evaluate("() => document.activeElement.classList.contains('govuk-error-summary')")
    checkpoint(page, "wrong-code")

    page.get_by_role("link", name=re.compile("The code is not correct")).click()
    assert page.evaluate("() => document.activeElement.id") == "code"


def test_wrong_password_shows_the_error_summary(page, checkpoint):
    page.goto("/sign-in/")
    page.get_by_label("Username").fill("demo-practitioner")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state("networkidle")
    assert "Enter a correct username and password" in page.locator(".govuk-error-summary").inner_text()
    checkpoint(page, "wrong-password")


def test_protected_url_redirects_to_sign_in_and_back(page, server, sign_in, checkpoint):
    response = page.goto("/users/")
    assert response.url.startswith(server.base_url + "/sign-in/?next=")
    assert "next=%2Fusers%2F" in page.url
    assert heading(page).inner_text() == "Sign in to Jigsaw"
    sign_in(page, "demo-administrator")  # screenshots and axe-checks the sign-in and code steps
    assert page.url == server.base_url + "/users/"
    assert heading(page).inner_text() == "Users"
    checkpoint(page, "users")


def test_refused_access_shows_the_403_page(page, server, sign_in, checkpoint):
    sign_in(page, "demo-analyst")
    response = page.goto("/users/")  # user administration: administrators only
    assert response.status == 403
    assert heading(page).inner_text() == "You cannot open this page"
    assert "Your role does not give access" in page.locator("main").inner_text()
    checkpoint(page, "403")


def test_auditor_only_page_refuses_a_social_worker_then_opens_for_the_auditor(page, sign_in, checkpoint):
    audit_path = reverse("audit:audit")
    sign_in(page, "demo-social-worker")
    response = page.goto(audit_path)
    assert response.status == 403
    assert heading(page).inner_text() == "You cannot open this page"
    checkpoint(page, "social-worker-403")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state("networkidle")
    sign_in(page, "demo-auditor")
    response = page.goto(audit_path)
    assert response.status == 200
    assert heading(page).inner_text() == "Access log"
    checkpoint(page, "access-log")


def _child_to_find(server) -> tuple[str, str, str, int]:
    """A child's record (given, family, birth date) whose person has an open alert."""
    rows = query_demo_db(server, """
        SELECT pr.given_name, pr.family_name, pr.birth_date, rl.person_id
        FROM records_personrecord pr
        JOIN signpost_recordlink rl ON rl.record_id = pr.id
        JOIN signpost_person p ON p.id = rl.person_id AND NOT p.shielded
        JOIN alerts_alert_people ap ON ap.person_id = rl.person_id
        JOIN alerts_alert a ON a.id = ap.alert_id AND a.status = 'open'
        WHERE pr.is_child AND pr.given_name != '' AND pr.family_name != '' AND pr.birth_date IS NOT NULL
        ORDER BY rl.person_id, pr.id LIMIT 1""")
    assert rows, "the demo data has no child with an open alert"
    return rows[0]


def test_find_a_misspelt_child_then_the_auditor_sees_the_visit(page, server, sign_in, checkpoint):
    """The issue's "done when": a misspelt search, who else is involved, the chronology and an
    alert on the child's page, then the auditor sees that visit in the access log."""
    given, family, born, person_id = _child_to_find(server)
    year, month, day = born.split("-")
    sign_in(page, "demo-safeguarding-lead")
    page.goto(reverse("signpost:search"))
    checkpoint(page, "search")

    # No reason, no search. A typo in both names, as issue 13 asks ("Jesica Tompson").
    page.get_by_label("Given name").fill(misspelt(given))
    page.get_by_label("Family name").fill(misspelt(family))
    page.get_by_label("Day").fill(day)
    page.get_by_label("Month").fill(month)
    page.get_by_label("Year").fill(year)
    page.get_by_role("button", name="Search").click()
    page.wait_for_load_state("networkidle")
    assert "Select the lawful reason" in page.locator(".govuk-error-summary").inner_text()
    checkpoint(page, "search-without-reason")

    page.get_by_label("Child protection enquiry").check()
    page.get_by_role("button", name="Search").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", name="Results").is_visible()
    assert "Reason recorded: Child protection enquiry" in page.locator("main").inner_text()
    # results first, above the form; the evidence in words; the reason asked afresh
    results_top = page.get_by_role("heading", name="Results").bounding_box()["y"]
    assert results_top < page.get_by_role("heading", name="Search again").bounding_box()["y"]
    assert results_top < page.viewport_size["height"]
    assert "same birth date" in page.locator("main").inner_text().lower()
    assert page.locator("input[name=reason]:checked").count() == 0
    checkpoint(page, "results")

    # the result opens the child for the search's own reason (one read, one reason)
    page.locator(f"a[href='{reverse('chronology:child', args=[person_id])}?reason=s47']").click()
    page.wait_for_load_state("networkidle")
    assert given in heading(page).inner_text() and family in heading(page).inner_text()
    assert page.get_by_role("heading", name="Who is working with this child").is_visible()
    assert page.get_by_role("heading", name="Chronology").is_visible()
    assert page.locator("main table").count() >= 1  # the signposts and the chronology
    alerts = page.get_by_role("heading", name="Open alerts")
    assert alerts.is_visible() and page.locator(f"a[href^='{reverse('alerts:alerts')}']").count() >= 1
    checkpoint(page, "child")

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state("networkidle")
    sign_in(page, "demo-auditor")
    page.goto(f"{reverse('audit:audit')}?person_id={person_id}")
    log = page.locator("main").inner_text()
    assert "demo-safeguarding-lead" in log and "View a child" in log and "s47" in log
    checkpoint(page, "audit-of-the-visit")


def test_a_practitioner_cannot_open_another_agencys_child(page, server, sign_in, checkpoint):
    """A forged address is refused with the reason, and no case detail."""
    rows = query_demo_db(server, """
        SELECT rl.person_id FROM signpost_recordlink rl
        JOIN signpost_person p ON p.id = rl.person_id AND NOT p.shielded
        GROUP BY rl.person_id
        HAVING SUM(CASE WHEN rl.record_id IN (
            SELECT pr.id FROM records_personrecord pr
            JOIN records_sourcesystem s ON s.id = pr.source_system_id
            JOIN accounts_profile pf ON pf.agency_id = s.agency_id
            JOIN auth_user u ON u.id = pf.user_id AND u.username = 'demo-practitioner') THEN 1 ELSE 0 END) = 0
        ORDER BY rl.person_id LIMIT 1""")
    assert rows, "every demo child is held by the demo practitioner's agency"
    sign_in(page, "demo-practitioner")
    response = page.goto(f"{reverse('chronology:child', args=[rows[0][0]])}?reason=health")
    assert response.status == 403
    assert "agency holds no record of this child" in page.locator("main").inner_text()
    checkpoint(page, "another-agencys-child")


def test_acknowledge_an_alert(page, server, sign_in, checkpoint):
    rows = query_demo_db(server, "SELECT id FROM alerts_alert WHERE status = 'open' AND route = 'hub' "
                                 "ORDER BY id LIMIT 1")
    assert rows, "the demo data has no open alert for the hub"
    alert_path = reverse("alerts:alert", args=[rows[0][0]])
    sign_in(page, "demo-hub-officer")
    page.goto(reverse("alerts:alerts"))
    checkpoint(page, "alerts")
    page.goto(alert_path)
    checkpoint(page, "alert")
    page.get_by_role("button", name=re.compile("acknowledge", re.IGNORECASE)).click()
    page.wait_for_load_state("networkidle")
    assert re.search(r"\backnowledged\b", page.locator("main").inner_text(), re.IGNORECASE)
    checkpoint(page, "acknowledged")
    status = query_demo_db(server, "SELECT status FROM alerts_alert WHERE id = ?", rows[0][0])
    assert status == [("acknowledged",)]


def test_an_analyst_sees_partnership_figures_and_no_child(page, sign_in, checkpoint):
    sign_in(page, "demo-analyst")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Partnership figures").click()
    page.wait_for_load_state("networkidle")
    assert heading(page).inner_text() == "Partnership figures"
    assert page.locator("main table").count() >= 3
    assert page.locator("a[href^='/children/']").count() == 0
    checkpoint(page, "partnership-figures")


def test_an_administrator_manages_agencies_and_users(page, sign_in, checkpoint):
    sign_in(page, "demo-administrator")
    page.get_by_role("link", name="Agencies").click()
    page.wait_for_load_state("networkidle")
    assert heading(page).inner_text() == "Agencies"
    checkpoint(page, "agencies")
    page.locator("main table a").first.click()
    page.wait_for_load_state("networkidle")
    checkpoint(page, "agency")
    page.goto(reverse("accounts:users"))
    page.locator("main table a").first.click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("button", name=re.compile("Save", re.IGNORECASE)).first.is_visible()
    checkpoint(page, "user")


OWN_PASSWORD = "tuesday-kettle-lantern-47"


def test_a_forgotten_password_a_temporary_one_then_the_users_own(page, sign_in, checkpoint):
    """Last in the file: it changes demo-analyst's password on this session's server."""
    sign_in(page, "demo-administrator")
    page.goto(reverse("accounts:users"))
    page.get_by_role("link", name="demo-analyst", exact=True).click()
    page.get_by_role("button", name=re.compile("Set a temporary password")).click()
    page.wait_for_load_state("networkidle")
    checkpoint(page, "temporary-password-asked")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state("networkidle")
    # recovering an account needs a second administrator, who sees the password once
    sign_in(page, "demo-administrator-2")
    page.goto(reverse("accounts:requests"))
    page.get_by_role("button", name="Approve").first.click()
    page.wait_for_load_state("networkidle")
    checkpoint(page, "temporary-password")
    temporary = page.locator("main code").inner_text().strip()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state("networkidle")

    sign_in(page, "demo-analyst", password=temporary)
    page.wait_for_url(re.compile(r"/account/password/"))  # nothing else until they choose their own
    assert "An administrator gave you a temporary password" in page.locator("main").inner_text()
    checkpoint(page, "change-password")
    page.get_by_label("Current password").fill(temporary)
    # the analyst's last sign-in in this file; the demo's own password is too like the username
    page.get_by_label("New password", exact=True).fill(OWN_PASSWORD)
    page.get_by_label("Confirm new password").fill(OWN_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    page.wait_for_load_state("networkidle")
    assert heading(page).inner_text() == HOME_HEADING, page.url  # on to where sign-in was going
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Partnership figures").click()
    page.wait_for_load_state("networkidle")
    assert heading(page).inner_text() == "Partnership figures"


def test_a_new_user_enrols_their_own_authenticator(page, server, checkpoint):
    """Issue 13, item 6: the QR code (and the key as text) at first sign-in; a code from the app
    finishes the enrolment, and the user lands home."""
    import base64

    from django_otp.oath import TOTP

    done = server.jigsaw("createuser", "new-nurse", "--role", "practitioner", "--password-stdin",
                         env=server.env, input="a-long-enough-passphrase-9\n")
    assert done.returncode == 0 and "otpauth" not in done.stdout, done.stderr
    page.goto("/sign-in/")
    page.get_by_label("Username").fill("new-nurse")
    page.get_by_label("Password").fill("a-long-enough-passphrase-9")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(r"/sign-in/code/"))
    assert heading(page).inner_text() == "Set up your authenticator app"
    assert page.locator("main svg[role=img]").is_visible()
    checkpoint(page, "enrol")
    page.get_by_text("I cannot scan the QR code").click()
    key = base64.b32decode(page.locator("#secret").inner_text().replace(" ", ""))
    totp = TOTP(key)
    page.get_by_label("Enter the code from your authenticator app").fill(f"{totp.token():06d}")
    page.get_by_role("button", name="Finish setting up and sign in").click()
    page.wait_for_load_state("networkidle")
    assert "/sign-in/" not in page.url
    checkpoint(page, "enrolled-home")
