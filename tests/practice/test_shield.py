"""A protected child's practice records: refused (and the refusal logged) without break glass,
nothing written by a refused form; an agency-scoped practitioner only for a child of their agency."""

from __future__ import annotations

import pytest
from django.urls import reverse

from jigsaw.accounts.roles import Role
from jigsaw.audit.models import AccessEntry, Action
from jigsaw.practice.models import ChildVoice, Disagreement, Meeting, SharingDecision
from jigsaw.signpost.shielding import shield
from tests.accounts.support import verified_client
from tests.conftest import BOTH
from tests.signpost import person_of

pytestmark = pytest.mark.django_db(databases=BOTH)

PAGES = (
    "practice:overview",
    "practice:sharing",
    "practice:voice",
    "practice:disagreement-new",
    "practice:meeting-new",
)


def test_a_shielded_child_is_refused_and_nothing_is_written(worker, loaded):
    jack = person_of("csc", "C3", loaded)
    shield(jack, "the Northtown MASH on 0161 555 0000", "risk from a parent", "lead", loaded)
    for name in PAGES:
        url = reverse(name, args=[jack])
        got = worker.get(url, {"reason": "s47"})
        assert got.status_code == 403 and "Jack" not in got.content.decode(), name
        if name == "practice:overview":
            assert worker.post(url, {"reason": "s47"}).status_code == 405  # a page, not a form
            continue
        posted = worker.post(url, {"reason": "s47", "words": "x", "about": "x", "why": "x", "share": "no"})
        assert posted.status_code == 403, name
    assert not (
        SharingDecision.objects.using(loaded).exists()
        or ChildVoice.objects.using(loaded).exists()
        or Disagreement.objects.using(loaded).exists()
        or Meeting.objects.using(loaded).exists()
    )
    refusals = AccessEntry.objects.using(loaded).filter(action=Action.REFUSED, person_id=jack).count()
    assert refusals == 2 * len(PAGES) - 1


def test_a_practitioner_of_another_agency_is_refused(make_user, loaded, olivia):
    stranger = verified_client(make_user(Role.PRACTITIONER, agency=None))
    response = stranger.get(reverse("practice:sharing", args=[olivia]), {"reason": "s47"})
    assert response.status_code == 403
    assert not AccessEntry.objects.using(loaded).filter(person_id=olivia, action=Action.VIEW_CHILD).exists()
