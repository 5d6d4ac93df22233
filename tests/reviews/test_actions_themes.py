"""Action plans and the board; learning themes counted across reviews, by year, small numbers hidden."""

from datetime import date

import pytest

from jigsaw.reviews import actions, services
from jigsaw.reviews.models import PlanAction, ThemeCode
from jigsaw.reviews.themes import BY_CODE, THEMES, theme_table
from jigsaw.reviews.workflow import ReviewError
from tests.conftest import BOTH

pytestmark = pytest.mark.django_db(databases=BOTH)
TODAY = date(2026, 11, 30)


def _review(family, aware=date(2025, 12, 22)):
    return services.open_review(family["amy"], aware, "death", "m", today=TODAY, using=family["using"])


def test_actions_need_an_owner_and_evidence_to_be_done_and_show_overdue(family):
    using = family["using"]
    review = _review(family)
    rec = actions.add_recommendation(review.pk, "Agencies share information at referral", using=using)
    assert rec.number == 1 and actions.add_recommendation(review.pk, "Second", using=using).number == 2
    with pytest.raises(ReviewError, match="owner"):
        actions.add_action(review.pk, 1, "Audit", "Police", " ", date(2026, 1, 31), using=using)
    late = actions.add_action(
        review.pk, 1, "Audit referrals", "Police", "DI Lead", date(2026, 1, 31), using=using
    )
    later = actions.add_action(
        review.pk, 2, "Train staff", "Health", "Named nurse", date(2027, 1, 31), using=using
    )
    with pytest.raises(ReviewError, match="evidence"):
        actions.update_action(later.pk, PlanAction.DONE, "m", using=using)
    actions.update_action(later.pk, PlanAction.DONE, "m", evidence="training log", using=using)
    assert [a.pk for a in actions.overdue_actions(TODAY, using)] == [late.pk]
    board = actions.board(TODAY, using)
    assert board["totals"] == {"actions": 2, "done": 1, "overdue": 1, "percent_done": 50}
    assert board["reviews"][0]["overdue"] == 1 and board["reviews"][0]["percent_done"] == 50


def test_the_theme_list_is_controlled_and_cited():
    assert len({t.code for t in THEMES}) == len(THEMES)
    assert all(t.source for t in THEMES)
    assert {
        "domestic_abuse",
        "parental_mental_health",
        "substance_misuse",
        "neglect",
        "sexual_abuse",
        "disability",
        "going_missing",
        "previous_child_removed",
        "information_sharing",
        "chronologies",
        "injury_isolated",
        "thresholds",
        "supervision",
        "voice_of_child",
    } <= set(BY_CODE)
    assert sum(t.family == "principle" for t in THEMES) == 10


def test_unknown_themes_are_refused_and_nothing_changes(family):
    review = _review(family)
    services.code_themes(review.pk, ["neglect"], "m", using=family["using"])
    with pytest.raises(ReviewError, match="unknown theme 'toxic_trio'"):
        services.code_themes(review.pk, ["neglect", "toxic_trio"], "m", using=family["using"])
    assert list(ThemeCode.objects.using(family["using"]).values_list("theme", flat=True)) == ["neglect"]


def test_counts_and_percentages_by_year_with_small_numbers_suppressed(family, settings):
    using = family["using"]
    settings.JIGSAW_REVIEW_SUPPRESS_BELOW = 3
    reviews = [_review(family, date(2025, 3, 3)) for _ in range(3)] + [_review(family, date(2026, 3, 3))]
    for r in reviews:
        services.code_themes(r.pk, ["domestic_abuse"], "m", using=using)
    services.code_themes(reviews[0].pk, ["domestic_abuse", "neglect"], "m", using=using)
    table = theme_table(using)
    row = {r["code"]: r for r in table["rows"]}
    assert table["reviews"] == 4 and table["years"] == {2025: 3, 2026: 1}
    assert row["domestic_abuse"]["all"] == {"count": 4, "suppressed": False, "percent": 100.0}
    assert row["domestic_abuse"]["years"][2025] == {"count": 3, "suppressed": False, "percent": 100.0}
    assert row["domestic_abuse"]["years"][2026]["suppressed"]  # 1 of 1: could point at a family
    assert row["neglect"]["all"] == {"count": None, "suppressed": True, "percent": None}
    assert row["sexual_abuse"]["all"] == {"count": 0, "suppressed": False, "percent": 0.0}
    settings.JIGSAW_REVIEW_SUPPRESS_BELOW = 1
    assert theme_table(using)["rows"][0]["years"][2026]["count"] == 1
    assert theme_table(using, year=2026)["reviews"] == 1
