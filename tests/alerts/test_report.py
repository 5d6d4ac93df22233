"""The fairness report: ages on the as-of date, distinct children, tested and corrected cells, outcomes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np
import pyarrow as pa
import pytest
from django.db.models import Q

from jigsaw.alerts.disparity import Cohort, cells, correct, design_effect, holm
from jigsaw.alerts.lifecycle import close
from jigsaw.alerts.models import Alert
from jigsaw.alerts.report import (
    AGE_BANDS,
    ALL_RULES,
    Raised,
    alerts_naming,
    board_rows,
    children_of,
    fairness,
    render,
)
from jigsaw.alerts.store import store
from jigsaw.rules import Finding
from tests.conftest import BOTH

TODAY = date(2026, 3, 1)


def _expected_band(born: date | None) -> str | None:
    if born is None:
        return None
    years = TODAY.year - born.year - ((TODAY.month, TODAY.day) < (born.month, born.day))
    return next((label for low, high, label in AGE_BANDS if low <= years < high), None)


def _people(births, ethnicity=None, sex=None) -> pa.Table:
    n = len(births)
    return pa.table({"person_id": pa.array(range(1, n + 1), pa.int64()),
                     "birth_date": pa.array(births, pa.date32()),
                     "sex": pa.array(sex or ["F"] * n), "ethnicity": pa.array(ethnicity or ["WBRI"] * n)})


def test_age_bands_match_a_birthday_count_at_every_boundary():
    births = [None, date(2008, 2, 29), date(2008, 3, 1), date(2008, 3, 2), date(2025, 3, 1), date(2025, 3, 2),
              date(2026, 3, 1), date(2027, 1, 1), date(1990, 6, 30)]
    births += [TODAY - timedelta(days=d) for d in range(0, 19 * 366, 17)]
    got = children_of(_people(births), TODAY)
    expected = {i + 1: band for i, band in enumerate(map(_expected_band, births)) if band is not None}
    assert {p: got.group_of(p)["age_band"] for p in got.ids.tolist()} == expected
    assert 2 not in got and 3 not in got  # 18 on the as-of date (29 Feb: by 1 March)
    assert got.group_of(5) == {"ethnicity": "White", "sex": "F", "disability": "Not known",
                               "deprivation": "Not known", "age_band": "1-4"}


def test_disability_comes_from_the_voted_person():
    table = _people([date(2020, 1, 1)] * 3).append_column("disability", pa.array([True, False, None]))
    got = children_of(table, TODAY)
    assert [got.group_of(p)["disability"] for p in (1, 2, 3)] == ["Disabled", "Not disabled", "Not known"]


def test_ages_are_taken_on_the_as_of_date_not_today():
    born = [date(2008, 6, 1)]
    assert 1 in children_of(_people(born), date(2026, 5, 31))
    assert 1 not in children_of(_people(born), date(2026, 6, 1))


def _cohort(n: int, groups: np.ndarray, household: np.ndarray | None = None) -> Cohort:
    return Cohort(household=np.arange(n) if household is None else household, need=np.zeros(n, int),
                  groups={"g": groups})


def test_a_real_over_alerting_is_flagged_and_so_is_under_alerting():
    n = 20_000
    groups = np.where(np.arange(n) < 2_000, "small", "big")
    alerted = np.zeros(n, bool)
    alerted[np.arange(0, 2_000, 20)] = True  # 50 per 1,000 in the small group
    alerted[np.arange(2_000, n, 50)] = True  # 20 per 1,000 in the rest
    table = cells(alerted, _cohort(n, groups), "g")
    correct(list(table.values()))
    small, big = table["small"], table["big"]
    assert (small["alerted"], small["children"], small["per_1000"]) == (100, 2_000, 50.0)
    assert small["expected"] == pytest.approx(2_000 * 460 / n)
    assert small["flagged"] and small["direction"] == "over" and big["direction"] == "under"
    assert small["low_per_1000"] < 50 < small["high_per_1000"]
    assert small["p_adjusted"] >= small["p_value"]


def test_no_difference_flags_nothing():
    n = 10_000
    rng = np.random.default_rng(3)
    table = cells(rng.random(n) < 0.02, _cohort(n, rng.choice(["a", "b", "c"], n)), "g")
    assert correct(list(table.values())) == 0


def test_siblings_alerted_together_widen_the_interval():
    n = 6_000
    household = np.arange(n) // 3  # households of three, all alerted together or not at all
    alerted = np.isin(household, np.arange(0, n // 3, 25))
    assert design_effect(alerted, household) == pytest.approx(3, rel=0.05)
    assert design_effect(alerted, np.arange(n)) == pytest.approx(1, abs=0.001)
    groups = np.where(np.arange(n) < 600, "x", "y")
    clustered = cells(alerted, _cohort(n, groups, household), "g")["x"]
    alone = cells(alerted, _cohort(n, groups), "g")["x"]
    assert (clustered["high_per_1000"] - clustered["low_per_1000"]
            > alone["high_per_1000"] - alone["low_per_1000"])


def test_need_is_standardised_so_a_group_of_babies_is_not_called_over_alerted():
    n = 4_000
    need = np.where(np.arange(n) < 2_000, 0, 1)  # half babies, half older
    groups = np.full(n, "y")
    groups[:800] = groups[2_000:2_200] = "x"  # x: 800 babies and 200 older; y: 1,200 and 1,800
    alerted = (need == 0) & (np.arange(n) % 10 == 0)  # the rule alerts one baby in ten, in either group
    table = cells(alerted, Cohort(np.arange(n), need, {"g": groups}), "g")
    assert table["x"]["ratio"] == pytest.approx(1, abs=0.05) and table["x"]["p_value"] > 0.5
    crude = cells(alerted, _cohort(n, groups), "g", standardise=False)
    assert crude["x"]["ratio"] > 1.2


def test_a_cohort_codes_each_dimension_once_and_still_works_after_the_cache_pickles_it():
    import pickle

    n = 4_000
    need = np.where(np.arange(n) < 2_000, 0, 1)
    groups = np.where(np.arange(n) % 3 == 0, "x", "y")
    alerted = np.arange(n) % 7 == 0
    fresh = Cohort(np.arange(n), need, {"g": groups})
    first = cells(alerted, fresh, "g")
    assert fresh.coded("g") is fresh.coded("g")  # sorted once, reused by every rule
    restored = pickle.loads(pickle.dumps(Cohort(np.arange(n), need, {"g": groups})))  # noqa: S301 (our own bytes, as the cache stores them)
    assert cells(alerted, restored, "g") == first == cells(alerted, fresh, "g")


def test_holm_adjusts_step_down():
    assert holm([0.01, 0.04, 0.03, 0.5]) == pytest.approx([0.04, 0.09, 0.09, 0.5])
    assert holm([]) == []


# Children 1-4 (4 under 1), 99 an adult, so never counted.
PEOPLE = _people([date(2023, 1, 1), date(2018, 1, 1), date(2012, 1, 1), date(2025, 9, 1), date(1980, 1, 1)],
                 ethnicity=["WBRI", "APKN", "WIRI", "BAFR", "WBRI"], sex=["F", "M", "M", "F", "M"])
JANUARY, MARCH = datetime(2024, 1, 10, 12, tzinfo=UTC), datetime(2024, 3, 10, 12, tzinfo=UTC)


def _raise(using: str, rule: str, people: tuple[int, ...], raised_at: datetime) -> int:
    key = f"{rule}|{people}|{raised_at:%j}"
    store([Finding(rule_id=rule, rule_version=1, title="t", severity="high", mode="required", route="hub",
                   person_ids=people, event_keys=(f"x:{key}",), first_at=date(2024, 1, 1),
                   last_at=date(2024, 1, 1), explanation="e", citation="c", uncertain=False,
                   pattern_key=key)], using)
    alert = Alert.objects.using(using).get(pattern_key=key)
    Alert.objects.using(using).filter(pk=alert.pk).update(raised_at=raised_at)
    return alert.pk


@pytest.fixture
def alerts(db_alias) -> str:
    """R05 on child 1 in January (twice) and on child 2 and the adult in March; R07a on child 3."""
    _raise(db_alias, "R05", (1,), JANUARY)
    first = _raise(db_alias, "R05", (1,), JANUARY + timedelta(days=1))
    _raise(db_alias, "R05", (2, 5), MARCH)
    _raise(db_alias, "R07a", (3,), JANUARY)
    close(first, "dismissed", "no concern", "tester", using=db_alias)
    return db_alias


@pytest.mark.django_db(databases=BOTH)
def test_children_are_counted_once_per_rule_and_all_rules_together(alerts):
    children = children_of(PEOPLE, TODAY)
    data = fairness(children, alerts_naming(alerts, children), using=alerts)
    assert data["children"] == 4 and set(data["rules"]) == {"R05", "R07a", ALL_RULES}
    r05 = data["rules"]["R05"]
    assert r05["children_alerted"] == 2 and r05["per_1000"] == 500.0  # child 1 twice counts once
    by_ethnicity = {g: v["alerted"] for g, v in r05["by"]["ethnicity"].items()}
    assert by_ethnicity == {"Asian": 1, "Black": 0, "White": 1}
    assert data["rules"][ALL_RULES]["children_alerted"] == 3
    assert r05["outcomes"]["ethnicity"]["White"] == {**r05["outcomes"]["ethnicity"]["White"],
                                                     "actioned": 0, "dismissed": 1, "share_dismissed": 1.0}
    assert "R05: 2 children alerted" in render(data)
    rows = board_rows(data)
    assert {(r["rule"], r["dimension"], r["kind"]) for r in rows} >= {("R05", "age_band", "need"),
                                                                       (ALL_RULES, "ethnicity", "protected")}


@pytest.mark.django_db(databases=BOTH)
def test_a_filter_counts_only_the_alerts_it_keeps_and_small_groups_are_pooled(alerts):
    children = children_of(PEOPLE, TODAY)
    march_on = alerts_naming(alerts, children, Q(raised_at__gte=datetime(2024, 3, 1, tzinfo=UTC)))
    data = fairness(children, march_on, using=alerts)
    assert set(data["rules"]) == {"R05", ALL_RULES}  # R07a's only alert is in January
    assert data["rules"]["R05"]["children_alerted"] == 1
    pooled = fairness(children, march_on, using=alerts, pooled=alerts_naming(alerts, children))
    white = pooled["rules"]["R05"]["by"]["ethnicity"]["White"]
    assert white["pooled"] == "all dates" and white["alerted"] == 1 and white["alerted_in_dates"] == 0


def test_alerts_naming_only_adults_are_left_out():
    children = children_of(PEOPLE, TODAY)
    data = fairness(children, [Raised("R01", JANUARY, (1,))])
    assert data["rules"]["R01"]["by"]["sex"]["F"]["alerted"] == 1


def test_deprivation_comes_from_the_lookup_and_a_bad_lookup_is_refused(tmp_path):
    from jigsaw.alerts.deprivation import DeprivationLookupError, read_lookup

    good = tmp_path / "imd.csv"
    good.write_text("postcode,imd_decile\nNV1 1AB,1\nnv1 2ab,10\n", encoding="utf-8")
    lookup = read_lookup(good)
    assert lookup == {"NV11AB": "1-2 (most deprived)", "NV12AB": "9-10 (least deprived)"}
    table = _people([date(2020, 1, 1)] * 3).append_column("postcode", pa.array(["NV1 1AB", "NV12AB", None]))
    got = children_of(table, TODAY, deprivation=lookup)
    assert [got.group_of(p)["deprivation"] for p in (1, 2, 3)] == [
        "1-2 (most deprived)", "9-10 (least deprived)", "Not known"]
    bad = tmp_path / "bad.csv"
    bad.write_text("postcode,imd_decile\nNV1 1AB,11\n", encoding="utf-8")
    with pytest.raises(DeprivationLookupError, match="line 2: imd_decile must be 1 to 10"):
        read_lookup(bad)
    (tmp_path / "cols.csv").write_text("pc,decile\n", encoding="utf-8")
    with pytest.raises(DeprivationLookupError, match="needs the columns"):
        read_lookup(tmp_path / "cols.csv")


def test_children_of_one_household_share_a_cluster():
    got = children_of(_people([date(2020, 1, 1)] * 4), TODAY, homes=[[1, 2, 99], [3]])
    household = dict(zip(got.ids.tolist(), got.cohort.household.tolist(), strict=True))
    assert household[1] == household[2] and len({household[1], household[3], household[4]}) == 3
