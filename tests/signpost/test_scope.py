"""A practitioner sees a child in their own agency's context (jigsaw.signpost.scope), on both databases.

The hand-written partnership (tests/signpost): the GP surgery (Riverside Surgery) holds Olivia,
Amelia, a cousin and a fourth girl; children's social care holds Olivia, Amelia and Jack Turner.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from jigsaw.accounts.roles import Role
from jigsaw.audit.models import AccessEntry
from jigsaw.records.models import Agency, Involvement
from jigsaw.signpost.scope import agencies_involved, may_open, scope_of
from tests.accounts.admin_support import agency_form
from tests.accounts.support import verified_client
from tests.conftest import BOTH
from tests.signpost import person_of
from tests.web.support import make_alert, page_of, search_form

pytestmark = pytest.mark.django_db(databases=BOTH)

GP = "Riverside Surgery"
CSC = "Northtown Children's Services"


def test_agencies_involved_come_from_records_and_involvements(loaded):
    olivia, jack = person_of("csc", "C1", loaded), person_of("csc", "C3", loaded)
    ids = dict(Agency.objects.using(loaded).values_list("name", "pk"))
    found = agencies_involved([olivia, jack], loaded)
    assert found[olivia] == {ids[GP], ids[CSC]}
    assert found[jack] == {ids[CSC]}
    # an involvement naming the GP surgery, in another case, involves the surgery
    Involvement.objects.using(loaded).filter(person__record_key="C3").update(agency=GP.upper())
    assert agencies_involved([jack], loaded)[jack] == {ids[CSC], ids[GP]}


def test_an_involvement_naming_an_agency_by_its_former_name_still_involves_it(loaded, make_user):
    jack = person_of("csc", "C3", loaded)
    Involvement.objects.using(loaded).filter(person__record_key="C3").update(agency=GP)
    gp = Agency.objects.using(loaded).get(name=GP)
    client = verified_client(make_user(Role.PRACTITIONER, agency=GP))
    assert client.get(reverse("chronology:child", args=[jack])).status_code == 200
    as_admin = verified_client(make_user(Role.ADMINISTRATOR))
    renamed = as_admin.post(reverse("accounts:agency", args=[gp.pk]),
                            agency_form(gp, name="Riverside Medical Practice"))
    assert renamed.status_code == 302
    assert Agency.objects.using(loaded).get(pk=gp.pk).former_names == [GP]
    assert client.get(reverse("chronology:child", args=[jack])).status_code == 200  # the feed's rows say GP


def test_a_gp_practitioner_sees_the_gp_events_and_every_signpost(loaded, make_user):
    olivia = person_of("csc", "C1", loaded)
    make_alert(loaded, olivia)
    client = verified_client(make_user(Role.PRACTITIONER, username="gp-nurse", agency=GP))
    page = page_of(client.get(reverse("chronology:child", args=[olivia]), {"reason": "health"}))
    assert "Olivia Bennett" in page and "Bruise on arm" in page and "Weight check" in page
    assert "Seen alone" not in page  # social care's home visit stays with social care
    assert "Showing 4 of 4 events" in page and "1 event held by other agencies is not shown" in page
    assert "Priya Shah" in page and "0161 555 0101" in page  # who else is involved: all agencies
    assert "ED attendance" not in page and "Open alerts" not in page  # alerts are the hub's work
    entry = AccessEntry.objects.using(loaded).get(action="view_child", actor="gp-nurse")
    assert (entry.person_id, entry.agency) == (olivia, GP)


def test_the_whole_picture_is_unchanged_for_the_hub(loaded, make_user):
    olivia = person_of("csc", "C1", loaded)
    make_alert(loaded, olivia)
    client = verified_client(make_user(Role.HUB_OFFICER, agency=CSC))
    page = page_of(client.get(reverse("chronology:child", args=[olivia]), {"reason": "s47"}))
    assert "Seen alone" in page and "Bruise on arm" in page and "ED attendance" in page
    assert "Showing 5 of 5 events" in page and "held by other agencies" not in page


def test_another_agencys_child_is_refused_and_the_attempt_logged(loaded, make_user):
    jack = person_of("csc", "C3", loaded)  # only social care holds Jack
    client = verified_client(make_user(Role.PRACTITIONER, username="gp-nurse", agency=GP))
    response = client.get(reverse("chronology:child", args=[jack]), {"reason": "health"})
    page = response.content.decode()
    assert response.status_code == 403 and "Your agency holds no record of this child" in page
    assert "Jack" not in page and "Turner" not in page and "Sam Patel" not in page
    assert not AccessEntry.objects.using(loaded).filter(action="view_child").exists()
    refused = AccessEntry.objects.using(loaded).get(action="refused")
    assert (refused.actor, refused.person_id, refused.agency) == ("gp-nurse", jack, GP)
    assert refused.detail["view"] == "chronology:child" and "no record" in refused.detail["why"]


def test_a_practitioner_without_an_agency_opens_no_child(loaded, make_user):
    olivia = person_of("csc", "C1", loaded)
    user = make_user(Role.PRACTITIONER)
    assert may_open(scope_of(user, loaded), [olivia], loaded) == set()
    response = verified_client(user).get(reverse("chronology:child", args=[olivia]), {"reason": "s17"})
    assert response.status_code == 403


def test_search_shows_signposts_but_no_link_to_another_agencys_child(loaded, make_user):
    jack = person_of("csc", "C3", loaded)
    client = verified_client(make_user(Role.PRACTITIONER, agency=GP))
    response = client.post(reverse("signpost:search"), search_form(
        reason="health", given_name="Jack", family_name="Turner",
        **{"dob-day": "2", "dob-month": "1", "dob-year": "2016"}))
    page = page_of(response)
    assert response.status_code == 200 and "Sam Patel" in page  # who to contact
    assert reverse("chronology:child", args=[jack]) not in page
    assert "Your agency holds no record of this child" in page


def test_the_household_view_keeps_to_the_agencys_own_people_and_events(loaded, make_user):
    olivia, amelia = person_of("csc", "C1", loaded), person_of("csc", "C2", loaded)
    client = verified_client(make_user(Role.PRACTITIONER, username="csc-worker", agency=CSC))
    page = page_of(client.get(reverse("chronology:child", args=[olivia]),
                              {"reason": "s17", "view": "household"}))
    assert "Seen alone" in page and "Bruise on arm" not in page and "Weight check" not in page
    shown = set(AccessEntry.objects.using(loaded).filter(action="view_chronology", actor="csc-worker")
                .values_list("person_id", flat=True))
    assert shown <= {amelia}  # only household members social care itself holds


def test_a_practitioners_export_keeps_to_the_agency_too(loaded, make_user):
    olivia = person_of("csc", "C1", loaded)
    client = verified_client(make_user(Role.PRACTITIONER, agency=GP))
    text = client.get(reverse("chronology:chronology-export", args=[olivia, "csv"]), {"reason": "health"})
    body = text.content.decode()
    assert text.status_code == 200 and "Bruise on arm" in body and "Seen alone" not in body
