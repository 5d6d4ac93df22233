"""The web forms: drawing an audit sample, grading a file, recording a supervision; who may."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from jigsaw.accounts.roles import Role
from jigsaw.audit.models import AccessEntry, Action
from jigsaw.insight import audits
from jigsaw.insight.models import AuditProgramme, CaseAudit, Supervision
from tests.accounts.support import verified_client
from tests.conftest import BOTH
from tests.web.support import page_of

pytestmark = pytest.mark.django_db(databases=BOTH)

#: the roles without the aggregates area, or without the review area
NOT_A_LEAD = (Role.ANALYST, Role.BOARD_MEMBER, Role.SOCIAL_WORKER, Role.PRACTITIONER, Role.AUDITOR)


def _draw_form(**fields: str) -> dict[str, str]:
    return {"name": "Neglect, spring", "size": "1", "theme": "", "seed": "7", **fields}


def test_an_analyst_draws_a_sample_and_sees_no_child(make_user, loaded):
    client = verified_client(make_user(Role.ANALYST))
    done = client.post(reverse("insight:audits"), _draw_form())
    assert done.status_code == 302
    programme = AuditProgramme.objects.using(loaded).get()
    files = list(programme.audits.using(loaded))
    assert len(files) == 1 and programme.name == "Neglect, spring"
    page = page_of(client.get(done["Location"]))
    assert "The sample was drawn" in page and "Neglect, spring" in page
    assert reverse("insight:audit-programme", args=[programme.pk]) not in page  # no way to the files
    for f in files:
        assert f"person {f.person_id}" not in page
    assert client.get(reverse("insight:audit-programme", args=[programme.pk])).status_code == 403


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"name": ""}, "Enter a name for the audit programme"),
        ({"size": "0"}, "Enter how many files to sample, a whole number from 1 to 500"),
        ({"size": "lots"}, "Enter how many files to sample"),
        ({"theme": "not_a_type"}, "Choose a theme from the list"),
        ({"seed": "x"}, "Enter the seed as a whole number"),
        ({"theme": "death"}, "No children to sample with a death event: choose another theme"),
    ],
)
def test_a_bad_draw_says_what_to_do_and_draws_nothing(make_user, loaded, fields, says):
    client = verified_client(make_user(Role.SAFEGUARDING_LEAD))
    got = client.post(reverse("insight:audits"), _draw_form(**fields))
    assert got.status_code == 400
    page = page_of(got)
    assert "There is a problem" in page and says in page
    assert not AuditProgramme.objects.using(loaded).exists()


def _programme(using: str) -> tuple[AuditProgramme, CaseAudit]:
    programme = audits.draw("Random", 2, using, seed=1)
    return programme, programme.audits.using(using).order_by("id").first()


def test_a_safeguarding_lead_grades_a_file_and_each_look_is_logged(make_user, loaded):
    programme, audit = _programme(loaded)
    lead = make_user(Role.SAFEGUARDING_LEAD)
    client = verified_client(lead)
    listing = page_of(client.get(reverse("insight:audit-programme", args=[programme.pk])))
    assert f"Jigsaw person {audit.person_id}" in listing
    seen = AccessEntry.objects.using(loaded).filter(actor=lead.username, action=Action.VIEW_CHILD)
    assert set(seen.values_list("person_id", flat=True)) == set(
        programme.audits.using(loaded).values_list("person_id", flat=True)
    )
    url = reverse("insight:audit-file", args=[programme.pk, audit.pk])
    form = page_of(client.get(url))
    assert "Grade the file of Jigsaw person" in form and html.escape(programme.questions[0]) in form
    assert seen.filter(person_id=audit.person_id).count() == 2  # the list, then the form
    grades = {f"q{n}": "good" for n in range(1, len(programme.questions) + 1)}
    grades["q2"] = "requires_improvement"
    done = client.post(url, {**grades, "actions": "Update the assessment within 10 working days"})
    assert done.status_code == 302
    audit.refresh_from_db(using=loaded)
    assert audit.grades[programme.questions[1]] == "requires_improvement"
    assert audit.audited_on == timezone.localdate()
    assert audit.auditor == (lead.get_full_name().strip() or lead.username)
    assert AccessEntry.objects.using(loaded).filter(
        actor=lead.username, action=Action.RECORD_PRACTICE, person_id=audit.person_id
    ).exists()


@pytest.mark.parametrize(
    ("drop", "actions", "says"),
    [
        ("q1", "x", "Choose a grade for question 1: good, requires improvement or inadequate"),
        ("", "", "Enter the actions agreed: a file graded below good needs an action"),
    ],
)
def test_a_bad_grading_says_what_to_do_and_records_nothing(make_user, loaded, drop, actions, says):
    programme, audit = _programme(loaded)
    client = verified_client(make_user(Role.SAFEGUARDING_LEAD))
    grades = {f"q{n}": "inadequate" for n in range(1, len(programme.questions) + 1)}
    grades.pop(drop, None)
    url = reverse("insight:audit-file", args=[programme.pk, audit.pk])
    got = client.post(url, {**grades, "actions": actions})
    assert got.status_code == 400
    assert says in page_of(got)
    audit.refresh_from_db(using=loaded)
    assert audit.grades == {} and audit.audited_on is None


@pytest.mark.parametrize("role", NOT_A_LEAD)
def test_only_a_safeguarding_lead_grades_a_file(make_user, loaded, role):
    programme, audit = _programme(loaded)
    client = verified_client(make_user(role))
    grades = {f"q{n}": "good" for n in range(1, len(programme.questions) + 1)}
    got = client.post(reverse("insight:audit-file", args=[programme.pk, audit.pk]), grades)
    assert got.status_code == 403
    audit.refresh_from_db(using=loaded)
    assert audit.grades == {}


def test_a_lead_whose_vetting_lapsed_cannot_grade(make_user, loaded):
    programme, audit = _programme(loaded)
    lapsed = make_user(Role.SAFEGUARDING_LEAD, vetted_on=timezone.localdate() - dt.timedelta(days=365 * 10))
    got = verified_client(lapsed).get(reverse("insight:audit-file", args=[programme.pk, audit.pk]))
    assert got.status_code == 403


def _supervision(**fields: str) -> dict[str, str]:
    return {"worker": "A. Practitioner", "supervisor": "B. Manager", "held_on-day": "2",
            "held_on-month": "3", "held_on-year": "2026", "decisions": "Step down to early help", **fields}


def test_a_safeguarding_lead_records_a_supervision(make_user, loaded):
    client = verified_client(make_user(Role.SAFEGUARDING_LEAD))
    assert "Record a supervision" in page_of(client.get(reverse("insight:supervision-new")))
    done = client.post(reverse("insight:supervision-new"), _supervision())
    assert done.status_code == 302
    got = Supervision.objects.using(loaded).get()
    assert (got.worker, got.supervisor, got.held_on, got.decisions) == (
        "A. Practitioner", "B. Manager", dt.date(2026, 3, 2), "Step down to early help"
    )


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"worker": ""}, "Enter the practitioner supervised"),
        ({"supervisor": " "}, "Enter who supervised them"),
        ({"held_on-day": ""}, "Enter a day, month and year, for example 27 3 2026"),
        ({"held_on-month": "13"}, "Enter a real date"),
        ({"held_on-year": str(dt.date.today().year + 1)}, "must be today or in the past"),
        ({"decisions": ""}, "Enter the decisions recorded, or ‘none’"),
    ],
)
def test_a_bad_supervision_says_what_to_do_and_records_nothing(make_user, loaded, fields, says):
    client = verified_client(make_user(Role.SAFEGUARDING_LEAD))
    got = client.post(reverse("insight:supervision-new"), _supervision(**fields))
    assert got.status_code == 400
    page = page_of(got)
    assert "There is a problem" in page and says in page
    assert not Supervision.objects.using(loaded).exists()


@pytest.mark.parametrize("role", NOT_A_LEAD)
def test_only_a_safeguarding_lead_records_a_supervision(make_user, loaded, role):
    got = verified_client(make_user(role)).post(reverse("insight:supervision-new"), _supervision())
    assert got.status_code == 403
    assert not Supervision.objects.using(loaded).exists()
