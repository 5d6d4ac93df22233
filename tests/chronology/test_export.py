"""CSV, JSON and printable HTML: same content, safe cells, accessible markup."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from jigsaw.chronology.export import COLUMNS, render
from jigsaw.chronology.household import child_chronology, household_chronology

pytestmark = pytest.mark.django_db(databases=["default", "postgres"])


def test_csv_neutralises_formulas_and_keeps_every_entry(family):
    c = household_chronology(family["amy"], using=family["using"])
    rows = list(csv.DictReader(io.StringIO(render(c, "csv"))))
    assert tuple(rows[0]) == COLUMNS and len(rows) == len(c.entries)
    gp = next(r for r in rows if r["event_key"] == "gp:G-1")
    assert gp["description"].startswith("'=HYPERLINK")
    assert not any(cell[:1] in ("=", "+", "-", "@") for row in rows for cell in row.values())
    e2 = next(r for r in rows if r["event_key"] == "csc:E2")
    assert (e2["date_text"], e2["uncertain"], e2["significance_source"]) == (
        "March 2024 (uncertain)", "yes", "suggested")
    dup = next(r for r in rows if r["event_key"] == "csc:E4")
    assert dup["also_recorded_by"] == "Northvale Police (police:P-1)" and "also recorded by" in dup["note"]


def test_json_carries_kind_significance_source_and_who_recorded(family):
    data = json.loads(render(child_chronology(family["amy"], using=family["using"]), "json"))
    assert data["events_total"] == data["events_shown"] == 7 and not data["anonymised"]
    e3 = next(e for e in data["entries"] if e["event_key"] == "csc:E3")
    assert e3["kind"] == "judgement" and e3["is_judgement"]
    assert (e3["recorded_by"], e3["recorded_by_role"], e3["recorded_on"]) == (
        "Emma Walker", "social worker", "2024-04-03")
    assert e3["significance_source"] == "suggested" and e3["source_record"] == "C1"
    assert data["subjects"][0] == {
        "whose": "Child", "basis": "the subject of the chronology", "person_id": family["amy"],
        "name": "Amy Smith", "birth_date": "2020-03-04"}


def test_html_is_a_captioned_table_with_judgements_styled_apart(family):
    html = render(household_chronology(family["amy"], using=family["using"]), "html")
    assert '<html lang="en-GB">' in html and "<caption>Events in date order</caption>" in html
    assert '<th scope="col">Date</th>' in html and '<th scope="row">' in html
    assert html.count('<tr class="judgement">') == 1
    assert "Professional judgement" in html
    assert "March 2024 (uncertain)" in html and "(suggested)" in html
    assert "<script>x</script>" not in html and "&lt;script&gt;" in html
    assert "Partner of mother" in html and "Amy Smith" in html
    assert "born 4 March 2020" in html and "2020-03-04" not in html  # dates in words, not ISO
    assert re.search(r"Produced \d{1,2} [A-Z][a-z]+ \d{4} \d\d:\d\d from", html)


def test_after_death_note_in_every_format(family):
    c = child_chronology(family["tom"], using=family["using"])
    for fmt in ("csv", "json", "html"):
        assert "recorded death: check the record" in render(c, fmt)
