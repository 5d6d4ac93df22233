"""Agency administration: list, add, rename, validate, deactivate (never delete); every change logged."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from jigsaw.accounts.roles import Role
from jigsaw.accounts.services import AccountError, create_user
from jigsaw.records.models import Agency, SourceSystem
from tests.accounts.admin_support import SCRIPT, admin_entries, agency_form, check_structure, user_form
from tests.accounts.support import PASSWORD, verified_client
from tests.conftest import BOTH

pytestmark = pytest.mark.django_db(databases=BOTH)


@pytest.fixture
def health(web_db) -> Agency:
    return Agency.objects.using(web_db).create(name="Leeds Health", agency_type="health")


def test_the_list_shows_type_active_users_and_source_systems(as_admin, make_user, health, web_db):
    SourceSystem.objects.using(web_db).create(code="gp_leeds", name="GP practices", agency=health)
    Agency.objects.using(web_db).create(name="West Yorkshire Police", agency_type="police", is_active=False)
    make_user(Role.PRACTITIONER, agency="Leeds Health")
    gone = make_user(Role.PRACTITIONER, agency="Leeds Health")
    gone.is_active = False
    gone.save(using=web_db)
    response = as_admin.get(reverse("accounts:agencies"))
    assert response.status_code == 200
    html = response.content.decode()
    page = check_structure(html)
    assert page.classes["govuk-table"] == 1 and "Add an agency" in html
    row = html[html.index("Leeds Health"):html.index("West Yorkshire Police")]
    assert "Health" in row and "gp_leeds" in row and "GP practices" in row
    assert ">1<span class=\"govuk-visually-hidden\"> active users of Leeds Health" in row
    assert "Deactivated" in html[html.index("West Yorkshire Police"):]
    assert reverse("accounts:agency", args=[health.pk]) in html
    assert 'href="/agencies/"' in html and "Agencies</strong>" in html  # navigation, this page current


def test_an_administrator_adds_an_agency_and_it_is_logged(as_admin, web_db):
    form = as_admin.get(reverse("accounts:new-agency"))
    assert form.status_code == 200
    check_structure(form.content.decode())
    response = as_admin.post(reverse("accounts:new-agency"), agency_form(
        name="  Leeds   Children's Social Care ", agency_type="social_care",
        safeguarding_team="Duty and advice", safeguarding_phone="0113 496 0000",
        safeguarding_email="duty@leeds.example.gov.uk"))
    agency = Agency.objects.using(web_db).get()
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:agency", args=[agency.pk])
    assert agency.name == "Leeds Children's Social Care" and agency.is_active
    assert agency.safeguarding_phone == "0113 496 0000"
    [entry] = admin_entries(web_db)
    assert entry.actor == "the-admin" and entry.role == Role.ADMINISTRATOR
    assert entry.detail["operation"] == "create_agency" and entry.detail["agency_id"] == agency.pk
    assert entry.detail["changes"]["agency_name"] == {"old": None, "new": "Leeds Children's Social Care"}
    assert entry.detail["changes"]["agency_type"] == {"old": None, "new": "social_care"}
    assert set(entry.detail["fields"]) >= {"safeguarding_phone", "safeguarding_email", "safeguarding_team"}
    assert "0113" not in str(entry.detail)  # contact details are named, not copied
    page = as_admin.get(response["Location"]).content.decode()
    assert "Agency added" in page and "govuk-notification-banner" in page


def test_rename_and_retype(as_admin, health, web_db):
    response = as_admin.post(reverse("accounts:agency", args=[health.pk]),
                           agency_form(health, name="Leeds Community Health", agency_type="other"))
    assert response.status_code == 302
    health.refresh_from_db(using=web_db)
    assert (health.name, health.agency_type) == ("Leeds Community Health", "other")
    [entry] = admin_entries(web_db)
    assert entry.detail["operation"] == "edit_agency"
    assert entry.detail["fields"] == ["agency_name", "agency_type"]
    assert entry.detail["changes"] == {
        "agency_name": {"old": "Leeds Health", "new": "Leeds Community Health"},
        "agency_type": {"old": "health", "new": "other"}}


def test_saving_without_a_change_writes_nothing(as_admin, health, web_db):
    response = as_admin.post(reverse("accounts:agency", args=[health.pk]), agency_form(health))
    assert response.status_code == 302 and admin_entries(web_db) == []
    assert "Nothing was changed" in as_admin.get(response["Location"]).content.decode()


@pytest.mark.parametrize("name", ["leeds health", "  LEEDS   HEALTH ", "Leeds Health", "Leeds\u00a0Health"])
def test_a_duplicate_name_is_refused_whatever_its_case(as_admin, health, web_db, name):
    response = as_admin.post(reverse("accounts:new-agency"), agency_form(name=name))
    assert response.status_code == 400
    html = response.content.decode()
    check_structure(html)
    assert "govuk-error-summary" in html and "An agency called Leeds Health already exists" in html
    assert Agency.objects.using(web_db).count() == 1 and admin_entries(web_db) == []


def test_renaming_onto_another_agency_is_refused(as_admin, health, web_db):
    police = Agency.objects.using(web_db).create(name="West Yorkshire Police", agency_type="police")
    response = as_admin.post(reverse("accounts:agency", args=[police.pk]),
                             agency_form(police, name="LEEDS health"))
    assert response.status_code == 400 and "already exists" in response.content.decode()
    police.refresh_from_db(using=web_db)
    assert police.name == "West Yorkshire Police"


def test_changing_only_the_case_of_its_own_name_is_allowed(as_admin, health, web_db):
    response = as_admin.post(reverse("accounts:agency", args=[health.pk]),
                             agency_form(health, name="LEEDS HEALTH"))
    assert response.status_code == 302
    health.refresh_from_db(using=web_db)
    assert health.former_names == []  # the same name, as far as any feed is concerned


def _rename(client: Client, agency: Agency, name: str):
    return client.post(reverse("accounts:agency", args=[agency.pk]), agency_form(agency, name=name))


def test_a_renamed_agency_keeps_its_former_names_and_shows_them(as_admin, health, web_db):
    assert _rename(as_admin, health, "Leeds Community Health").status_code == 302
    health.refresh_from_db(using=web_db)
    assert _rename(as_admin, health, "Leeds Teaching Hospitals").status_code == 302
    health.refresh_from_db(using=web_db)
    assert health.former_names == ["Leeds Health", "Leeds Community Health"]
    page = as_admin.get(reverse("accounts:agency", args=[health.pk])).content.decode()
    assert "Former names" in page and "Leeds Health, Leeds Community Health" in page
    assert _rename(as_admin, health, "leeds health").status_code == 302  # back to an old name
    health.refresh_from_db(using=web_db)
    assert (health.name, health.former_names) == ("leeds health", ["Leeds Community Health",
                                                                   "Leeds Teaching Hospitals"])


def test_no_other_agency_may_take_a_former_name(as_admin, health, web_db):
    _rename(as_admin, health, "Leeds Community Health")
    police = Agency.objects.using(web_db).create(name="West Yorkshire Police", agency_type="police")
    for response in (as_admin.post(reverse("accounts:new-agency"), agency_form(name="LEEDS HEALTH")),
                     _rename(as_admin, police, "Leeds Health")):
        assert response.status_code == 400
        assert "is a former name of Leeds Community Health" in response.content.decode()
    assert sorted(Agency.objects.using(web_db).values_list("name", flat=True)) == [
        "Leeds Community Health", "West Yorkshire Police"]


@pytest.mark.parametrize(("changes", "message"), [
    ({"name": ""}, "Enter the agency&#x27;s name"),
    ({"name": "   "}, "Enter the agency&#x27;s name"),
    ({"name": "x" * 10_000}, "The agency&#x27;s name must be 100 characters or fewer"),
    ({"name": "Fine", "safeguarding_team": "t" * 10_000}, "The team&#x27;s name must be 200 characters"),
    ({"name": "Fine", "safeguarding_phone": "9 " * 5_000}, "Enter a telephone number"),
    ({"name": "Fine", "safeguarding_phone": "call me"}, "Enter a telephone number"),
    ({"name": "Fine", "safeguarding_email": "a@" + "b" * 10_000 + ".uk"}, "Enter an email address"),
    ({"name": "Fine", "safeguarding_email": "not an address"}, "Enter an email address in the correct"),
    ({"name": "Fine", "agency_type": "cia"}, "Select the type of agency"),
])
def test_bad_input_is_a_form_error_never_a_500(as_admin, web_db, changes, message):
    response = as_admin.post(reverse("accounts:new-agency"), agency_form(**changes))
    assert response.status_code == 400
    html = response.content.decode()
    assert "govuk-error-summary" in html and message in html
    check_structure(html)
    assert not Agency.objects.using(web_db).exists() and admin_entries(web_db) == []


def test_a_nul_in_a_name_is_refused_before_the_form(as_admin, web_db):
    """Every form's NUL is refused in one place (jigsaw.accounts.input_guard), this one's too."""
    response = as_admin.post(reverse("accounts:new-agency"), agency_form(name="Fine\x00"))
    assert response.status_code == 400 and "NUL character" in response.content.decode()
    assert not Agency.objects.using(web_db).exists() and admin_entries(web_db) == []


def test_a_script_in_a_name_is_shown_as_text(as_admin, make_user, web_db):
    response = as_admin.post(reverse("accounts:new-agency"), agency_form(name=SCRIPT))
    assert response.status_code == 302
    user = make_user(Role.PRACTITIONER, agency=SCRIPT)
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    for url in (reverse("accounts:agencies"), response["Location"], reverse("accounts:users"),
                reverse("accounts:user", args=[user.pk]), reverse("accounts:new-user")):
        html = as_admin.get(url).content.decode()
        assert SCRIPT not in html and escaped in html, url


def test_the_edit_page_is_a_summary_list_and_a_prefilled_form(as_admin, health, web_db):
    SourceSystem.objects.using(web_db).create(code="gp_leeds", agency=health)
    health.safeguarding_email = "duty@leeds.example.gov.uk"
    health.save(using=web_db)
    html = as_admin.get(reverse("accounts:agency", args=[health.pk])).content.decode()
    page = check_structure(html)
    assert page.classes["govuk-summary-list"] == 1 and page.classes["govuk-summary-list__row"] == 3
    assert "gp_leeds" in html and 'value="duty@leeds.example.gov.uk"' in html
    assert 'value="health" checked' in html and 'value="yes" checked' in html
    assert '<h1 class="govuk-heading-l">Leeds Health</h1>' in html


def test_deactivating_an_agency_deactivates_its_users_and_blocks_sign_in(as_admin, make_user, health, web_db):
    staff = make_user(Role.PRACTITIONER, agency="Leeds Health")
    other = make_user(Role.PRACTITIONER)
    session = verified_client(staff)
    assert session.get(reverse("home")).status_code == 200
    response = as_admin.post(reverse("accounts:agency", args=[health.pk]), agency_form(health, active="no"))
    assert response.status_code == 302
    assert "1 account deactivated" in as_admin.get(response["Location"]).content.decode()
    health.refresh_from_db(using=web_db)
    assert not health.is_active
    users = get_user_model().objects.db_manager(web_db)
    assert not users.get(pk=staff.pk).is_active and users.get(pk=other.pk).is_active
    # the open session is refused on its next request, and signing in again is refused
    assert session.get(reverse("home"))["Location"].startswith(reverse("accounts:sign-in"))
    refused = Client().post(reverse("accounts:sign-in"), {"username": staff.username, "password": PASSWORD})
    assert refused.status_code == 400 and "Enter a correct username and password" in refused.content.decode()
    [entry] = admin_entries(web_db)
    assert entry.detail["changes"] == {"active": {"old": True, "new": False}}
    assert entry.detail["users_deactivated"] == 1
    assert Agency.objects.using(web_db).filter(pk=health.pk).exists()  # never deleted


def test_no_user_can_be_made_or_reactivated_in_a_deactivated_agency(as_admin, make_user, health, web_db):
    staff = make_user(Role.PRACTITIONER, agency="Leeds Health")
    as_admin.post(reverse("accounts:agency", args=[health.pk]), agency_form(health, active="no"))
    health.refresh_from_db(using=web_db)
    new = as_admin.post(reverse("accounts:new-user"), {
        "username": "new-nurse", "password": "a-long-enough-password", "role": "practitioner",
        "agency": str(health.pk)})
    assert new.status_code == 400 and "Select an active agency from the list" in new.content.decode()
    assert f'value="{health.pk}"' not in as_admin.get(reverse("accounts:new-user")).content.decode()
    with pytest.raises(AccountError, match="deactivated"):
        create_user("cli-nurse", "a-long-enough-password", Role.PRACTITIONER, agency="Leeds Health",
                    using=web_db)
    # reactivating the agency does not reactivate its accounts; each is a decision of its own
    as_admin.post(reverse("accounts:agency", args=[health.pk]), agency_form(health, active="yes"))
    staff.refresh_from_db(using=web_db)
    assert not staff.is_active
    health.is_active = False
    health.save(using=web_db)
    again = as_admin.post(reverse("accounts:user", args=[staff.pk]), user_form(staff, active="yes"))
    assert again.status_code == 400 and "Leeds Health is deactivated" in again.content.decode()
    made = get_user_model().objects.db_manager(web_db).filter(username__in=["new-nurse", "cli-nurse"])
    assert not made.exists()


def test_an_administrator_cannot_deactivate_their_own_agency(make_user, health, web_db):
    admin = make_user(Role.ADMINISTRATOR, agency="Leeds Health")
    response = verified_client(admin).post(reverse("accounts:agency", args=[health.pk]),
                                           agency_form(health, active="no"))
    assert response.status_code == 400
    assert "You cannot deactivate your own agency" in response.content.decode()
    health.refresh_from_db(using=web_db)
    admin.refresh_from_db(using=web_db)
    assert health.is_active and admin.is_active and admin_entries(web_db) == []


def test_changes_need_the_csrf_token(admin, health, web_db):
    client = verified_client(admin)
    client.handler.enforce_csrf_checks = True
    response = client.post(reverse("accounts:agency", args=[health.pk]), agency_form(health, name="Changed"))
    assert response.status_code == 403
    health.refresh_from_db(using=web_db)
    assert health.name == "Leeds Health" and admin_entries(web_db) == []


def test_an_active_account_of_a_deactivated_agency_still_cannot_sign_in(make_user, health, web_db):
    """Say the account was switched back on by hand: the sign-in checks the agency itself."""
    staff = make_user(Role.PRACTITIONER, agency="Leeds Health")
    Agency.objects.using(web_db).filter(pk=health.pk).update(is_active=False)
    refused = Client().post(reverse("accounts:sign-in"), {"username": staff.username, "password": PASSWORD})
    assert refused.status_code == 400 and "Enter a correct username and password" in refused.content.decode()
    Agency.objects.using(web_db).filter(pk=health.pk).update(is_active=True)
    allowed = Client().post(reverse("accounts:sign-in"), {"username": staff.username, "password": PASSWORD})
    assert allowed.status_code == 302 and allowed["Location"].startswith(reverse("accounts:code"))


def test_a_name_differing_only_in_its_apostrophe_is_refused(as_admin, web_db):
    Agency.objects.using(web_db).create(name="St Mary's Hospital", agency_type="health")
    response = as_admin.post(reverse("accounts:new-agency"), agency_form(name="St Mary\u2019s Hospital"))
    assert response.status_code == 400
    assert "An agency called St Mary&#x27;s Hospital already exists" in response.content.decode()
    assert Agency.objects.using(web_db).count() == 1
