"""Fairness report: does a rule alert some groups of children more, or less, than the rest?

DESIGN's domain note: audit alert volume and outcomes across ethnicity, disability and
deprivation — a rule that fires unevenly is a defect. For each rule, and for all rules together,
this counts the distinct children alerted in each group of each dimension against the children of
that group, with the expected count, a 95% interval that allows for siblings being alerted
together, and a p-value against the rest of the children corrected for the many cells compared
(:mod:`jigsaw.alerts.disparity` holds the statistics and their sources). Protected
characteristics (ethnicity, sex, disability, deprivation) are kept apart from *need* (age band,
the ages each rule targets): the protected comparisons are standardised for age, and the age
table is shown as need, never flagged as unfair. Ages are taken on the alerts' as-of date (the
day the rules last ran), not today. For the alerts a person has closed it also gives, per rule
and group, the share actioned and the share dismissed, so a rule dismissed more often for one
group shows. Given a synthetic partnership's truth, each cell also has the share of its alerted
children who carry an injected pattern, so an uneven rate can be told apart from an uneven need.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
from django.db.models import Max, Q
from scipy import stats

from jigsaw.alerts.disparity import ALPHA, Cohort, assess, holm
from jigsaw.alerts.models import Alert
from jigsaw.alerts.population import all_people, households, postcodes
from jigsaw.feeds import ethnic_group
from jigsaw.records.models import PersonRecord
from jigsaw.signpost.models import RecordLink

#: Age bands on the as-of date (years, lower bound inclusive).
AGE_BANDS = ((0, 1, "under 1"), (1, 5, "1-4"), (5, 11, "5-10"), (11, 16, "11-15"), (16, 18, "16-17"))
PROTECTED = ("ethnicity", "sex", "disability", "deprivation")
NEED = ("age_band",)
DIMENSIONS = (*PROTECTED, *NEED)
ALL_RULES = "all rules"
NOT_KNOWN = "Not known"


def _age_bands(born: np.ndarray, today: date) -> np.ndarray:
    """Each birth date's age band at ``today`` (index into AGE_BANDS), -1 for adults and unknowns."""
    valid = ~np.isnat(born)
    days = np.where(valid, born, np.datetime64("1970-01-01")).astype("datetime64[D]")
    months = days.astype("datetime64[M]")
    year = months.astype("datetime64[Y]").astype(np.int64) + 1970
    month = months.astype(np.int64) % 12 + 1
    day = (days - months).astype(np.int64) + 1
    before_birthday = (today.month < month) | ((today.month == month) & (today.day < day))
    years = today.year - year - before_birthday
    band = np.full(len(born), -1)
    for index, (low, high, _label) in enumerate(AGE_BANDS):
        band[valid & (years >= low) & (years < high)] = index
    return band


@dataclass
class Children:
    """The children a report counts (under 18 on ``as_of``), by sorted person id, as a :class:`Cohort`."""

    ids: np.ndarray
    cohort: Cohort
    as_of: date

    def __len__(self) -> int:
        return len(self.ids)

    def mask(self, persons: Iterable[int]) -> np.ndarray:
        """A true for each of ``persons`` who is one of the children (others are ignored)."""
        out = np.zeros(len(self.ids), bool)
        if not len(self.ids):
            return out
        wanted = np.fromiter(persons, np.int64)
        at = np.searchsorted(self.ids, wanted)
        hit = (at < len(self.ids)) & (self.ids[np.minimum(at, len(self.ids) - 1)] == wanted)
        out[at[hit]] = True
        return out

    def __contains__(self, person: object) -> bool:
        return isinstance(person, int) and bool(self.mask([person]).any())

    def group_of(self, person: int) -> dict[str, str]:
        at = int(np.searchsorted(self.ids, person))
        return {dim: str(labels[at]) for dim, labels in self.cohort.groups.items()}


def children_of(people: pa.Table, as_of: date, homes: Iterable[Collection[int]] = (),
                deprivation: Mapping[str, str] | None = None) -> Children:
    """The children among ``people`` (:func:`all_people`'s table) on ``as_of``, with their groups.

    ``homes`` are households (lists of person ids) for the clustering; a child in none is a
    household alone. ``deprivation`` maps a person's voted postcode to their deprivation group
    (:mod:`jigsaw.alerts.deprivation`); without it, or for a postcode it lacks, "Not known".
    Vectorised: ages for 200,000 people in milliseconds.
    """
    born = people.column("birth_date").to_numpy(zero_copy_only=False).astype("datetime64[D]")
    bands = _age_bands(born, as_of)
    chosen = np.flatnonzero(bands >= 0)
    ids = np.asarray(people.column("person_id").take(chosen).to_numpy(zero_copy_only=False), np.int64)
    order = np.argsort(ids, kind="stable")
    ids, chosen = ids[order], chosen[order]

    def column(name: str) -> list:
        if name not in people.column_names:
            return [None] * len(chosen)
        return people.column(name).take(pa.array(chosen)).to_pylist()

    ethnicity = column("ethnicity")
    groups = {code: ethnic_group(code) for code in set(ethnicity)}
    postcodes = column("postcode")
    lookup = deprivation or {}
    household = -1 - np.arange(len(ids), dtype=np.int64)  # alone unless a household says otherwise
    homes = [list(members) for members in homes]
    if homes and len(ids):
        member = np.fromiter((p for members in homes for p in members), np.int64)
        number = np.repeat(np.arange(len(homes)), [len(members) for members in homes])
        at = np.minimum(np.searchsorted(ids, member), len(ids) - 1)
        hit = ids[at] == member
        household[at[hit]] = number[hit]
    cohort = Cohort(household=household, need=bands[chosen], groups={
        "ethnicity": np.array([groups[e] for e in ethnicity], object),
        "sex": np.array([s or "unknown" for s in column("sex")], object),
        "disability": np.array([_disability(d) for d in column("disability")], object),
        "deprivation": np.array([lookup.get(_postcode(p), NOT_KNOWN) for p in postcodes], object),
        "age_band": np.array([AGE_BANDS[b][2] for b in bands[chosen].tolist()], object),
    })
    return Children(ids, cohort, as_of)


def _disability(value: bool | None) -> str:
    """The voted ``disability`` of :func:`all_people`: not known when no record says either way."""
    return NOT_KNOWN if value is None else ("Disabled" if value else "Not disabled")


def _postcode(value: str | None) -> str:
    return "".join((value or "").upper().split())


@dataclass(frozen=True)
class Raised:
    """One alert as the report needs it: rule, when raised, the children it names, how it closed."""

    rule_id: str
    raised_at: Any
    named: tuple[int, ...]
    outcome: str = ""


def alerts_naming(using: str, children: Children, raised: Q | None = None) -> list[Raised]:
    """Every alert matching ``raised`` (all by default) that names any of ``children``."""
    out = []
    rows = Alert.objects.using(using).filter(raised or Q()).values_list(
        "rule_id", "raised_at", "person_ids", "outcome")
    for rule_id, raised_at, person_ids, outcome in rows:
        named = tuple(p for p in person_ids if p in children)
        if named:
            out.append(Raised(rule_id, raised_at, named, outcome))
    return out


def as_of_date(using: str) -> date:
    """The alerts' as-of date: the day the rules last raised one (today if none has been)."""
    last = Alert.objects.using(using).aggregate(last=Max("raised_at"))["last"]
    return last.date() if last else date.today()


def load_children(using: str = "default", as_of: date | None = None,
                  deprivation: Mapping[str, str] | None = None) -> Children:
    """Everyone's groups and households from the database, ages on ``as_of`` (the alerts' by default)."""
    people = all_people(using)
    if deprivation:
        voted = postcodes(using)
        people = people.append_column("postcode", pa.array(
            [voted.get(p) for p in people.column("person_id").to_pylist()], pa.string()))
    return children_of(people, as_of or as_of_date(using), households(using), deprivation)


def _with_pattern(truth: Path, using: str) -> set[int]:
    """Resolved people holding any record of a child with an injected pattern."""
    with (truth / "patterns.csv").open(encoding="utf-8") as f:
        patterned = {row["true_person_id"] for row in csv.DictReader(f)}
    with (truth / "people.csv").open(encoding="utf-8") as f:
        keys = [(r["source_system"], r["source_id"]) for r in csv.DictReader(f)
                if r["true_person_id"] in patterned]
    found: set[int] = set()
    for start in range(0, len(keys), 500):
        q = Q()
        for code, key in keys[start: start + 500]:
            q |= Q(source_system__code=code, record_key=key)
        records = PersonRecord.objects.using(using).filter(q).values_list("pk", flat=True)
        found.update(RecordLink.objects.using(using).filter(record_id__in=list(records))
                     .values_list("person_id", flat=True))
    return found


def _masks(children: Children, alerts: Iterable[Raised]) -> dict[str, np.ndarray]:
    """Per rule, and for all rules together, which children an alert names."""
    named: dict[str, set[int]] = defaultdict(set)
    for alert in alerts:
        named[alert.rule_id].update(alert.named)
    masks = {rule: children.mask(people) for rule, people in sorted(named.items())}
    if masks:
        masks[ALL_RULES] = np.logical_or.reduce(list(masks.values()))
    return masks


def _outcomes(children: Children, alerts: Iterable[Raised]) -> dict[str, dict[str, dict[str, dict]]]:
    """Per rule and dimension, each group's closed alerts: actioned, dismissed, share dismissed, p."""
    counts: dict[tuple[str, str, str], Counter] = defaultdict(Counter)
    for alert in alerts:
        if alert.outcome not in (Alert.ACTIONED, Alert.DISMISSED):
            continue
        for person in alert.named:
            for dim, group in children.group_of(person).items():
                for rule in (alert.rule_id, ALL_RULES):
                    counts[rule, dim, group][alert.outcome] += 1
    out: dict[str, dict[str, dict[str, dict]]] = defaultdict(lambda: defaultdict(dict))
    for (rule, dim, group), c in counts.items():
        out[rule][dim][group] = {"actioned": c[Alert.ACTIONED], "dismissed": c[Alert.DISMISSED]}
    for dims in out.values():
        family = []
        for groups in dims.values():
            actioned = sum(g["actioned"] for g in groups.values())
            dismissed = sum(g["dismissed"] for g in groups.values())
            for g in groups.values():
                closed = g["actioned"] + g["dismissed"]
                g["share_dismissed"] = round(g["dismissed"] / closed, 3) if closed else None
                table = [[g["dismissed"], g["actioned"]],
                         [dismissed - g["dismissed"], actioned - g["actioned"]]]
                g["p_value"] = float(stats.fisher_exact(table).pvalue)  # exact: the counts are small
                family.append(g)
        for g, p in zip(family, holm([g["p_value"] for g in family]), strict=True):
            g["p_adjusted"] = float(f"{p:.4g}")
            g["flagged"] = p < ALPHA
    return {rule: dict(dims) for rule, dims in out.items()}


def fairness(children: Children, alerts: list[Raised], truth: Path | None = None, using: str = "default",
             pooled: list[Raised] | None = None, alpha: float = ALPHA) -> dict[str, Any]:
    """The report as data: per rule (and all rules), per dimension, per group.

    ``alerts`` are those counted (every alert for the command line, those raised in the dates
    chosen for the partnership figures). With ``pooled`` (the alerts of a longer period, usually
    all of them), a group expecting fewer than :data:`jigsaw.alerts.disparity.MIN_EXPECTED`
    alerted children in the dates chosen is tested over that longer period instead, and says so,
    rather than being hidden.
    Each rule's protected cells are one family for the multiple-comparison correction (Holm, at
    ``alpha``), its need cells another.
    """
    masks = _masks(children, alerts)
    long_masks = _masks(children, pooled) if pooled is not None else {}
    patterned = children.mask(_with_pattern(truth, using)) if truth else None
    rules: dict[str, Any] = {}
    for rule_id, mask in masks.items():
        by, deff = assess(mask, children.cohort, PROTECTED, NEED, alpha, long_masks.get(rule_id))
        if patterned is not None:
            for dim, table in by.items():
                labels = children.cohort.groups[dim]
                for group, cell in table.items():
                    mine = mask & (labels == group)
                    n = int(mine.sum())
                    hits = int((mine & patterned).sum())
                    cell["share_with_injected_pattern"] = round(hits / n, 3) if n else None
        rules[rule_id] = {"children_alerted": int(mask.sum()),
                          "per_1000": round(1000 * float(mask.mean()), 2),
                          "design_effect": round(deff, 3), "by": by}
    outcomes = _outcomes(children, alerts)
    for rule_id, rule in rules.items():
        rule["outcomes"] = outcomes.get(rule_id, {})
    return {"as_of": children.as_of.isoformat(), "children": len(children), "alpha": alpha,
            "protected": list(PROTECTED), "need": list(NEED), "rules": rules}


def fairness_report(using: str = "default", truth: Path | None = None, as_of: date | None = None,
                    deprivation: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The whole report from the database, over every alert ever raised (the command line's)."""
    children = load_children(using, as_of, deprivation)
    return fairness(children, alerts_naming(using, children), truth, using)


def board_rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The report as flat rows (rule, dimension, group and each figure), for the board report and CSV."""
    rows = []
    for rule_id, rule in report["rules"].items():
        for dim, groups in rule["by"].items():
            for group, cell in groups.items():
                outcome = rule.get("outcomes", {}).get(dim, {}).get(group, {})
                kind = "need" if dim in NEED else "protected"
                rows.append({"rule": rule_id, "dimension": dim, "kind": kind,
                             "group": group, **cell, "pooled": cell.get("pooled", ""),
                             "actioned": outcome.get("actioned", 0), "dismissed": outcome.get("dismissed", 0),
                             "share_dismissed": outcome.get("share_dismissed")})
    return rows


def _interval(cell: dict) -> str:
    if cell["low_per_1000"] is None:
        return ""
    return f" [{cell['low_per_1000']:g}-{cell['high_per_1000']:g}]"


def _p(cell: dict) -> str:
    return "" if cell.get("p_adjusted") is None else f" p={cell['p_adjusted']:.3g}"


def render(data: dict[str, Any]) -> str:
    """The report as text: one block per rule, flagged cells marked with their direction."""
    lines = [f"Fairness report: {data['children']:,} children under 18 on {data['as_of']} "
             f"(the alerts' as-of date); rates per 1,000 with 95% intervals"]
    if not data["rules"]:
        lines.append("No alerts yet: run `jigsaw alerts run`.")
    for rule_id, rule in data["rules"].items():
        lines.append(f"\n{rule_id}: {rule['children_alerted']:,} children alerted "
                     f"({rule['per_1000']} per 1,000; household design effect {rule['design_effect']})")
        for dim, groups in rule["by"].items():
            cells_text = []
            for group, g in groups.items():
                mark = {"over": " !over", "under": " !under"}.get(g.get("direction", ""), "")
                pooled = " (all dates)" if g.get("pooled") else ""
                cells_text.append(f"{group} {g['alerted']}/{g['children']} = {g['per_1000']}{_interval(g)} "
                                  f"exp {g['expected']:g}{_p(g)}{mark}{pooled}")
            label = f"{dim} (need)" if dim in NEED else dim
            lines.append(f"  {label}: " + "; ".join(cells_text))
        dismissed = rule.get("outcomes", {}).get("ethnicity", {})
        if dismissed:
            lines.append("  dismissed (ethnicity): " + "; ".join(
                f"{g} {v['dismissed']}/{v['dismissed'] + v['actioned']}{' !' if v['flagged'] else ''}"
                for g, v in sorted(dismissed.items())))
    lines.append(f"\n! marks a group alerted more (over) or less (under) than its children and their ages "
                 f"predict, at a {data['alpha']:.0%} family-wise level per rule (Holm's correction), "
                 "allowing for siblings alerted together. Age bands are need (the ages a rule targets), "
                 "not a protected comparison.")
    return "\n".join(lines)
