"""Information-sharing decisions: recorded from the child's page, in the chronology and the access
log, reported per agency; bad input is refused with one clear message and nothing written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from jigsaw.audit.models import AccessEntry, Action
from jigsaw.practice.bases import BASES
from jigsaw.practice.models import SharingDecision
from jigsaw.practice.sharing import per_agency
from jigsaw.records.models import Agency, Event
from tests.conftest import BOTH
from tests.practice.conftest import RIVERSIDE

pytestmark = pytest.mark.django_db(databases=BOTH)


def _form(using: str, **over: str) -> dict[str, str]:
    today = timezone.localdate()
    riverside = Agency.objects.using(using).get(name=RIVERSIDE)
    form = {
        "reason": "s47",
        "share": "yes",
        "decided_on-day": str(today.day),
        "decided_on-month": str(today.month),
        "decided_on-year": str(today.year),
        "what": "The bruise on her arm and the s47 enquiry",
        "agency": str(riverside.pk),
        "recipient": "Dr Karen Holt, GP",
        "purpose": "So the GP can check at the next appointment",
        "lawful_basis": "ca1989_s47",
    }
    form.update(over)
    return form


def _counts(using: str) -> tuple[int, int, int]:
    return (
        SharingDecision.objects.using(using).count(),
        Event.objects.using(using).filter(event_type="information_sharing_decision").count(),
        AccessEntry.objects.using(using).filter(action=Action.RECORD_PRACTICE).count(),
    )


def test_every_basis_cites_its_source():
    assert {"ca1989_s17", "ca1989_s47", "ca2004_s11", "gdpr_6_1_e_safeguarding", "consent"} <= {
        b.code for b in BASES
    }
    assert all(b.citation and ("Act" in b.citation or "GDPR" in b.citation) for b in BASES)


def test_a_decision_to_share_is_a_judgement_in_the_chronology_and_the_access_log(worker, olivia, loaded):
    url = reverse("practice:sharing", args=[olivia])
    assert worker.get(url, {"reason": "s47"}).status_code == 200
    response = worker.post(url, _form(loaded))
    assert response.status_code == 302
    decision = SharingDecision.objects.using(loaded).get()
    assert decision.share and decision.lawful_basis == "ca1989_s47" and decision.recorded_by == "priya"
    event = Event.objects.using(loaded).get(pk=decision.event_id)
    assert event.kind == "judgement" and event.event_type == "information_sharing_decision"
    entry = AccessEntry.objects.using(loaded).filter(action=Action.RECORD_PRACTICE).get()
    assert entry.person_id == olivia and entry.reason_code == "s47"
    assert entry.detail["what"] == "sharing_decision" and entry.detail["share"] is True
    page = worker.get(reverse("chronology:child", args=[olivia]), {"reason": "s47"}).content.decode()
    assert "Decided to share with Dr Karen Holt, GP, Riverside Surgery" in page
    assert "Judgement" in page and "Information-sharing decisions" in page


def test_a_decision_not_to_share_needs_no_basis_but_its_reasons(worker, olivia, loaded):
    url = reverse("practice:sharing", args=[olivia])
    assert worker.post(url, _form(loaded, share="no", lawful_basis="")).status_code == 302
    decision = SharingDecision.objects.using(loaded).get()
    assert not decision.share and decision.lawful_basis == ""
    assert Event.objects.using(loaded).get(pk=decision.event_id).summary.startswith("Decided not to share")
    rows = per_agency(None, None, loaded)
    assert [(r.agency, r.shared, r.not_shared) for r in rows] == [(RIVERSIDE, 0, 1)]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"lawful_basis": ""}, "Select the lawful basis for sharing"),
        ({"lawful_basis": "because"}, "Select the lawful basis for sharing"),
        ({"purpose": "  "}, "Enter the reasons for your decision"),
        ({"share": ""}, "Select whether you decided to share"),
        ({"what": ""}, "Enter what information"),
        ({"agency": "999999"}, "that agency is not known"),
        ({"agency": "Nowhere Agency"}, "that agency is not known"),
        ({"decided_on-year": str(dt.date.today().year + 1)}, "must be today or in the past"),
        ({"decided_on-month": "13"}, "Enter a real date"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(worker, olivia, loaded, change, message):
    before = _counts(loaded)
    response = worker.post(reverse("practice:sharing", args=[olivia]), _form(loaded, **change))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert _counts(loaded) == before


def test_without_a_fresh_reason_nothing_is_read_or_written(worker, olivia, loaded):
    before = _counts(loaded)
    form = _form(loaded)
    del form["reason"]
    response = worker.post(reverse("practice:sharing", args=[olivia]), form)
    assert response.status_code == 400 and "Select the lawful reason" in response.content.decode()
    assert _counts(loaded) == before
    asked = worker.get(reverse("practice:sharing", args=[olivia]))
    assert asked.status_code == 200 and "Why are you opening this record?" in asked.content.decode()


def test_the_figures_page_counts_per_agency_with_small_counts_withheld(worker, olivia, loaded, make_user):
    from jigsaw.accounts.roles import Role
    from tests.accounts.support import verified_client

    worker.post(reverse("practice:sharing", args=[olivia]), _form(loaded))
    lead = verified_client(make_user(Role.SAFEGUARDING_LEAD))
    page = lead.get(reverse("practice:figures")).content.decode()
    assert RIVERSIDE in page and "fewer than 5" in page and "Olivia" not in page
    assert AccessEntry.objects.using(loaded).filter(action=Action.VIEW_AGGREGATES).exists()
