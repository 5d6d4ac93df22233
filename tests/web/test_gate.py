"""Findings 2-7 and 12 of the security review, each as the user met it (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from jigsaw.accounts.roles import Role
from jigsaw.alerts import lifecycle
from jigsaw.alerts.models import Alert
from jigsaw.audit.models import AccessEntry, Action
from tests.accounts.support import verified_client
from tests.conftest import BOTH
from tests.web.support import make_alert, search_form
from tests.web.test_probe import NORTHTOWN, partnership  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db(databases=BOTH)

ACCOUNT = "police at the door now, the child is missing overnight"


def test_a_candidate_duplicate_of_a_shielded_child_is_shielded_too(partnership, make_user):  # noqa: F811
    """Finding 2: a fuzzy search showed the pending duplicate's postcode and contact."""
    client = verified_client(make_user(Role.HUB_OFFICER))
    page = client.post(
        reverse("signpost:search"),
        search_form(
            given_name="ياسمين", family_name="حسن", **{"dob-day": "3", "dob-month": "2", "dob-year": "2018"}
        ),
    )
    assert page.status_code == 200 and "M13 9PL" not in page.content.decode()
    child = client.get(reverse("chronology:child", args=[partnership["duplicate"]]), {"reason": "s47"})
    assert child.status_code == 403 and "Northtown MASH" in child.content.decode()


def test_the_review_queue_hides_protected_records_logs_and_needs_vetting(partnership, make_user, loaded):  # noqa: F811
    """Finding 3."""
    lead = verified_client(make_user(Role.SAFEGUARDING_LEAD, username="lead"))
    page = lead.get(reverse("signpost:link-review")).content.decode()
    assert "protected record" in page and "M20 2LS" not in page and "M13 9PL" not in page
    assert (
        AccessEntry.objects.using(loaded).filter(action=Action.VIEW_REVIEW, actor="lead").exists()
        or "No records" in page
    )
    lapsed = make_user(Role.SAFEGUARDING_LEAD, vetted_on=timezone.localdate() - dt.timedelta(days=5 * 366))
    assert verified_client(lapsed).get(reverse("signpost:link-review")).status_code == 403


def test_alerts_go_to_an_account_never_to_a_matching_name(loaded, make_user):
    """Finding 4: "James Park" in another agency saw "James Parker"'s alerts."""
    from tests.signpost import person_of

    olivia = person_of("csc", "C1", loaded)
    impostor = make_user(Role.SOCIAL_WORKER, username="park", agency="Riverside Surgery")
    impostor.first_name, impostor.last_name = "Priya", "Sha"  # a substring of the worker's name
    impostor.save(using=loaded)
    twin = make_user(Role.SOCIAL_WORKER, username="same-name-elsewhere", agency="Riverside Surgery")
    twin.first_name, twin.last_name = "Priya", "Shah"  # the same name, in the wrong agency
    twin.save(using=loaded)
    alert = make_alert(loaded, olivia)
    assert alert.assignee_id is None  # nobody at Northtown by that name: the hub's queue
    for user in (impostor, twin):
        client = verified_client(user)
        assert "ED attendance" not in client.get(reverse("alerts:alerts")).content.decode()
        assert (
            client.post(
                reverse("alerts:alert", args=[alert.pk]), {"step": "dismissed", "reason": "x"}
            ).status_code
            == 404
        )
    assert (
        "ED attendance"
        in verified_client(make_user(Role.HUB_OFFICER)).get(reverse("alerts:alerts")).content.decode()
    )


def test_the_override_endpoint_is_no_oracle(partnership, make_user, loaded):  # noqa: F811
    """Finding 5: 403 "protected" for shielded ids and 404 for the rest, unlogged."""
    practitioner = verified_client(make_user(Role.PRACTITIONER, username="nosy", agency="Riverside Surgery"))
    answers = {}
    for person in (partnership["jack"], partnership["olivia"], 2**31 - 1):
        response = practitioner.post(
            reverse("chronology:child-override", args=[person]), {"reason": "s47", "account": ACCOUNT}
        )
        answers[person] = (response.status_code, response.content.decode().count("protected"))
    assert len(set(answers.values())) == 1 and next(iter(answers.values()))[0] == 403
    refused = AccessEntry.objects.using(loaded).filter(action=Action.REFUSED, actor="nosy")
    assert refused.count() == 3
    worker = verified_client(make_user(Role.SOCIAL_WORKER, username="sw", agency=NORTHTOWN))
    unknown = worker.post(
        reverse("chronology:child-override", args=[2**31 - 1]), {"reason": "s47", "account": ACCOUNT}
    )
    plain = worker.post(
        reverse("chronology:child-override", args=[partnership["olivia"]]),
        {"reason": "s47", "account": ACCOUNT},
    )
    assert unknown.status_code == plain.status_code == 403
    assert "No protected record can be opened under override here" in unknown.content.decode()
    assert "No protected record can be opened under override here" in plain.content.decode()
    hub = verified_client(make_user(Role.HUB_OFFICER, username="hub"))
    assert (
        hub.get(reverse("chronology:child", args=[partnership["jack"]]), {"reason": "s47"}).status_code == 403
    )
    assert (
        AccessEntry.objects.using(loaded)
        .filter(action=Action.REFUSED, actor="hub", person_id=partnership["jack"])
        .exists()
    )


def test_break_glass_ends_needs_a_real_account_and_its_alert_is_for_someone_else(
    partnership,  # noqa: F811
    make_user,
    loaded,
    settings,
):
    """Finding 6."""
    jack = partnership["jack"]
    user = make_user(Role.SOCIAL_WORKER, username="sw", agency=NORTHTOWN)
    worker = verified_client(user)
    url = reverse("chronology:child-override", args=[jack])
    assert worker.post(url, {"reason": "s47", "account": "x" * 30}).status_code == 400
    assert worker.post(url, {"reason": "s47", "account": "urgent " * 5}).status_code == 400
    assert worker.post(url, {"reason": "s47", "account": ACCOUNT}).status_code == 302
    page = reverse("chronology:child", args=[jack])
    assert worker.get(page, {"reason": "s47"}).status_code == 200
    alert = Alert.objects.using(loaded).get(rule_id="OVERRIDE")
    assert alert.raised_by == "sw"
    with pytest.raises(lifecycle.AlertError, match="someone else"):
        lifecycle.close(alert.pk, Alert.DISMISSED, "nothing to see", "sw", loaded)
    session = worker.session
    session["jigsaw_override"] = {**session["jigsaw_override"], "until": 0}  # the time limit passes
    session.save()
    assert worker.get(page, {"reason": "s47"}).status_code == 403
    lifecycle.close(alert.pk, Alert.ACTIONED, "spoke to the worker", "hub-officer", loaded)


def test_lapsed_vetting_blocks_search_and_alerts_too(loaded, make_user):
    """Finding 7."""
    long_ago = timezone.localdate() - dt.timedelta(days=5 * 366)
    for kwargs in ({"vetted_on": long_ago}, {"trained_on": None}):
        client = verified_client(make_user(Role.SOCIAL_WORKER, **kwargs))
        assert client.get(reverse("signpost:search")).status_code == 403
        assert (
            client.post(
                reverse("signpost:search"),
                search_form(
                    given_name="Olivia",
                    family_name="Bennett",
                    **{"dob-day": "8", "dob-month": "3", "dob-year": "2017"},
                ),
            ).status_code
            == 403
        )
        assert client.get(reverse("alerts:alerts")).status_code == 403


def test_every_read_names_its_own_reason(loaded, make_user):
    """Finding 12: the reason was kept in the session and the search form came back with it chosen."""
    from tests.signpost import person_of

    olivia = person_of("csc", "C1", loaded)
    client = verified_client(make_user(Role.SOCIAL_WORKER, username="sw"))
    found = client.post(
        reverse("signpost:search"),
        search_form(
            reason="s17",
            given_name="Olivia",
            family_name="Bennett",
            **{"dob-day": "8", "dob-month": "3", "dob-year": "2017"},
        ),
    )
    assert found.status_code == 200 and 'value="s17" checked' not in found.content.decode()
    assert "checked" not in client.get(reverse("signpost:search")).content.decode()
    asked = client.get(reverse("chronology:child", args=[olivia]))
    assert "Why are you opening this record?" in asked.content.decode()
    assert not AccessEntry.objects.using(loaded).filter(action=Action.VIEW_CHILD).exists()
    no_reason = client.post(
        reverse("signpost:search"), search_form(reason="", given_name="Olivia", family_name="Bennett")
    )
    assert no_reason.status_code == 400
    assert not AccessEntry.objects.using(loaded).filter(action=Action.SEARCH, reason_code="s47").exists()
