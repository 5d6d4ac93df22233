"""Unscheduled-care notices (CP-IS): the right account, nobody else, once, with the evidence."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from jigsaw.accounts.services import create_user
from jigsaw.alerts.evidence import MARK
from jigsaw.alerts.models import Alert, AlertAction
from jigsaw.alerts.notices import notify, persons_attending
from jigsaw.records.importer import import_paths
from jigsaw.records.models import Agency
from jigsaw.signpost.batch import link_all
from jigsaw.signpost.incremental import match_waiting
from tests.conftest import EVENTS_HEADER, PEOPLE_HEADER, write_csv

pytestmark = pytest.mark.django_db(databases=["default", "postgres"])

COUNCIL, HOSPITAL = "Northvale Children's Services", "Northvale Hospitals NHS Trust"
INVOLVEMENTS = ["source_system", "person_source_id", "agency", "role", "started_on", "team", "practitioner",
                "contact", "ended_on"]
ED_EVENTS = ["source_system", "event_id", "person_source_id", "event_type", "occurred_at", "details"]


def _account(using: str, username: str, first: str, last: str, agency: str, email: str = "") -> int:
    Agency.objects.using(using).get_or_create(name=agency)
    recently = dt.date.today() - dt.timedelta(days=10)
    create_user(username, "a long test passphrase 123", "social_worker", agency=agency, vetted_on=recently,
                trained_on=recently, using=using)
    user = get_user_model().objects.db_manager(using).get(username=username)
    user.first_name, user.last_name, user.email = first, last, email
    user.save(using=using)
    return user.pk


@pytest.fixture
def partnership(db_alias, tmp_path) -> dict:
    """Two children known to the council: Maisie on a plan, Leo whose plan ended; the hospital
    sent both once (already linked). Both have an allocated social worker called Sam Patel."""
    using = db_alias
    csc, ed = tmp_path / "csc", tmp_path / "ed1"
    write_csv(csc / "people.csv", PEOPLE_HEADER, [
        ["csc", "C1", "Maisie", "Okoro", "2019-05-04", "9434765919", "NV1 1AA", "F"],
        ["csc", "C2", "Leo", "Marsh", "2017-02-11", "9434765870", "NV2 2BB", "M"]])
    write_csv(csc / "involvements.csv", INVOLVEMENTS, [
        ["csc", "C1", COUNCIL, "allocated social worker", "2024-01-02", "Child Protection Team", "Sam Patel",
         "sam.patel@northvale.example", ""],
        ["csc", "C2", COUNCIL, "allocated social worker", "2023-01-02", "Child Protection Team", "Sam Patel",
         "01632 960001", ""]])
    write_csv(csc / "events.csv", EVENTS_HEADER, [
        ["csc", "P1", "C1", "cp_plan_start", "2025-01-02", "", "plan"],
        ["csc", "P2", "C2", "cp_plan_start", "2024-01-02", "", "plan"],
        ["csc", "P3", "C2", "cp_plan_end", "2024-09-01", "", "plan ended"]])
    write_csv(ed / "people.csv", PEOPLE_HEADER, [
        ["ed1", "E1", "Maisie", "Okoro", "2019-05-04", "9434765919", "NV1 1AA", "F"],
        ["ed1", "E2", "Leo", "Marsh", "2017-02-11", "9434765870", "NV2 2BB", "M"]])
    import_paths([csc, ed / "people.csv"], using=using)
    link_all(using=using)
    accounts = {
        "right": _account(using, "spatel", "Sam", "Patel", COUNCIL, "sam.patel@northvale.example"),
        "same_name_other_agency": _account(using, "spatel-ed", "Sam", "Patel", HOSPITAL),
        "similar_name_same_agency": _account(using, "spatell", "Sam", "Patell", COUNCIL),
        "longer_name_same_agency": _account(using, "samantha", "Samantha", "Patel", COUNCIL),
    }
    return {"using": using, "ed": ed, "accounts": accounts}


def _attend(p: dict, rows: list[list[str]], folder: str = "") -> list[int]:
    path = write_csv(p["ed"] / folder / "events.csv", ED_EVENTS, rows)
    report = import_paths([path], using=p["using"])
    match_waiting(using=p["using"])
    return [f.batch_id for f in report.files if f.batch_id]


FALL = '{"presenting_complaint": "fall from a bunk bed"}'


def test_the_notice_goes_to_the_allocated_workers_account_and_nobody_else(partnership):
    p, using = partnership, partnership["using"]
    batches = _attend(p, [["ed1", "A1", "E1", "ed_attendance", "2025-03-01T22:15:00Z", FALL],
                          ["ed1", "A2", "E2", "ed_attendance", "2025-03-01T23:40:00Z", FALL]])
    assert len(persons_attending(batches, using)) == 2
    result = notify(batches, using)
    assert (result["raised"], result["people"]) == (1, 2)
    [alert] = Alert.objects.using(using).all()  # not for Leo, whose plan ended before the attendance
    assert alert.rule_id == "R04c" and alert.assignee_id == p["accounts"]["right"]
    assert alert.routed_to.startswith("Sam Patel, allocated social worker")
    assert alert.event_keys == ["csc:P1", "ed1:A1"]
    evidence = alert.explanation.split(MARK)[1]
    assert "1 Mar 2025 22:15" in evidence and "(ed1), emergency department" in evidence
    assert "presenting complaint: fall from a bunk bed" in evidence


def test_a_name_alone_decides_nothing_when_two_accounts_share_it(partnership):
    """Without the worker's e-mail, two "Sam Patel"s of the council are not told apart: hub queue."""
    p, using = partnership, partnership["using"]
    _account(using, "spatel2", "Sam", "Patel", COUNCIL)
    user = get_user_model().objects.db_manager(using).get(pk=p["accounts"]["right"])
    user.email = ""
    user.save(using=using)
    notify(_attend(p, [["ed1", "A1", "E1", "ed_attendance", "2025-03-01", FALL]]), using)
    assert Alert.objects.using(using).get().assignee_id is None


def test_reimporting_the_attendance_notifies_nobody_again(partnership):
    p, using = partnership, partnership["using"]
    rows = [["ed1", "A1", "E1", "ed_attendance", "2025-03-01T22:15:00Z", FALL]]
    notify(_attend(p, rows), using)
    again = notify(_attend(p, rows), using)
    assert again["raised"] == 0 and again["people"] == 0
    assert Alert.objects.using(using).count() == 1
    assert AlertAction.objects.using(using).count() == 1  # raised, nothing since


def test_a_later_urgent_care_attendance_extends_the_open_notice_with_its_evidence(partnership):
    p, using = partnership, partnership["using"]
    notify(_attend(p, [["ed1", "A1", "E1", "ed_attendance", "2025-03-01T22:15:00Z", FALL]]), using)
    later = '{"presenting_complaint": "burn to hand", "setting": "minor_injury_unit"}'
    result = notify(_attend(p, [["ed1", "U1", "E1", "urgent_care_attendance", "2025-04-02T09:05:00Z", later]],
                            "later"), using)
    assert (result["raised"], result["updated"]) == (0, 1)
    alert = Alert.objects.using(using).get()
    lines = alert.explanation.split(MARK)[1].strip().splitlines()
    assert len(lines) == 2 and "minor injury unit; presenting complaint: burn to hand" in lines[1]
    assert alert.assignee_id == p["accounts"]["right"]


def test_no_notice_once_the_plan_has_ended(partnership):
    p, using = partnership, partnership["using"]
    result = notify(_attend(p, [["ed1", "A2", "E2", "ed_attendance", "2025-03-01", FALL]]), using)
    assert result["raised"] == 0 and not Alert.objects.using(using).exists()


def test_jigsaw_import_sends_the_notice(partnership):
    """Through the command (in this process, on the test database), as the hospital's feed arrives."""
    from click.testing import CliRunner

    from jigsaw.cli.feeds import import_command

    p = partnership
    if p["using"] != "default":
        pytest.skip("the command runs on the default database")
    path = write_csv(p["ed"] / "events.csv", ED_EVENTS,
                     [["ed1", "A1", "E1", "ed_attendance", "2025-03-01T22:15:00Z", FALL]])
    done = CliRunner().invoke(import_command, [str(path)])
    assert done.exit_code == 0, done.output
    assert "1 unscheduled-care notices sent" in done.output
    assert Alert.objects.get(rule_id="R04c").assignee_id == p["accounts"]["right"]
