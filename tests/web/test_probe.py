"""The probe: every URL, as every role, against a partnership with a protected child.

Jack Turner (Northtown's record ``csc:C3``) is shielded, is recorded as Olivia Bennett's sibling,
and has an unlinked candidate duplicate waiting in the link review queue (the GP's ``G4``). The
probe walks every URL Django's resolver knows -- so a new page is covered the day it is added --
with every id the partnership has, as every role (and as a social worker who broke glass for
Jack), reading the child pages with a reason and in both views, and posts a fuzzy search for
Jack. It proves that no response holds Jack's or his candidate duplicate's name, birth date,
NHS number, postcode or agency contact, except for the user who broke glass for Jack, and that
every response that does hold them wrote an access-log entry about him.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from jigsaw.accounts.roles import Role
from jigsaw.alerts.store import store
from jigsaw.audit.models import AccessEntry
from jigsaw.records.models import PersonRecord, Relationship
from jigsaw.rules import Finding
from jigsaw.signpost.models import ReviewItem
from jigsaw.signpost.shielding import shield
from tests.accounts.support import verified_client
from tests.conftest import BOTH
from tests.signpost import person_of
from tests.web.test_access import URLS

pytestmark = pytest.mark.django_db(databases=BOTH)

#: What must never be shown of the protected child (Jack) and of his candidate duplicate (G4).
SECRETS = (
    "Jack",
    "Turner",
    "2016-01-02",
    "2 January 2016",
    "2 Jan 2016",
    "M20 2LS",
    "Sam Patel",
    "0161 555 0103",
    "ياسمين",
    "حسن",
    "2018-02-02",
    "2 February 2018",
    "2 Feb 2018",
    "M13 9PL",
)
NORTHTOWN = "Northtown Children's Services"


#: A form's CSRF token: 64 random letters and digits, which now and then spell "Jack" by chance.
CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[A-Za-z0-9]+"')


def _leaks(text: str) -> list[str]:
    text = CSRF_TOKEN.sub("", text)
    return [s for s in SECRETS if s in text]


@pytest.fixture
def partnership(loaded):
    """Olivia, her shielded sibling Jack and Jack's unlinked candidate duplicate; an alert on both."""
    using = loaded
    olivia, jack, twin = (person_of("csc", key, using) for key in ("C1", "C3", "C2"))
    duplicate = person_of("gp", "G4", using)
    c1, c3 = (
        PersonRecord.objects.using(using).get(source_system__code="csc", record_key=k) for k in ("C1", "C3")
    )
    g4 = PersonRecord.objects.using(using).get(source_system__code="gp", record_key="G4")
    Relationship.objects.using(using).create(
        source_system=c1.source_system,
        record_key="R1",
        row_hash="x",
        batch_id=c1.batch_id,
        first_batch_id=c1.batch_id,
        person=c1,
        related=c3,
        person_source_id="C1",
        related_source_id="C3",
        relationship="sibling",
    )
    a, b = sorted((c3.pk, g4.pk))
    ReviewItem.objects.using(using).create(
        record_a_id=a, record_b_id=b, kind="uncertain", match_probability=0.8
    )
    shield(jack, "the Northtown MASH on 0161 555 0000", "risk from a parent", "lead", using)
    now = dt.datetime(2024, 6, 1, tzinfo=dt.UTC)
    store(
        [
            Finding(
                rule_id="R05",
                rule_version=1,
                title="Domestic abuse with children present",
                severity="high",
                mode="required",
                route="hub",
                person_ids=(olivia, jack),
                event_keys=("gp:E2",),
                first_at=now,
                last_at=now,
                explanation="Jack Turner (2016-01-02) was present",
                citation="Encompass",
                uncertain=False,
                pattern_key=f"R05|{olivia}|{jack}",
            )
        ],
        using,
    )
    _practice_records(jack, using)
    return {"olivia": olivia, "jack": jack, "twin": twin, "duplicate": duplicate}


def _practice_records(jack: int, using: str) -> None:
    """Practice records about Jack that name him: a sharing decision, his words (chronology entries
    too), a disagreement and a core group with his social worker invited."""
    from jigsaw.audit.actor import Actor
    from jigsaw.practice.entries import write_entry
    from jigsaw.practice.models import ChildVoice, Disagreement, Invitation, Meeting, SharingDecision
    from jigsaw.records.models import Agency

    now = dt.datetime(2024, 6, 2, tzinfo=dt.UTC)
    northtown = Agency.objects.using(using).get(name=NORTHTOWN)
    sam = Actor("sam", Role.SOCIAL_WORKER, NORTHTOWN, "Sam Patel", "", "")
    who = {"person_id": jack, "recorded_by": "sam", "recorded_by_name": "Sam Patel",
           "recorded_by_agency": NORTHTOWN, "recorded_at": now}
    decision = SharingDecision.objects.using(using).create(
        **who, decided_on=now.date(), share=True, what="Jack Turner's address M20 2LS", agency=northtown,
        recipient="Sam Patel", purpose="Jack Turner is at risk", lawful_basis="ca1989_s47")
    write_entry(jack, "sharing", decision.pk, "information_sharing_decision", now.date(),
                "Shared Jack Turner's address M20 2LS", "judgement", sam, using)
    voice = ChildVoice.objects.using(using).create(**who, said_on=now.date(), how="seen_alone",
                                                   words="I am Jack Turner and I am scared")
    write_entry(jack, "voice", voice.pk, "child_voice", now.date(), "Jack Turner said he is scared", "fact",
                sam, using)
    Disagreement.objects.using(using).create(
        **who, about="Jack Turner's plan", agency=northtown, with_whom="Sam Patel", stage="practitioner",
        stage_started_at=now, stage_due_at=now)  # overdue: listing it escalates it (and raises an alert)
    meeting = Meeting.objects.using(using).create(**who, kind=Meeting.CORE_GROUP, held_on=now.date(),
                                                  chair="Sam Patel", decisions="Jack Turner stays")
    Invitation.objects.using(using).create(meeting=meeting, agency=northtown, practitioner="Sam Patel")


def _clients(make_user):
    clients = {}
    for role in Role.values:
        clients[role] = verified_client(
            make_user(role, agency=NORTHTOWN if role != Role.ADMINISTRATOR else None)
        )
    return clients


def _break_glass(make_user, people):
    """A social worker who has just broken glass for Jack. Made when it is used: the override and
    the session both lapse when idle, and walking every URL as every role can outlast them on a
    loaded machine (one run under heavy load showed this user nothing: most likely the walk had
    outlasted the session's 15 idle minutes)."""
    broke = verified_client(make_user(Role.SOCIAL_WORKER, username="broke-glass", agency=NORTHTOWN))
    done = broke.post(
        reverse("chronology:child-override", args=[people["jack"]]),
        {"reason": "s47", "account": "police at the door now, the child is missing overnight"},
    )
    assert done.status_code == 302
    return broke


def _urls(people: dict[str, int], using: str) -> list[str]:
    from jigsaw.alerts.models import Alert
    from jigsaw.practice.models import Disagreement, Meeting

    ids = {
        "person_id": list(people.values()),
        "alert_id": list(Alert.objects.using(using).values_list("pk", flat=True)),
        "disagreement_id": list(Disagreement.objects.using(using).values_list("pk", flat=True)),
        "meeting_id": list(Meeting.objects.using(using).values_list("pk", flat=True)),
        "fmt": ["html", "csv", "json"],
    }
    urls = []
    for name, kwargs in URLS:
        choices = [{}]
        for key, sample in kwargs.items():
            choices = [{**c, key: v} for c in choices for v in ids.get(key, [sample])]
        for chosen in choices:
            url = reverse(name, kwargs=chosen)
            urls.append(url)
            if name == "alerts:alerts":  # the queue's other views: closed alerts, every status, by due date
                urls += [f"{url}?status=closed", f"{url}?status=all&sort=due", f"{url}?status=waiting"]
            if "person_id" in chosen:  # a child's record: with a reason, in both views
                urls += [
                    f"{url}?reason=s47",
                    f"{url}?reason=s47&view=household",
                    f"{url}?reason=s47&view=household&anonymise=1",
                    f"{url}?reason=s47&order=significance",
                ]
    return urls


def test_no_response_shows_a_protected_child_except_after_break_glass(partnership, make_user, loaded):
    people = partnership
    clients = _clients(make_user)
    urls = _urls(people, loaded)
    jack_entries = AccessEntry.objects.using(loaded).filter(
        person_id__in=(people["jack"], people["duplicate"])
    )
    for role, client in clients.items():
        for url in urls:
            response = client.get(url)
            body = response.content.decode("utf-8", "replace")
            assert not _leaks(body), (role, url, _leaks(body))
        fuzzy = client.post(
            reverse("signpost:search"),
            {
                "given_name": "Jak",
                "family_name": "Turnor",
                "dob-day": "2",
                "dob-month": "1",
                "dob-year": "2016",
                "postcode": "M20 2LS",
                "nhs_number": "",
                "reason": "s47",
            },
        )
        assert not _leaks(fuzzy.content.decode().replace("M20 2LS", "", 1)), (
            role
        )  # the typed postcode echoed once
    shown_to_broke = 0
    broke = _break_glass(make_user, people)
    for url in urls:
        if f"/children/{people['jack']}/" not in url:
            continue
        before = jack_entries.count()
        body = broke.get(url).content.decode("utf-8", "replace")
        if _leaks(body):
            shown_to_broke += 1
            assert jack_entries.count() > before, url  # shown only with an access-log entry about Jack
    assert shown_to_broke  # the override does open his record


def test_leaving_the_child_ends_the_override(partnership, make_user, loaded):
    people = partnership
    broke = _break_glass(make_user, people)
    jack = reverse("chronology:child", args=[people["jack"]])
    assert broke.get(jack, {"reason": "s47"}).status_code == 200
    olivia = broke.get(
        reverse("chronology:chronology-export", args=[people["olivia"], "json"]),
        {"reason": "s47", "view": "household"},
    )
    assert olivia.status_code == 200 and not _leaks(olivia.content.decode())
    assert "a protected household member" in olivia.content.decode()
    assert broke.get(jack, {"reason": "s47"}).status_code == 403  # the override ended on leaving him
