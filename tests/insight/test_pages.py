"""The partnership figures page and its CSV, on SQLite and PostgreSQL, against the loaded partnership.

The figures are checked against counts the test works out itself from the stored rows (plain
Python over the tables, not the page's queries), with suppression switched off; then with it on,
that small counts are hidden end to end; and always that nothing about any one child appears.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re
import statistics
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from jigsaw.accounts.roles import Role
from jigsaw.alerts.lifecycle import acknowledge, close
from jigsaw.alerts.models import Alert, AlertAction
from jigsaw.alerts.store import store
from jigsaw.audit.models import AccessEntry, Action
from jigsaw.feeds.ethnicity import ETHNIC_GROUPS
from jigsaw.insight import sections
from jigsaw.records.models import PersonRecord, SourceSystem
from jigsaw.rules import Finding, load_catalogue
from jigsaw.signpost.models import RecordLink
from tests.accounts.support import verified_client
from tests.conftest import BOTH
from tests.web.support import page_of

pytestmark = pytest.mark.django_db(databases=BOTH)

FREE_TEXT = "Seen with a bruise, mother worried"  # an alert's explanation: must never be shown
TITLES = {rule.id: rule.title for rule in load_catalogue()}
#: the events an alert names happened this long before the rules raised it (issue 13 item 8: the
#: figures' months are when the events happened)
HAPPENED_BEFORE = dt.timedelta(days=35)
MONTHS = "Alerts by the month their latest event happened (last 12 months)"


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def children_of(using: str) -> list[int]:
    """Resolved people with a recorded birth date under 18 years ago, in id order."""
    cutoff = dt.date.today() - dt.timedelta(days=365 * 18)
    links = RecordLink.objects.using(using).values_list("person_id", "record__birth_date")
    return sorted({p for p, born in links if born and born > cutoff})


def raise_alerts(using: str, rule: str, people: list[int], raised_at: dt.datetime) -> list[Alert]:
    findings = [Finding(rule_id=rule, rule_version=1, title="t", severity="high", mode="required",
                        route="hub", person_ids=(p,), event_keys=(f"x:{rule}{p}{raised_at:%j}",),
                        first_at=dt.date(2024, 6, 1), last_at=dt.date(2024, 6, 1), explanation=FREE_TEXT,
                        citation="c", uncertain=False, pattern_key=f"{rule}|{p}|{raised_at:%j}")
                for p in people]
    store(findings, using)
    alerts = Alert.objects.using(using).filter(pattern_key__in=[f.pattern_key for f in findings])
    alerts.update(raised_at=raised_at, last_at=raised_at - HAPPENED_BEFORE)
    return list(alerts.order_by("pk"))


def act(using: str, alert: Alert, step: str, after: dt.timedelta) -> None:
    """Acknowledge or close an alert, as if ``after`` its raising."""
    if step == "acknowledged":
        acknowledge(alert.pk, "sw", using)
    else:
        close(alert.pk, step, "reason", "sw", using)
    AlertAction.objects.using(using).filter(alert=alert, action=step).update(at=alert.raised_at + after)


@pytest.fixture
def history(loaded) -> str:
    """Alerts over the last months: R05 x8, R07a x3, R01 x1; some acknowledged, some closed."""
    using = loaded
    kids = children_of(using)
    now = timezone.now()
    r05 = raise_alerts(using, "R05", kids[:5], now - dt.timedelta(days=40))
    r05 += raise_alerts(using, "R05", kids[5:8], now - dt.timedelta(days=100))
    r07a = raise_alerts(using, "R07a", kids[:3], now - dt.timedelta(days=10))
    raise_alerts(using, "R01", kids[8:9], dt.datetime(2023, 1, 10, 12, tzinfo=dt.UTC))
    for alert, days in zip(r05[:3], (1, 2, 4), strict=True):
        act(using, alert, "acknowledged", dt.timedelta(days=days))
    act(using, r05[0], "actioned", dt.timedelta(days=10))
    act(using, r05[3], "dismissed", dt.timedelta(days=20))
    act(using, r07a[0], "dismissed", dt.timedelta(days=30))
    return using


def analyst(make_user):
    return verified_client(make_user(Role.ANALYST, username="analyst"))


def rows_of(response, field: str = "value") -> dict[tuple[str, str, str], str]:
    """The CSV's figures: (table, row, column) -> ``field`` ("value", or "shown" as on the page)."""
    assert response["Content-Type"].startswith("text/csv")
    reader = csv.DictReader(io.StringIO(response.content.decode()))
    assert reader.fieldnames == ["group", "table", "row", "column", "value", "shown", "note"]
    return {(r["table"], r["row"], r["column"]): r[field] for r in reader}


def _text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def table_of(page: str, key: str, caption: str) -> dict[tuple[str, str, str], str]:
    """A table on the page, keyed like :func:`rows_of` (its "uneven" tags left out): what a reader sees."""
    found = re.search(rf'<table class="govuk-table[^"]*" id="{key}">(.*?)</table>', page, re.S)
    assert found, key
    body = re.sub(r'<strong class="govuk-tag[^>]*>.*?</strong>', "", found.group(1), flags=re.S)
    head = [_text(h) for h in re.findall(r'<th scope="col"[^>]*>(.*?)</th>', body, re.S)]
    cells = {}
    for label, rest in re.findall(r'<th scope="row"[^>]*>(.*?)</th>(.*?)</tr>', body, re.S):
        figures = [_text(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", rest, re.S)]
        cells.update({(caption, _text(label), column): f
                      for column, f in zip(head[1:], figures, strict=True) if f})  # the CSV skips blanks
    return cells


def test_the_figures_are_right(history, make_user, settings):
    settings.JIGSAW_SUPPRESS_BELOW = 1  # nothing hidden: every figure can be checked
    using = history
    client = analyst(make_user)
    page = page_of(client.get(reverse("insight:aggregates")))
    assert "Partnership figures" in page and TITLES["R05"] in page
    got = rows_of(client.get(reverse("insight:aggregates-csv")))

    # people: resolved people, children (most common birth date under 18), children in 2+ agencies
    links = list(RecordLink.objects.using(using).values_list(
        "person_id", "record__birth_date", "record__source_system__agency_id", "record__source_system_id"))
    assert got[("People", "Resolved people (children and adults; one person however many records)",
                "Number")] == str(len({p for p, *_ in links}))
    births, agencies, latest = defaultdict(Counter), defaultdict(set), {}
    for person, born, agency, system in links:
        agencies[person].add(agency or -system)
        if born:
            births[person][born] += 1
            latest[person] = max(latest.get(person, born), born)
    today = dt.date.today()

    def age(born: dt.date) -> int:
        return today.year - born.year - ((today.month, today.day) < (born.month, born.day))

    voted = {p: min(c.items(), key=lambda kv: (-kv[1], str(kv[0])))[0] for p, c in births.items()}
    children = sum(age(b) < 18 for b in voted.values())
    assert got[("People", "Children under 18 today", "Number")] == str(children)
    multi = sum(1 for p in agencies if len(agencies[p]) >= 2 and p in latest and age(latest[p]) < 18)
    assert multi >= 2  # Olivia and Amelia at least: social care and the GP
    assert got[("People", "Children with records in two or more agencies", "Number")] == str(multi)
    per_system = Counter(PersonRecord.objects.using(using).values_list("source_system__code", flat=True))
    for system in SourceSystem.objects.using(using).select_related("agency"):
        label = f"{system.name or system.code} / {system.agency.name}" if system.agency else system.name
        assert got[("Person records by source system", label, "Person records")] == str(
            per_system[system.code])

    # alerts by rule and status, overdue, medians
    alerts = list(Alert.objects.using(using).values("rule_id", "status", "outcome", "due_at", "pk"))
    now = timezone.now()
    for rule in ("R05", "R07a", "R01"):
        mine = [a for a in alerts if a["rule_id"] == rule]
        row = f"{rule}: {TITLES[rule]}"
        assert got[("Alerts by rule and status", row, "Raised")] == str(len(mine))
        assert got[("Alerts by rule and status", row, "Open")] == str(
            sum(a["status"] == "open" for a in mine))
        assert got[("Alerts by rule and status", row, "Closed: dismissed")] == str(
            sum(a["outcome"] == "dismissed" for a in mine))
        assert got[("Alerts by rule and status", row, "Overdue")] == str(sum(
            a["status"] != "closed" and a["due_at"] is not None and a["due_at"] < now for a in mine))
    assert got[("Alerts by rule and status", f"R08: {TITLES['R08']}", "Raised")] == "0"
    assert got[("Alerts by status", "All alerts raised", "Alerts")] == str(len(alerts))
    assert got[("Alerts by status", "Acknowledged", "Alerts")] == str(
        sum(a["status"] == "acknowledged" for a in alerts))
    assert got[("Time from an alert being raised", "To acknowledged", "Alerts")] == "3"
    assert got[("Time from an alert being raised", "To acknowledged", "Median")] == str(2 * 86400.0)
    closed = [(a.at - a.alert.raised_at).total_seconds() for a in AlertAction.objects.using(using)
              .filter(action__in=["actioned", "dismissed"]).select_related("alert")]
    assert got[("Time from an alert being raised", "To closed", "Median")] == str(statistics.median(closed))
    assert "2.0 days" in page and "20.0 days" in page

    # per month: the last 12, each alert in the month its latest event happened (local time), not
    # the month it was raised
    months = Counter(timezone.localtime(r).strftime("%B %Y") for r in Alert.objects.using(using)
                     .filter(raised_at__gte=now - dt.timedelta(days=300)).values_list("last_at", flat=True))
    for month, n in months.items():
        assert got[(MONTHS, month, "Alerts")] == str(n)
    total = got[(MONTHS, "Total (12 months)", "Alerts")]
    assert total == str(len(alerts) - 1)  # not the 2023 one

    # fairness: the rule's rate per 1,000 children, from the fairness report
    assert got[("Sex", f"R05: {TITLES['R05']}", "Children alerted")] == "8"

    # data quality: the review queue and the imports
    assert ("Link review queue: pairs of records waiting for a person to decide", "Total", "Pairs") in got
    assert got[("Rows imported, all files", "Quarantined", "Rows")] == "0"


def test_small_counts_are_hidden_on_the_page_and_in_the_csv(history, make_user):
    client = analyst(make_user)
    got = rows_of(client.get(reverse("insight:aggregates-csv")))
    row = f"R07a: {TITLES['R07a']}"
    assert got[("Alerts by rule and status", row, "Raised")] == "fewer than 5"  # 3 alerts
    r05 = {c: got[("Alerts by rule and status", f"R05: {TITLES['R05']}", c)]
           for c in ("Open", "Acknowledged", "Closed: actioned", "Closed: dismissed", "Raised")}
    assert r05 == {"Open": "fewer than 5", "Acknowledged": "fewer than 5", "Closed: actioned": "fewer than 5",
                   "Closed: dismissed": "fewer than 5", "Raised": "8"}
    # one closed-as-actioned alert in all: its column total is hidden, and so is a second one
    totals = [got[("Alerts by status", s, "Alerts")] for s in ("Open", "Acknowledged", "Closed: actioned",
                                                               "Closed: dismissed")]
    assert sum(t in ("fewer than 5", "withheld") for t in totals) != 1
    assert got[("Time from an alert being raised", "To acknowledged", "Median")] == "withheld"
    page = page_of(client.get(reverse("insight:aggregates")))
    assert "fewer than 5" in page and "withheld" in page


def test_no_child_can_be_identified_from_the_page_or_the_csv(history, make_user, settings):
    settings.JIGSAW_SUPPRESS_BELOW = 1  # the worst case: every count shown
    client = analyst(make_user)
    page = page_of(client.get(reverse("insight:aggregates")))
    text = page + client.get(reverse("insight:aggregates-csv")).content.decode()
    records = PersonRecord.objects.using(history).values(
        "given_name", "family_name", "postcode", "nhs_number", "upn", "birth_date", "address")
    assert records
    # words the page has whoever is loaded (a surname can be "Read"): templates, labels, rule
    # titles, and the organisations' names; any other name on its own, and every full name, fails
    code = Path(sections.__file__).parent
    fixed = " ".join([
        *((code / f).read_text() for f in (
            "sections.py", "disclosure.py", "figures.py", "templates/insight/aggregates.html",
            "../web/templates/web/base.html")),
        *TITLES.values(), *ETHNIC_GROUPS,
        *(f"{s.name} {s.agency}" for s in SourceSystem.objects.using(history).select_related("agency"))])
    for r in records:
        assert f"{r['given_name']} {r['family_name']}" not in text
        for name in (r["given_name"], r["family_name"]):
            if not re.search(rf"\b{re.escape(name)}\b", fixed):
                assert not re.search(rf"\b{re.escape(name)}\b", text), name
        for value in (r["postcode"], r["nhs_number"], r["upn"], r["address"]):
            assert not value or value not in text, value
        if r["birth_date"]:
            assert r["birth_date"].isoformat() not in text
            assert f"{r['birth_date']:%-d %B %Y}" not in text
    assert FREE_TEXT not in text and "/children/" not in text


def test_each_view_and_export_is_in_the_access_log_with_its_dates(history, make_user):
    client = analyst(make_user)
    dates = {"from-day": "1", "from-month": "1", "from-year": "2024", "to-day": "31", "to-month": "12",
             "to-year": "2030"}
    assert client.get(reverse("insight:aggregates"), dates).status_code == 200
    views = AccessEntry.objects.using(history).filter(actor="analyst", action=Action.VIEW_AGGREGATES)
    assert views.count() == 1
    entry = views.get()
    assert entry.role == "analyst" and entry.person_id is None
    assert entry.detail == {"raised_from": "2024-01-01", "raised_to": "2030-12-31", "invalid_dates": False}
    assert client.get(reverse("insight:aggregates-csv"), dates).status_code == 200
    export = AccessEntry.objects.using(history).filter(actor="analyst", action=Action.EXPORT).get()
    assert export.detail == {"what": "aggregates", "raised_from": "2024-01-01", "raised_to": "2030-12-31"}
    assert AccessEntry.objects.using(history).filter(actor="analyst").count() == 2


def test_the_date_range_chooses_the_alerts_counted(history, make_user, settings):
    settings.JIGSAW_SUPPRESS_BELOW = 1
    client = analyst(make_user)
    start = timezone.localdate() - dt.timedelta(days=60)
    got = rows_of(client.get(reverse("insight:aggregates-csv"), {
        "from-day": start.day, "from-month": start.month, "from-year": start.year}))
    assert got[("Alerts by rule and status", f"R05: {TITLES['R05']}", "Raised")] == "5"  # not the 3 older
    assert got[("Alerts by rule and status", f"R01: {TITLES['R01']}", "Raised")] == "0"
    assert got[("Alerts by status", "All alerts raised", "Alerts")] == "8"
    got = rows_of(client.get(reverse("insight:aggregates-csv"), {
        "from-day": "1", "from-month": "1", "from-year": "2023",
        "to-day": "31", "to-month": "1", "to-year": "2023"}))
    assert got[("Alerts by status", "All alerts raised", "Alerts")] == "1"
    # raised in January 2023, its events happened in December 2022: counted there
    assert got[(MONTHS, "December 2022", "Alerts")] == "1"
    assert got[(MONTHS, "January 2023", "Alerts")] == "0"
    assert (MONTHS, "February 2023", "Alerts") not in got


FAIRNESS = {"fairness_ethnicity": "Ethnicity (DfE top-level group)", "fairness_sex": "Sex",
            "fairness_age_band": "Age band"}


def since(days: int) -> dict[str, int]:
    start = timezone.localdate() - dt.timedelta(days=days)
    return {"from-day": start.day, "from-month": start.month, "from-year": start.year}


def fairness_shown(client, dates: dict) -> dict[tuple[str, str, str], str]:
    """The fairness tables as the CSV gives them, after checking the page shows exactly the same."""
    page = page_of(client.get(reverse("insight:aggregates"), dates))
    csv_rows = rows_of(client.get(reverse("insight:aggregates-csv"), dates), "shown")
    shown = {key: v for key, v in csv_rows.items() if key[0] in FAIRNESS.values()}
    on_page = {}
    for key, caption in FAIRNESS.items():
        on_page.update(table_of(page, key, caption))
    assert shown and on_page == shown
    return shown


def test_the_fairness_tables_count_the_alerts_raised_in_the_dates_chosen(history, make_user, settings):
    settings.JIGSAW_SUPPRESS_BELOW = 1
    client = analyst(make_user)
    r05, r07a, r01 = (f"{rule}: {TITLES[rule]}" for rule in ("R05", "R07a", "R01"))
    everything = fairness_shown(client, {})
    assert [everything[("Sex", rule, "Children alerted")] for rule in (r05, r07a, r01)] == ["8", "3", "1"]

    recent = fairness_shown(client, since(60))  # R05's 5 and R07a's 3, not R05's older 3 nor R01's
    assert recent[("Sex", r05, "Children alerted")] == "5"
    assert recent[("Age band", r07a, "Children alerted")] == "3"
    assert not any(row == r01 for _table, row, _column in recent)
    children = int(rows_of(client.get(reverse("insight:aggregates-csv")))[
        ("People", "Children under 18 today", "Number")])
    assert recent[("Sex", r05, "All children")] == f"{round(1000 * 5 / children, 2):,.1f}"
    assert everything[("Sex", r05, "All children")] == f"{round(1000 * 8 / children, 2):,.1f}"
    # the same children in each group, whatever the dates
    assert {k: v for k, v in recent.items() if k[1] == "Children in the group"} == {
        k: v for k, v in everything.items() if k[1] == "Children in the group"}

    january_2023 = {"from-day": "1", "from-month": "1", "from-year": "2023",
                    "to-day": "31", "to-month": "1", "to-year": "2023"}
    old = fairness_shown(client, january_2023)
    assert {row for _table, row, _column in old} == {"Children in the group", r01,
                                                     "All rules (children alerted by any)"}
    assert old[("Ethnicity (DfE top-level group)", r01, "Children alerted")] == "1"
    page = page_of(client.get(reverse("insight:aggregates"), january_2023))
    assert "Alerts raised from 1 January 2023 to 31 January 2023. Each child counted once per rule" in page
    assert "whatever the dates" not in page

    none = page_of(client.get(reverse("insight:aggregates"), {**since(5), "to-day": "1", "to-month": "1",
                                                             "to-year": str(timezone.localdate().year + 1)}))
    assert "No alerts were raised in the dates chosen, so there is nothing to compare." in none


def test_the_fairness_tables_count_both_days_chosen_in_local_time(loaded, make_user, settings):
    """The alert tables' convention: from midnight starting the first day to midnight ending the last."""
    settings.JIGSAW_SUPPRESS_BELOW = 1
    kids, zone = children_of(loaded), timezone.get_current_timezone()
    first, last = dt.date(2024, 3, 31), dt.date(2024, 10, 27)  # each a day the clocks change in London

    def at(day: dt.date, time: dt.time) -> dt.datetime:
        return dt.datetime.combine(day, time, tzinfo=zone)

    day = dt.timedelta(days=1)
    raised = (at(first, dt.time.min), at(last, dt.time.max),  # counted
              at(first - day, dt.time.max), at(last + day, dt.time.min))  # the day before, the day after
    for kid, raised_at in zip(kids[:4], raised, strict=True):
        raise_alerts(loaded, "R08", [kid], raised_at)
    client = analyst(make_user)
    dates = {"from-day": first.day, "from-month": first.month, "from-year": first.year,
             "to-day": last.day, "to-month": last.month, "to-year": last.year}
    row = f"R08: {TITLES['R08']}"
    assert rows_of(client.get(reverse("insight:aggregates-csv"), dates))[
        ("Alerts by rule and status", row, "Raised")] == "2"
    assert fairness_shown(client, dates)[("Sex", row, "Children alerted")] == "2"
    assert fairness_shown(client, {})[("Sex", row, "Children alerted")] == "4"


def test_dated_fairness_tables_hide_small_counts_as_before(history, make_user):
    client = analyst(make_user)
    recent = fairness_shown(client, since(60))
    r05, r07a = (f"{rule}: {TITLES[rule]}" for rule in ("R05", "R07a"))
    assert recent[("Sex", r05, "Children alerted")] == "5"
    assert recent[("Sex", r07a, "Children alerted")] == "fewer than 5"  # 3 children
    assert recent[("Sex", r07a, "All children")] == "withheld"  # a rate of a hidden count


@pytest.mark.parametrize("dates", [
    {"from-day": "31", "from-month": "2", "from-year": "2024"},  # no such day
    {"from-day": "1", "from-month": "", "from-year": "2024"},  # incomplete
    {"to-day": "x", "to-month": "1", "to-year": "2024"},
    {"to-day": "1", "to-month": "1", "to-year": "1"},  # year 1: no 500 from the time zone
    {"from-day": "2", "from-month": "1", "from-year": "2024",
     "to-day": "1", "to-month": "1", "to-year": "2024"},  # from after to
])
def test_a_bad_date_is_a_govuk_error_not_a_500(loaded, make_user, dates):
    client = analyst(make_user)
    response = client.get(reverse("insight:aggregates"), dates)
    page = page_of(response)
    assert response.status_code == 400
    assert "govuk-error-summary" in page and "Error: Partnership figures" in page
    assert "govuk-form-group--error" in page and "Alerts by rule" not in page
    assert client.get(reverse("insight:aggregates-csv"), dates).status_code == 400
    assert not AccessEntry.objects.using(loaded).filter(action=Action.EXPORT).exists()


def test_the_csv_export(history, make_user):
    SourceSystem.objects.using(history).create(code="evil", name="=HYPERLINK(\"http://x\")")
    response = analyst(make_user).get(reverse("insight:aggregates-csv"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="partnership-figures.csv"'
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    got = rows_of(response)
    assert got[("Person records by source system", "'=HYPERLINK(\"http://x\") / –", "Person records")] == "0"
    assert not any(cell.startswith(("=", "+", "@")) for key in got for cell in key)
    assert {table for table, _row, _col in got} >= {
        "People", "Alerts by rule and status", "Alerts by status", "Time from an alert being raised",
        MONTHS, "Ethnicity (DfE top-level group)", "Sex", "Age band",
        "Rows imported, all files"}


def test_a_safeguarding_lead_sees_the_page_and_the_navigation_link(loaded, make_user):
    client = verified_client(make_user(Role.SAFEGUARDING_LEAD))
    assert "No alerts have been raised yet" in page_of(client.get(reverse("insight:aggregates")))
    home = page_of(client.get(reverse("home")))
    assert f'href="{reverse("insight:aggregates")}"' in home and "Partnership figures" in home


def test_an_empty_partnership_shows_zeros_not_an_error(web_db, make_user):
    client = analyst(make_user)
    page = page_of(client.get(reverse("insight:aggregates")))
    assert "Alerts by rule and status" in page and "No alerts have been raised yet" in page
    got = rows_of(client.get(reverse("insight:aggregates-csv")))
    assert got[("People", "Children under 18 today", "Number")] == "0"
    assert got[("Person records by source system", "Total", "Person records")] == "0"
