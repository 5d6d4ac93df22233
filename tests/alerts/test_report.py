"""The fairness report: its age bands agree with a plain birthday count; a filter picks the alerts counted."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pyarrow as pa
import pytest
from django.db.models import Q

from jigsaw.alerts.models import Alert
from jigsaw.alerts.report import AGE_BANDS, children_of, fairness, group_sizes, subjects_of
from jigsaw.alerts.store import store
from jigsaw.rules import Finding
from tests.conftest import BOTH

TODAY = date(2026, 3, 1)


def _expected_band(born: date | None) -> str | None:
    if born is None:
        return None
    years = TODAY.year - born.year - ((TODAY.month, TODAY.day) < (born.month, born.day))
    return next((label for low, high, label in AGE_BANDS if low <= years < high), None)


def test_age_bands_match_a_birthday_count_at_every_boundary():
    births = [None, date(2008, 2, 29), date(2008, 3, 1), date(2008, 3, 2), date(2025, 3, 1), date(2025, 3, 2),
              date(2026, 3, 1), date(2027, 1, 1), date(1990, 6, 30)]
    births += [TODAY - timedelta(days=d) for d in range(0, 19 * 366, 17)]
    table = pa.table({"person_id": pa.array(range(len(births)), pa.int64()),
                      "birth_date": pa.array(births, pa.date32()),
                      "sex": pa.array(["F"] * len(births)), "ethnicity": pa.array(["WBRI"] * len(births))})
    got = children_of(table, TODAY)
    expected = {i: band for i, band in enumerate(map(_expected_band, births)) if band is not None}
    assert {i: c["age_band"] for i, c in got.items()} == expected
    assert got[3]["age_band"] == "16-17" and 1 not in got and 2 not in got  # 18 today (29 Feb: by 1 March)
    assert got[4] == {"ethnicity": "White", "sex": "F", "age_band": "1-4"}


# Children by id, as children_of gives them; 99 is an adult, so never counted.
CHILDREN = {1: {"ethnicity": "White", "sex": "F", "age_band": "1-4"},
            2: {"ethnicity": "Asian", "sex": "M", "age_band": "5-10"},
            3: {"ethnicity": "White", "sex": "M", "age_band": "11-15"},
            4: {"ethnicity": "Black", "sex": "F", "age_band": "under 1"}}
JANUARY, MARCH = datetime(2024, 1, 10, 12, tzinfo=UTC), datetime(2024, 3, 10, 12, tzinfo=UTC)


def _raise(using: str, rule: str, person: int, raised_at: datetime) -> None:
    key = f"{rule}|{person}|{raised_at:%j}"
    store([Finding(rule_id=rule, rule_version=1, title="t", severity="high", mode="required", route="hub",
                   person_ids=(person,), event_keys=(f"x:{key}",), first_at=date(2024, 1, 1),
                   last_at=date(2024, 1, 1), explanation="e", citation="c", uncertain=False,
                   pattern_key=key)], using)
    Alert.objects.using(using).filter(pattern_key=key).update(raised_at=raised_at)


@pytest.fixture
def alerts(db_alias) -> str:
    """R05 on child 1 in January and on child 2 and the adult in March; R07a on child 3 in January."""
    for rule, person, raised_at in (("R05", 1, JANUARY), ("R05", 2, MARCH), ("R05", 99, MARCH),
                                    ("R07a", 3, JANUARY)):
        _raise(db_alias, rule, person, raised_at)
    return db_alias


@pytest.mark.django_db(databases=BOTH)
def test_without_a_filter_every_alert_ever_raised_is_counted(alerts):
    data = fairness(today=TODAY, using=alerts, children=CHILDREN)
    assert data["children"] == 4 and set(data["rules"]) == {"R05", "R07a"}
    r05 = data["rules"]["R05"]
    assert r05["children_alerted"] == 2 and r05["per_1000"] == 500.0
    by_ethnicity = {g: v["alerted"] for g, v in r05["by"]["ethnicity"].items()}
    assert by_ethnicity == {"Asian": 1, "Black": 0, "White": 1}


@pytest.mark.django_db(databases=BOTH)
def test_a_filter_counts_only_the_alerts_it_keeps_over_the_same_children(alerts):
    march_on = subjects_of(alerts, CHILDREN, Q(raised_at__gte=datetime(2024, 3, 1, tzinfo=UTC)))
    data = fairness(today=TODAY, using=alerts, children=CHILDREN, subjects=march_on)
    assert data["children"] == 4 and set(data["rules"]) == {"R05"}  # R07a's only alert is in January
    r05 = data["rules"]["R05"]
    assert r05["children_alerted"] == 1 and r05["per_1000"] == 250.0
    ethnicity = r05["by"]["ethnicity"]
    assert {g: v["alerted"] for g, v in ethnicity.items()} == {"Asian": 1, "Black": 0, "White": 0}
    assert {g: v["children"] for g, v in ethnicity.items()} == {"Asian": 1, "Black": 1, "White": 2}
    assert ethnicity["Asian"]["per_1000"] == 1000.0 and ethnicity["Asian"]["ratio_to_overall"] == 4.0
    january = fairness(today=TODAY, using=alerts, children=CHILDREN, subjects=subjects_of(
        alerts, CHILDREN, Q(raised_at__lt=datetime(2024, 2, 1, tzinfo=UTC))))
    assert {rule: r["children_alerted"] for rule, r in january["rules"].items()} == {"R05": 1, "R07a": 1}
    assert january["rules"]["R05"]["by"]["sex"]["F"]["alerted"] == 1


@pytest.mark.django_db(databases=BOTH)
def test_the_sizes_and_the_alerted_children_alone_give_the_same_report(alerts):
    """The partnership figures keep only these in the cache: the report must not change."""
    named = set().union(*subjects_of(alerts, CHILDREN).values())
    assert named == {1, 2, 3}
    for raised in (None, Q(raised_at__gte=datetime(2024, 3, 1, tzinfo=UTC))):
        subjects = subjects_of(alerts, CHILDREN, raised)
        whole = fairness(today=TODAY, using=alerts, children=CHILDREN, subjects=subjects)
        assert fairness(today=TODAY, using=alerts, children={p: CHILDREN[p] for p in named},
                        sizes=group_sizes(CHILDREN), subjects=subjects) == whole
