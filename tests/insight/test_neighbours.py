"""Statistical neighbours: an average of the neighbours' published values, and the page saying so."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from jigsaw.accounts.roles import Role
from jigsaw.insight import comparators
from jigsaw.insight.models import Comparator
from tests.accounts.support import verified_client
from tests.conftest import BOTH
from tests.web.support import page_of

pytestmark = pytest.mark.django_db(databases=BOTH)

VALUES = (
    "indicator,area_type,area,period,value,source\n"
    "re_referrals,local_authority,Bee,2024-25,10.0,DfE CIN table C1 https://x\n"
    "re_referrals,local_authority,Cee,2024-25,15.0,DfE CIN table C1 https://x\n"
    "re_referrals,local_authority,Ay,2024-25,40.0,DfE CIN table C1 https://x\n"
    "re_referrals,local_authority,Elsewhere,2024-25,90.0,DfE CIN table C1 https://x\n"
    "cla_rate,local_authority,Dee,2023-24,70,DfE CLA https://x\n"
)
LIST = "local_authority,neighbour,source\nAy,Bee,DfE SN list\nAy,Cee,DfE SN list\nAy,Dee,DfE SN list\n"


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def _files(tmp_path, values=VALUES, listed=LIST):
    (tmp_path / "v.csv").write_text(values)
    (tmp_path / "sn.csv").write_text(listed)
    return tmp_path / "v.csv", tmp_path / "sn.csv"


def test_the_neighbour_average_is_the_mean_of_the_neighbours_with_a_value(tmp_path, db_alias):
    values, listed = _files(tmp_path)
    comparators.import_file(values, db_alias, listed)
    sn = Comparator.objects.using(db_alias).filter(area_type="statistical_neighbours")
    got = {(c.indicator, c.period): c for c in sn}
    # Bee 10 and Cee 15 (Dee has no re-referral value; Ay is the authority itself; Elsewhere is no neighbour)
    assert got[("re_referrals", "2024-25")].value == 12.5
    assert got[("re_referrals", "2024-25")].area == "Statistical neighbours of Ay"
    assert "2 of the 3" in got[("re_referrals", "2024-25")].source
    assert "no published value for Dee" in got[("re_referrals", "2024-25")].source
    assert got[("cla_rate", "2023-24")].value == 70.0 and "1 of the 3" in got[("cla_rate", "2023-24")].source
    assert len(got) == 2


@pytest.mark.parametrize(
    ("listed", "says"),
    [
        ("local_authority,neighbour\nAy,Bee\n", "missing column(s) source"),
        (LIST + "Zed,Bee,x\n", "line 5: one local authority per list"),
        (LIST + "Ay,Bee,x\n", "line 5: 'Bee' is listed twice"),
        (LIST + "Ay,,x\n", "line 5: local_authority, neighbour and source are required"),
        ("local_authority,neighbour,source\n", "no rows"),
    ],
)
def test_a_malformed_neighbour_list_loads_nothing(tmp_path, db_alias, listed, says):
    values, path = _files(tmp_path, listed=listed)
    pattern = says.replace("(", r"\(").replace(")", r"\)")
    with pytest.raises(comparators.ComparatorError, match=pattern) as err:
        comparators.import_file(values, db_alias, path)
    assert "\n" not in str(err.value)
    assert not Comparator.objects.using(db_alias).exists()


def test_the_shipped_sample_averages_gateshead_s_ten_neighbours(db_alias):
    comparators.import_sample(db_alias)
    sn = {
        c.indicator: c
        for c in Comparator.objects.using(db_alias).filter(
            area_type="statistical_neighbours", period="2024-25"
        )
    }
    # re-referrals 2024-25 of the ten (LAIT, DfE CIN 2025 table C1): Darlington 13, Tameside 27.7,
    # South Tyneside 17.2, Rotherham 19.6, Stockton-on-Tees 28.8, Durham 18.7, Redcar and Cleveland 14.6,
    # Sunderland 18.5, Dudley 22.5, Wakefield 18.5: 199.1 / 10
    assert sn["re_referrals"].value == 19.9 and "10 of the 10" in sn["re_referrals"].source
    # plans lasting 2 years or more: five neighbours' values are suppressed ("-"), the rest
    # Tameside 1.9, Rotherham 5.5, Durham 2.8, Dudley 3.9, Wakefield 1.7: 15.8 / 5
    assert sn["cpp_2_years"].value == 3.2 and "5 of the 10" in sn["cpp_2_years"].source
    assert set(sn) == {
        "referrals_rate", "re_referrals", "assessments_45", "s47_rate", "icpc_15", "cpp_rate",
        "cpp_second", "cpp_2_years", "cla_rate", "placement_moves",
    }
    for c in sn.values():
        assert "DfE" in c.source and "https://" in c.source and "Gateshead" in c.source


def test_the_page_shows_the_neighbours_or_says_none_is_loaded(make_user, loaded, settings):
    comparators.import_sample(loaded)
    client = verified_client(make_user(Role.ANALYST))
    page = page_of(client.get(reverse("insight:picture")))
    assert "Statistical neighbours of Gateshead (2024-25, published)" in page
    assert "no statistical-neighbour value loaded" in page  # e.g. contacts: no published LA figure
    assert "Darlington" not in page and "Local authority: Gateshead" not in page
    csv_text = client.get(reverse("insight:picture-csv")).content.decode()
    assert "no statistical-neighbour value loaded" in csv_text
    settings.JIGSAW_LOCAL_AUTHORITY = "Gateshead"
    cache.clear()
    page = page_of(client.get(reverse("insight:picture")))
    assert "Local authority: Gateshead (2024-25, published)" in page


def test_the_command_loads_a_list_and_says_what_is_wrong_in_one_line(tmp_path, jigsaw):
    env = {"JIGSAW_DATA_DIR": str(tmp_path / "data"),
           "JIGSAW_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}"}
    values, listed = _files(tmp_path)
    done = jigsaw("insight", "comparators", "import", str(values), "--neighbours", str(listed), env=env)
    assert done.returncode == 0 and "5 comparator values loaded" in done.stdout
    listed.write_text(LIST + "Zed,Bee,x\n")
    bad = jigsaw("insight", "comparators", "import", str(values), "--neighbours", str(listed), env=env)
    assert bad.returncode == 1 and "one local authority per list" in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1
