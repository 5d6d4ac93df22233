"""Comparators, the CSWW reader, audits, supervision, attendance and the picture pages and PDF."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.cache import cache
from django.urls import reverse

from jigsaw.accounts.roles import ROLE_AREAS, Role
from jigsaw.feeds import csww
from jigsaw.insight import attendance, audits, comparators, workforce
from jigsaw.insight.demo import csww_xml
from jigsaw.insight.models import CaseAudit, Comparator, WorkforceReturn
from jigsaw.signpost.models import RecordLink
from tests.accounts.support import verified_client
from tests.conftest import BOTH
from tests.web.support import page_of

pytestmark = pytest.mark.django_db(databases=BOTH)

GOOD_CSV = (
    "indicator,area_type,area,period,value,source\n"
    "re_referrals,england,England,2024-25,22.6,DfE CIN 2025 table C1\n"
    "cla_rate,statistical_neighbours,Statistical neighbours,2024-25,80.5,LAIT\n"
)


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_comparators_load_all_rows_and_replace_on_reimport(tmp_path, db_alias):
    path = tmp_path / "c.csv"
    path.write_text(GOOD_CSV)
    assert comparators.import_file(path, db_alias) == 2
    path.write_text(GOOD_CSV.replace("22.6", "23.0"))
    comparators.import_file(path, db_alias)
    assert Comparator.objects.using(db_alias).count() == 2
    assert Comparator.objects.using(db_alias).get(indicator="re_referrals").value == 23.0


@pytest.mark.parametrize(
    ("text", "says"),
    [
        (
            "indicator,area,period,value\nre_referrals,England,2024-25,1\n",
            "missing column(s) area_type, source",
        ),
        (GOOD_CSV + "nonsense,england,England,2024-25,1,x\n", "line 4: unknown indicator 'nonsense'"),
        (GOOD_CSV + "re_referrals,england,England,2024-25,lots,x\n", "line 4: value 'lots' is not a number"),
        (GOOD_CSV + "re_referrals,england,England,2024-25,140,x\n", "line 4: value 140.0 is out of range"),
        (GOOD_CSV + "re_referrals,planet,England,2024-25,1,x\n", "line 4: area_type must be one of"),
    ],
)
def test_a_malformed_comparator_file_loads_nothing(tmp_path, db_alias, text, says):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(
        comparators.ComparatorError, match=says.replace("(", r"\(").replace(")", r"\)")
    ) as err:
        comparators.import_file(path, db_alias)
    assert "\n" not in str(err.value)
    assert not Comparator.objects.using(db_alias).exists()


def test_the_shipped_sample_loads_and_cites_each_value(db_alias):
    n = comparators.import_file(comparators.SAMPLE, db_alias)
    assert n >= 10
    for c in Comparator.objects.using(db_alias):
        assert "DfE" in c.source and "https://" in c.source


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "csww.xml"
    path.write_text(text)
    return path


MINI = (
    "<Message><Header><CollectionDetails><Collection>CSWW</Collection><Year>2025</Year>"
    "<ReferenceDate>2025-09-30</ReferenceDate></CollectionDetails></Header>"
    "<LALevelVacancies><NumberOfVacancies>2.00</NumberOfVacancies><NoAgencyFTE>1.00</NoAgencyFTE>"
    "<NoAgencyHeadcount>1</NoAgencyHeadcount></LALevelVacancies>"
    "<CSWWWorker><AgencyWorker>0</AgencyWorker><SWENo>SW0000000001</SWENo><FTE>1.000000</FTE>"
    "<OrgRole>5</OrgRole><RoleStartDate>2025-01-10</RoleStartDate><Cases30>20</Cases30>"
    "<WorkingDaysLost>4.00</WorkingDaysLost></CSWWWorker>"
    "<CSWWWorker><AgencyWorker>0</AgencyWorker><SWENo>SW0000000002</SWENo><FTE>1.000000</FTE>"
    "<OrgRole>5</OrgRole><RoleStartDate>2020-01-10</RoleStartDate><Cases30>10</Cases30>"
    "<WorkingDaysLost>2.00</WorkingDaysLost><Absat30Sept>1</Absat30Sept></CSWWWorker>"
    "<CSWWWorker><AgencyWorker>0</AgencyWorker><SWENo>SW0000000003</SWENo><FTE>0.500000</FTE>"
    "<OrgRole>3</OrgRole><RoleStartDate>2019-01-10</RoleStartDate><RoleEndDate>2025-06-30</RoleEndDate>"
    "</CSWWWorker></Message>"
)


def test_the_csww_reader_gives_the_workforce_measures(tmp_path, db_alias):
    got = csww.read(_write(tmp_path, MINI))
    assert (got.workers, got.fte, got.leavers, got.starters, got.absent_on_reference_date) == (
        2,
        2.0,
        1,
        1,
        1,
    )
    assert sorted(c.cases for c in got.caseloads) == [10, 20]
    stored = workforce.import_return(_write(tmp_path, MINI), db_alias)
    s = workforce.summary(stored)
    # vacancies 2 / (2 + 2 filled) = 50%; agency 1 / (1 + 2) = 33.3%; 1 leaver / 2 in post = 50%
    assert (s["vacancy_rate"], s["agency_rate"], s["turnover_rate"], s["mean_caseload"]) == (
        50.0,
        33.3,
        50.0,
        15.0,
    )
    assert s["days_lost_per_fte"] == 3.0  # 6 days over 2 FTE


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("<Message><oops>", "not well-formed XML"),
        ("<Children/>", "not a CSWW return"),
        (
            MINI.replace("<LALevelVacancies>", "<X>").replace("</LALevelVacancies>", "</X>"),
            "LALevelVacancies is missing",
        ),
        (MINI.replace("SW0000000002", "12345"), "worker 2: SWENo is not two letters and ten digits"),
        (MINI.replace("<FTE>0.500000", "<FTE>1.500000"), "worker 3: FTE must be from 0 to 1"),
        (MINI.replace("<Cases30>20", "<Cases30>many"), "worker 1: Cases30 is not a number"),
    ],
)
def test_a_malformed_csww_return_is_one_line_and_nothing_stored(tmp_path, db_alias, text, says):
    with pytest.raises(csww.CSWWError, match=says) as err:
        workforce.import_return(_write(tmp_path, text), db_alias)
    assert "\n" not in str(err.value)
    assert not WorkforceReturn.objects.using(db_alias).exists()


def test_the_demo_return_reads(tmp_path):
    assert csww.read(_write(tmp_path, csww_xml(workers=30))).workers > 20


def test_supervision_compliance_against_the_frequency(db_alias, settings):
    settings.JIGSAW_SUPERVISION_DAYS = 28
    today = dt.date(2025, 6, 30)
    workforce.record_supervision("A", "M", today - dt.timedelta(days=10), "", db_alias)
    workforce.record_supervision("B", "M", today - dt.timedelta(days=40), "", db_alias)
    workforce.record_supervision("B", "M", today - dt.timedelta(days=29), "", db_alias)
    workforce.record_supervision("C", "M", today - dt.timedelta(days=28), "", db_alias)
    assert workforce.supervision_compliance(db_alias, today) == {"workers": 3, "within": 2, "overdue": 1}


def test_an_audit_sample_is_drawn_graded_and_reported(loaded):
    programme = audits.draw("Q1", 4, loaded, seed=3)
    again = audits.draw("Q1 again", 4, loaded, seed=3)
    ids = sorted(programme.audits.using(loaded).values_list("person_id", flat=True))
    assert 1 <= len(ids) <= 4 and ids == sorted(
        again.audits.using(loaded).values_list("person_id", flat=True)
    )
    assert set(ids) <= set(RecordLink.objects.using(loaded).values_list("person_id", flat=True))
    first = programme.audits.using(loaded).first()
    q = programme.questions
    with pytest.raises(ValueError, match="no grade for"):
        audits.record(first.pk, {q[0]: "good"}, "", "me", loaded)
    with pytest.raises(ValueError, match="is not one of"):
        audits.record(first.pk, dict.fromkeys(q, "fine"), "", "me", loaded)
    audits.record(first.pk, {**dict.fromkeys(q, "good"), q[0]: "inadequate"}, "x", "me", loaded)
    results = {p.name: (n, done, c) for p, n, done, c in audits.results(loaded)}
    assert results["Q1"] == (len(ids), 1, {"good": len(q) - 1, "requires_improvement": 0, "inadequate": 1})
    assert CaseAudit.objects.using(loaded).filter(audited_on__isnull=False).count() == 1


def test_attendance_counts_conference_attendees_and_meetings_convened_in_jigsaw(loaded):
    from django.utils import timezone

    from jigsaw.practice.models import Invitation, Meeting
    from jigsaw.records.models import Agency, Event

    Event.objects.using(loaded).filter(event_type="cp_conference").update(details={})
    ev = Event.objects.using(loaded).first()
    Event.objects.using(loaded).filter(pk=ev.pk).update(
        event_type="cp_conference",
        details={"attendees": [{"agency": "Police", "attended": True}, {"agency": "GP", "attended": False}]},
    )
    police, school = (Agency.objects.using(loaded).get_or_create(name=n)[0] for n in ("Police", "School"))
    person = RecordLink.objects.using(loaded).values_list("person_id", flat=True).first()
    common = {"person_id": person, "recorded_by": "sw", "recorded_by_name": "SW",
              "recorded_at": timezone.now(), "kind": "core_group", "held_on": timezone.localdate()}
    held = Meeting.objects.using(loaded).create(**common, attendance_recorded=True)
    unwritten = Meeting.objects.using(loaded).create(**common)  # attendance not yet recorded: not counted
    for meeting in (held, unwritten):
        Invitation.objects.using(loaded).create(meeting=meeting, agency=police, attended=True)
        Invitation.objects.using(loaded).create(meeting=meeting, agency=school, attended=False)
    rows = {(k, a): (n, y) for k, a, n, y in attendance.by_agency(loaded)}
    assert rows == {("Child protection conference", "Police"): (1, 1),
                    ("Child protection conference", "GP"): (1, 0),
                    ("Core group", "Police"): (1, 1), ("Core group", "School"): (1, 0)}


def test_board_and_analyst_see_aggregates_and_never_a_child(make_user, loaded):
    assert ROLE_AREAS[Role.BOARD_MEMBER] == frozenset({"aggregates"})
    child = RecordLink.objects.using(loaded).values_list("person_id", flat=True).first()
    for role in (Role.BOARD_MEMBER, Role.ANALYST):
        client = verified_client(make_user(role))
        assert client.get(reverse("chronology:child", args=[child])).status_code in (302, 403, 404)
        assert client.get(reverse("insight:picture")).status_code == 200


def test_the_pages_csv_and_pdf(make_user, loaded):
    comparators.import_file(comparators.SAMPLE, loaded)
    client = verified_client(make_user(Role.BOARD_MEMBER))
    page = page_of(client.get(reverse("insight:picture")))
    assert "Re-referrals within 12 months" in page and "England (2024-25, published)" in page
    # the chart is an image with a text alternative naming every value, the numbers also a table
    chart_url = reverse("insight:chart", args=["re_referrals"])
    assert f'src="{chart_url}" alt="Re-referrals within 12 months, by month, %' in page
    svg = client.get(reverse("insight:chart", args=["re_referrals"]))
    assert svg["Content-Type"] == "image/svg+xml"
    body = svg.content.decode()
    assert "<title" in body and "<desc" in body and "<script" not in body and "England 2024-25" in body
    assert client.get(reverse("insight:chart", args=["nonsense"])).status_code == 404
    csv_text = client.get(reverse("insight:picture-csv")).content.decode()
    assert csv_text.startswith("group,table,row,column,value,shown,note")
    assert "Re-referrals within 12 months" in csv_text
    quality = page_of(client.get(reverse("insight:quality")))
    assert "Supervision within" in quality and "Case-file audits" in quality
    assert client.get(reverse("insight:quality-csv")).status_code == 200
    report = client.get(reverse("insight:board-report")).content.decode()
    assert "Quarterly board report" in report and "Review action plans" in report
    pdf = client.get(reverse("insight:board-report-pdf"))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
