"""The controlled list of learning themes a review is coded with, and the table across reviews.

Two families, each item citing where it comes from:

* **characteristics**: the national panel's characteristics of the 538 children notified in
  2018-19 (seed ``004_032a0f67194532a3.txt``: "35% Domestic abuse/violence, 21% Addiction, 17%
  Diagnosed mental ill health of parent, 13% Sexual abuse, 12% Child(ren) with disability, 9%
  Child(ren) going missing, 11% Perpetrator had criminal history, 7% History of child abuse by
  either or both parents, 7% History of intergenerational abuse, 4% New baby with previous
  sibling removed, 1% Returned to parents after removal"), with neglect from the London SCR
  analysis (seed ``003``: "Neglect a serious issue in 27% of cases");
* **practice themes**: the SCR findings in seeds ``000`` and ``003`` (information sharing,
  chronologies, an injury seen as an isolated event, thresholds, supervision, children who go
  missing) and the ten principles for learning of seed ``004``.

Counts across reviews are by the year the council became aware, with counts below
``JIGSAW_REVIEW_SUPPRESS_BELOW`` (a setting, default 3) shown as suppressed: with a handful of
reviews a year, a count of one or two could point at one family.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.db.models import F

from .models import CaseReview, ThemeCode

SEED_PANEL = "seed 004: panel characteristics of 538 children notified 2018-19"
SEED_LONDON = "seed 003: 47 London SCRs, April 2006 - September 2009"
SEED_000 = "seed 000: SCR findings (communication, supervision, thresholds, chronologies)"
SEED_PRINCIPLES = "seed 004: 10 Principles for learning"


@dataclass(frozen=True)
class Theme:
    code: str
    label: str
    family: str  # "characteristic" | "practice" | "principle"
    source: str


THEMES: tuple[Theme, ...] = (
    Theme(
        "domestic_abuse", "Domestic abuse", "characteristic", SEED_PANEL + " (35%); " + SEED_LONDON + " (47%)"
    ),
    Theme(
        "substance_misuse",
        "Parental substance misuse (addiction)",
        "characteristic",
        SEED_PANEL + " (21%); " + SEED_LONDON + " (alcohol 23%, drugs 28%)",
    ),
    Theme(
        "parental_mental_health",
        "Parental mental ill health",
        "characteristic",
        SEED_PANEL + " (17%); " + SEED_LONDON + " (60%)",
    ),
    Theme("sexual_abuse", "Sexual abuse", "characteristic", SEED_PANEL + " (13%)"),
    Theme("disability", "Child with a disability", "characteristic", SEED_PANEL + " (12%)"),
    Theme("going_missing", "Child going missing", "characteristic", SEED_PANEL + " (9%)"),
    Theme(
        "perpetrator_criminal_history",
        "Perpetrator had a criminal history",
        "characteristic",
        SEED_PANEL + " (11%)",
    ),
    Theme(
        "parental_history_of_abuse",
        "History of child abuse by a parent",
        "characteristic",
        SEED_PANEL + " (7%)",
    ),
    Theme("intergenerational_abuse", "Intergenerational abuse", "characteristic", SEED_PANEL + " (7%)"),
    Theme(
        "previous_child_removed",
        "New baby with a previous sibling removed",
        "characteristic",
        SEED_PANEL + " (4%)",
    ),
    Theme(
        "returned_after_removal", "Returned to parents after removal", "characteristic", SEED_PANEL + " (1%)"
    ),
    Theme("neglect", "Neglect", "characteristic", SEED_LONDON + " (27%)"),
    Theme(
        "information_sharing",
        "Information sharing between agencies",
        "practice",
        SEED_000 + "; seed 001 (interagency communication and information sharing)",
    ),
    Theme(
        "chronologies",
        "Chronologies and history taking",
        "practice",
        SEED_LONDON + " ('Chronologies/history taking an issue in several SCRs'); seed 000",
    ),
    Theme(
        "injury_isolated",
        "Injury treated as an isolated event",
        "practice",
        SEED_LONDON + " ('injury as an isolated event instead of part of a pattern')",
    ),
    Theme(
        "thresholds", "Thresholds not explicit or not understood", "practice", SEED_LONDON + "; " + SEED_000
    ),
    Theme("supervision", "Supervision and management oversight", "practice", SEED_LONDON + "; " + SEED_000),
    Theme("voice_of_child", "Voice of the child", "practice", SEED_PRINCIPLES + " (principle 10)"),
    *(
        Theme(f"principle_{n}", f"Principle {n}: {label}", "principle", SEED_PRINCIPLES)
        for n, label in (
            (1, "Keep clear and detailed records"),
            (2, "Never make assumptions"),
            (3, "Always share information"),
            (4, "Don't be afraid to challenge decisions"),
            (5, "Consider convening a multi-agency meeting"),
            (6, "Clear, concise and consistent communication"),
            (7, "All need training to work with challenging and evasive parents"),
            (8, "Support your staff"),
            (9, "Safeguarding is everyone's responsibility"),
            (10, "Keep listening to the voice of the child"),
        )
    ),
)
BY_CODE: dict[str, Theme] = {t.code: t for t in THEMES}
FAMILIES = {
    "characteristic": "Characteristics of the child and family",
    "practice": "Practice themes",
    "principle": "The ten principles for learning",
}


def suppress_below() -> int:
    return int(getattr(settings, "JIGSAW_REVIEW_SUPPRESS_BELOW", 3))


def unknown_codes(codes: list[str]) -> list[str]:
    return [c for c in codes if c not in BY_CODE]


def theme_table(using: str = "default", year: int | None = None) -> dict:
    """Counts and percentages of reviews coded with each theme, overall and by year.

    A count below the suppression threshold is given as ``None`` (and its percentage too), with
    ``suppressed`` true; the number of reviews in each column is always shown.
    """
    reviews = CaseReview.objects.using(using)
    if year is not None:
        reviews = reviews.filter(aware_on__year=year)
    years = dict(reviews.values_list("pk", "aware_on__year"))
    per_year = Counter(years.values())
    codes = (
        ThemeCode.objects.using(using)
        .filter(review_id__in=list(years))
        .annotate(year=F("review__aware_on__year"))
        .values_list("theme", "year")
    )
    overall: Counter[str] = Counter()
    by_year: dict[int, Counter[str]] = {y: Counter() for y in per_year}
    for theme, y in codes:
        overall[theme] += 1
        by_year[y][theme] += 1
    floor = suppress_below()

    def cell(count: int, total: int) -> dict:
        hidden = 0 < count < floor
        return {
            "count": None if hidden else count,
            "suppressed": hidden,
            "percent": None if hidden or not total else round(100 * count / total, 1),
        }

    rows = []
    for theme in THEMES:
        rows.append(
            {
                "code": theme.code,
                "label": theme.label,
                "family": theme.family,
                "source": theme.source,
                "all": cell(overall[theme.code], len(years)),
                "years": {y: cell(by_year[y][theme.code], per_year[y]) for y in sorted(per_year)},
            }
        )
    return {
        "reviews": len(years),
        "years": {y: per_year[y] for y in sorted(per_year)},
        "suppress_below": floor,
        "rows": rows,
    }
