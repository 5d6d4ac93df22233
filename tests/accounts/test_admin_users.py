"""Editing users: role, agency, names, vetting dates, deactivation, authenticator reset; all logged."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from jigsaw.accounts import admin_views, enrolment
from jigsaw.accounts.roles import Role
from jigsaw.records.models import Agency
from tests.accounts.admin_support import SCRIPT, admin_entries, check_structure, second_approves, user_form
from tests.accounts.support import PASSWORD, code_now, verified_client
from tests.conftest import BOTH

pytestmark = pytest.mark.django_db(databases=BOTH)


@pytest.fixture
def agencies(web_db) -> dict[str, Agency]:
    return {a.name: a for a in (
        Agency.objects.using(web_db).create(name="Leeds Health", agency_type="health"),
        Agency.objects.using(web_db).create(name="Leeds Social Care", agency_type="social_care"))}


def _fresh(user, using: str):
    return get_user_model().objects.db_manager(using).select_related("profile__agency").get(pk=user.pk)


def _checked_lapsing_in(days: int) -> dt.date:
    """A check date whose vetting lapses ``days`` from today."""
    lapses = timezone.localdate() + dt.timedelta(days=days)
    years = settings.JIGSAW_VETTING_YEARS
    return lapses.replace(year=lapses.year - years, day=min(lapses.day, 28))


def test_the_edit_page_shows_the_user_and_a_prefilled_form(as_admin, make_user, agencies):
    nurse = make_user(Role.PRACTITIONER, username="nurse", agency="Leeds Health",
                      vetted_on=dt.date(2024, 3, 27), trained_on=dt.date(2024, 4, 2))
    response = as_admin.get(reverse("accounts:user", args=[nurse.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    page = check_structure(html)
    assert '<h1 class="govuk-heading-l">nurse</h1>' in html
    assert page.classes["govuk-summary-list"] == 1 and page.classes["govuk-summary-list__row"] == 7
    assert 'value="practitioner" checked' in html and 'value="yes" checked' in html
    assert f'value="{agencies["Leeds Health"].pk}" selected' in html
    assert 'id="vetted_on_0" name="vetted_on_0" type="text" inputmode="numeric" value="27"' in html
    assert 'id="trained_on_2" name="trained_on_2" type="text" inputmode="numeric" value="2024"' in html
    assert "Reset authenticator" in html and "govuk-button--warning" in html
    assert len([f for f in page.forms if f.get("method") == "post"]) == 4  # edit, password, reset, sign-out


def test_an_administrator_changes_role_agency_names_and_dates(as_admin, make_user, agencies, web_db):
    nurse = make_user(Role.PRACTITIONER, agency="Leeds Health", vetted_on=dt.date(2022, 1, 5),
                      trained_on=dt.date(2022, 1, 6))
    response = as_admin.post(reverse("accounts:user", args=[nurse.pk]), user_form(
        nurse, role="social_worker", agency=agencies["Leeds Social Care"].pk, first_name="Ada",
        last_name="Lovelace", vetted_on=dt.date(2025, 2, 1), trained_on=dt.date(2025, 2, 3)))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:user", args=[nurse.pk])
    user = _fresh(nurse, web_db)
    assert user.profile.role == Role.SOCIAL_WORKER and user.profile.agency.name == "Leeds Social Care"
    assert user.get_full_name() == "Ada Lovelace"
    assert user.profile.vetting_checked_on == dt.date(2025, 2, 1)
    assert user.profile.training_completed_on == dt.date(2025, 2, 3)
    [entry] = admin_entries(web_db)
    assert entry.actor == "the-admin" and entry.detail["operation"] == "edit_user"
    assert entry.detail["user"] == nurse.username and entry.detail["user_id"] == nurse.pk
    assert sorted(entry.detail["fields"]) == ["agency", "first_name", "last_name", "role", "trained_on",
                                              "vetted_on"]
    assert entry.detail["changes"] == {
        "role": {"old": "practitioner", "new": "social_worker"},
        "agency": {"old": "Leeds Health", "new": "Leeds Social Care"},
        "vetted_on": {"old": "2022-01-05", "new": "2025-02-01"},
        "trained_on": {"old": "2022-01-06", "new": "2025-02-03"}}
    assert "Ada" not in json.dumps(entry.detail)  # names are listed as changed, not copied
    assert "Changes saved" in as_admin.get(response["Location"]).content.decode()


def test_saving_without_a_change_writes_nothing(as_admin, make_user, web_db):
    nurse = make_user(Role.PRACTITIONER)
    response = as_admin.post(reverse("accounts:user", args=[nurse.pk]), user_form(nurse))
    assert response.status_code == 302 and admin_entries(web_db) == []


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"role": "superuser"}, "role", "Select a role"),
    ({"agency": "999999"}, "agency", "Select an active agency from the list"),
    ({"agency": "not-a-number"}, "agency", "Select an active agency from the list"),
    ({"active": "maybe"}, "active", "Select whether the account is active"),
    ({"vetted_on": dt.date(2100, 1, 1)}, "vetted_on", "The date must be today or in the past"),
    ({"vetted_on_0": "31", "vetted_on_1": "2", "vetted_on_2": "2024"}, "vetted_on", "Enter a real date"),
    ({"trained_on_0": "", "trained_on_1": "2", "trained_on_2": "2024"}, "trained_on", "Enter a day, month"),
    ({"first_name": "x" * 10_000}, "first_name", "First name must be 150 characters or fewer"),
    ({"last_name": "x" * 10_000}, "last_name", "Last name must be 150 characters or fewer"),
    ({"vetted_on_2": "99999"}, "vetted_on", "Enter a real date"),
    ({"vetted_on_2": "1850"}, "vetted_on", "Enter a real date"),
    ({"vetted_on_0": "x"}, "vetted_on", "Enter a real date"),
])
def test_bad_input_is_a_gov_uk_error_never_a_500(as_admin, make_user, web_db, changes, field, message):
    nurse = make_user(Role.PRACTITIONER)
    response = as_admin.post(reverse("accounts:user", args=[nurse.pk]), user_form(nurse, **changes))
    assert response.status_code == 400
    html = response.content.decode()
    check_structure(html)
    assert f'<li><a href="#{field}">{message}' in html  # in the summary, linked to the field
    assert "govuk-form-group--error" in html and admin_entries(web_db) == []


def test_a_script_in_a_name_is_shown_as_text(as_admin, make_user, web_db):
    nurse = make_user(Role.PRACTITIONER)
    as_admin.post(reverse("accounts:user", args=[nurse.pk]), user_form(nurse, first_name=SCRIPT))
    assert _fresh(nurse, web_db).first_name == SCRIPT
    for url in (reverse("accounts:users"), reverse("accounts:user", args=[nurse.pk])):
        html = as_admin.get(url).content.decode()
        assert SCRIPT not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_deactivated_users_session_is_refused_on_its_next_request(as_admin, make_user, web_db):
    nurse = make_user(Role.PRACTITIONER)
    session = verified_client(nurse)
    assert session.get(reverse("signpost:search")).status_code == 200
    response = as_admin.post(reverse("accounts:user", args=[nurse.pk]), user_form(nurse, active="no"))
    assert response.status_code == 302 and not _fresh(nurse, web_db).is_active
    refused = session.get(reverse("signpost:search"))
    assert refused.status_code == 302 and refused["Location"].startswith(reverse("accounts:sign-in"))
    sign_in = Client().post(reverse("accounts:sign-in"), {"username": nurse.username, "password": PASSWORD})
    assert sign_in.status_code == 400
    [entry] = admin_entries(web_db)
    assert entry.detail["fields"] == ["active"]
    assert entry.detail["changes"] == {"active": {"old": True, "new": False}}
    # reactivated, they can sign in again
    as_admin.post(reverse("accounts:user", args=[nurse.pk]), user_form(_fresh(nurse, web_db), active="yes"))
    again = Client()
    step = again.post(reverse("accounts:sign-in"), {"username": nurse.username, "password": PASSWORD})
    assert step.status_code == 302 and step["Location"].startswith(reverse("accounts:code"))
    assert len(admin_entries(web_db)) == 2
    listed = as_admin.get(reverse("accounts:users") + "?status=active").content.decode()
    assert nurse.username in listed


def test_an_administrator_cannot_deactivate_or_demote_themselves(as_admin, admin, web_db):
    for changes, message in (({"active": "no"}, "You cannot deactivate your own account"),
                             ({"role": "auditor"}, "You cannot change your own role")):
        response = as_admin.post(reverse("accounts:user", args=[admin.pk]), user_form(admin, **changes))
        assert response.status_code == 400
        assert message in response.content.decode() and "govuk-error-summary" in response.content.decode()
    user = _fresh(admin, web_db)
    assert user.is_active and user.profile.role == Role.ADMINISTRATOR and admin_entries(web_db) == []
    page = as_admin.get(reverse("accounts:user", args=[admin.pk])).content.decode()
    assert "This is your own account" in page
    # their own name and dates they may change
    response = as_admin.post(reverse("accounts:user", args=[admin.pk]), user_form(admin, first_name="Grace"))
    assert response.status_code == 302


def test_another_administrator_can_demote_an_administrator(as_admin, make_user, web_db):
    other = make_user(Role.ADMINISTRATOR)
    response = as_admin.post(reverse("accounts:user", args=[other.pk]), user_form(other, role="auditor",
                                                                                   active="no"))
    assert response.status_code == 302
    user = _fresh(other, web_db)
    assert user.profile.role == Role.AUDITOR and not user.is_active


def test_resetting_the_authenticator_invalidates_the_old_device(as_admin, make_user, web_db):
    nurse = make_user(Role.PRACTITIONER)
    session = verified_client(nurse)
    old_device = TOTPDevice.objects.using(web_db).get(user=nurse)
    old_code = code_now(nurse)
    assert as_admin.post(reverse("accounts:reset-authenticator", args=[nurse.pk])).status_code == 200
    assert TOTPDevice.objects.using(web_db).get(user=nurse).pk == old_device.pk  # not until approved
    response = second_approves(make_user, web_db)
    assert response.status_code == 200
    html = response.content.decode()
    check_structure(html)
    assert "Authenticator reset" in html and "govuk-panel--confirmation" in html
    assert "otpauth://" not in html and "secret=" not in html  # the user enrols it; no administrator sees it
    assert response["Cache-Control"].startswith("max-age=0") and "no-store" in response["Cache-Control"]
    [device] = TOTPDevice.objects.using(web_db).filter(user=nurse)
    assert device.pk != old_device.pk and device.bin_key != old_device.bin_key and not device.confirmed
    assert device.key not in html and enrolment.secret_text(device) not in html
    # the session verified with the old device must enter a code again; the old codes match nothing
    refused = session.get(reverse("signpost:search"))
    assert refused.status_code == 302 and refused["Location"].startswith(reverse("accounts:code"))
    if old_code != code_now(nurse):
        assert match_token(nurse, old_code) is None
    entry = admin_entries(web_db)[-1]
    assert (entry.detail["operation"], entry.detail["user"]) == ("reset_authenticator", nurse.username)
    assert device.key not in json.dumps(entry.detail)


def test_resetting_is_post_only_and_needs_a_real_user(as_admin):
    assert as_admin.get(reverse("accounts:reset-authenticator", args=[1])).status_code == 405
    assert as_admin.post(reverse("accounts:reset-authenticator", args=[2**31 - 1])).status_code == 404
    assert as_admin.get(reverse("accounts:user", args=[2**31 - 1])).status_code == 404
    assert as_admin.get(reverse("accounts:user", args=[10**25])).status_code == 404  # past a bigint
    assert as_admin.get(reverse("accounts:agency", args=[10**25])).status_code == 404


def test_adding_a_user_is_logged_without_the_password(as_admin, agencies, web_db):
    response = as_admin.post(reverse("accounts:new-user"), {
        "username": "new-lead", "password": "a-long-enough-password", "role": "safeguarding_lead",
        "agency": str(agencies["Leeds Social Care"].pk), "vetted_on_0": "2", "vetted_on_1": "1",
        "vetted_on_2": "2024"})
    assert response.status_code == 200 and "User added" in response.content.decode()
    entry = admin_entries(web_db)[0]  # then the request for a second administrator to give case access
    assert entry.detail["operation"] == "create_user" and entry.detail["user"] == "new-lead"
    assert entry.detail["changes"] == {
        "role": {"old": None, "new": "safeguarding_lead"},
        "agency": {"old": None, "new": "Leeds Social Care"},
        "active": {"old": None, "new": True}, "vetted_on": {"old": None, "new": "2024-01-02"}}
    text = json.dumps(entry.detail)
    assert "a-long-enough-password" not in text and "secret" not in text and "otpauth" not in text


def test_a_refused_new_user_writes_no_log_entry(as_admin, make_user, web_db):
    make_user(Role.PRACTITIONER, username="taken")
    response = as_admin.post(reverse("accounts:new-user"), {
        "username": "taken", "password": "a-long-enough-password", "role": "practitioner"})
    assert response.status_code == 400 and "already exists" in response.content.decode()
    assert '<li><a href="#username">' in response.content.decode()
    weak = as_admin.post(reverse("accounts:new-user"), {
        "username": "weak", "password": "password", "role": "practitioner"})
    assert weak.status_code == 400 and '<li><a href="#password">' in weak.content.decode()
    check_structure(weak.content.decode())
    assert admin_entries(web_db) == []


def test_the_list_shows_vetting_status_and_links_to_each_user(as_admin, make_user):
    today = timezone.localdate()
    make_user(Role.SOCIAL_WORKER, username="current-sw", vetted_on=today - dt.timedelta(days=100))
    make_user(Role.SOCIAL_WORKER, username="due-sw", vetted_on=_checked_lapsing_in(30))
    make_user(Role.SOCIAL_WORKER, username="lapsed-sw", vetted_on=dt.date(2015, 1, 1))
    never = make_user(Role.ANALYST, username="never-vetted", vetted_on=None)
    html = as_admin.get(reverse("accounts:users")).content.decode()
    check_structure(html)

    def row(username: str) -> str:
        start = html.index(f">{username}</a>")
        return html[start:html.index("</tr>", start)]

    assert "govuk-tag--green\">Current" in row("current-sw")
    assert "govuk-tag--yellow\">Lapses soon" in row("due-sw")
    assert "govuk-tag--red\">Lapsed" in row("lapsed-sw")
    assert "None recorded" in row("never-vetted")
    assert f'href="{reverse("accounts:user", args=[never.pk])}"' in html


def test_the_list_filters_by_agency_role_and_status(as_admin, make_user, agencies):
    make_user(Role.PRACTITIONER, username="health-nurse", agency="Leeds Health")
    make_user(Role.SOCIAL_WORKER, username="care-sw", agency="Leeds Social Care")
    make_user(Role.PRACTITIONER, username="care-prac", agency="Leeds Social Care")
    users = reverse("accounts:users")

    def shown(query: str) -> set[str]:
        html = as_admin.get(users + query).content.decode()
        check_structure(html)
        names = ("health-nurse", "care-sw", "care-prac", "the-admin")
        return {name for name in names if f">{name}</a>" in html}

    care = agencies["Leeds Social Care"].pk
    assert shown("") == {"health-nurse", "care-sw", "care-prac", "the-admin"}
    assert shown(f"?agency={care}") == {"care-sw", "care-prac"}
    assert shown(f"?agency={care}&role=practitioner") == {"care-prac"}
    assert shown("?role=practitioner") == {"health-nurse", "care-prac"}
    assert shown("?agency=none") == {"the-admin"}
    assert shown("?agency=oops&role=<script>") == {"health-nurse", "care-sw", "care-prac", "the-admin"}
    assert shown("?status=inactive") == set()
    page = as_admin.get(f"{users}?agency={care}").content.decode()
    assert f'<option value="{care}" selected>' in page and "Clear filters" in page


def test_the_list_is_paged(as_admin, make_user, monkeypatch):
    monkeypatch.setattr(admin_views, "PAGE_SIZE", 2)
    for i in range(4):
        make_user(Role.PRACTITIONER, username=f"nurse-{i}")
    first = as_admin.get(reverse("accounts:users") + "?role=practitioner").content.decode()
    assert "nurse-0" in first and "nurse-2" not in first and "govuk-pagination" in first
    assert 'href="?role=practitioner&amp;page=2"' in first
    second = as_admin.get(reverse("accounts:users") + "?role=practitioner&page=2").content.decode()
    assert "nurse-2" in second and "nurse-0" not in second
    assert as_admin.get(reverse("accounts:users") + "?page=999").status_code == 200


def test_every_change_is_refused_without_the_csrf_token(admin, make_user, web_db):
    nurse = make_user(Role.PRACTITIONER)
    client = verified_client(admin)
    client.handler.enforce_csrf_checks = True
    response = client.post(reverse("accounts:user", args=[nurse.pk]), user_form(nurse, active="no"))
    assert response.status_code == 403
    assert client.post(reverse("accounts:reset-authenticator", args=[nurse.pk])).status_code == 403
    assert _fresh(nurse, web_db).is_active and admin_entries(web_db) == []


def test_the_new_user_page_follows_the_gov_uk_form_pattern(as_admin, agencies):
    html = as_admin.get(reverse("accounts:new-user")).content.decode()
    page = check_structure(html)
    assert page.classes["govuk-radios__input"] == len(Role.values)
    assert page.classes["govuk-date-input"] == 2
    assert "Leeds Health" in html and "Leeds Social Care" in html


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"username": "u" * 10_000}, "username", "Use 3 to 150 letters"),
    ({"username": SCRIPT}, "username", "Use 3 to 150 letters"),
    ({"password": "p" * 10_000}, "password", "Use a password of 128 characters or fewer"),
])
def test_oversized_new_user_input_is_a_form_error(as_admin, web_db, changes, field, message):
    data = {"username": "fine-name", "password": "a-long-enough-password", "role": "practitioner"} | changes
    response = as_admin.post(reverse("accounts:new-user"), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert f'<li><a href="#{field}">{message}' in html and SCRIPT not in html
    check_structure(html)
    assert admin_entries(web_db) == []


@pytest.mark.parametrize("changes", [
    {"agency": "9" * 10_000}, {"agency": "9" * 25}, {"vetted_on_2": "9" * 10_000}])
def test_a_number_past_any_column_is_refused_before_the_form(as_admin, web_db, changes):
    """No column holds it (a bigint has 19 digits): refused for every form in one place
    (jigsaw.accounts.input_guard), this one's too."""
    data = {"username": "fine-name", "password": "a-long-enough-password", "role": "practitioner"} | changes
    response = as_admin.post(reverse("accounts:new-user"), data)
    assert response.status_code == 400 and "longer than any Jigsaw stores" in response.content.decode()
    assert admin_entries(web_db) == []
