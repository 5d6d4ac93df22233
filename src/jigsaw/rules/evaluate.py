"""Evaluates a catalogue over a population: which rules fire, for whom, on which events.

Set-wise: per rule, one mask over the events of its types, one vectorised household join where
the rule is household-scoped, one windowed count where it counts. Python only runs per finding.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from jigsaw.rules.conditions import Tester
from jigsaw.rules.frame import TYPE_CODE, Diagnostics, Frame, build_frame
from jigsaw.rules.model import Catalogue, Finding, Rule
from jigsaw.rules.population import Population
from jigsaw.rules.windows import chains

_EPOCH = date(1970, 1, 1)


@dataclass(frozen=True)
class Hit:
    """Subjects of one finding and the frame rows of its evidence."""

    subjects: tuple[int, ...]
    rows: np.ndarray


@dataclass(frozen=True)
class Evaluation:
    findings: list[Finding]
    diagnostics: Diagnostics
    events: int
    seconds: float


def evaluate(catalogue: Catalogue, population: Population, as_of: date,
             persons: Iterable[int] | None = None) -> list[Finding]:
    """Findings of every enabled rule as of ``as_of`` (events after it are not seen).

    ``persons`` restricts the run to those people and their households (incremental runs): the
    result is the full evaluation's findings about those people and their household members.
    """
    return evaluate_report(catalogue, population, as_of, persons).findings


def evaluate_report(catalogue: Catalogue, population: Population, as_of: date,
                    persons: Iterable[int] | None = None) -> Evaluation:
    """``evaluate`` plus the input diagnostics, the number of events read and the time taken."""
    t0 = time.perf_counter()
    frame, focus = build_frame(population, as_of, None if persons is None else {int(p) for p in persons})
    tester = Tester(frame)
    findings: list[Finding] = []
    for rule in catalogue.enabled():
        hits = _hits(rule, frame, tester)
        findings.extend(_findings(rule, frame, hits))
    if focus is not None:
        wanted = set(focus.tolist())
        findings = [f for f in findings if wanted.intersection(f.person_ids)]
    findings.sort(key=lambda f: (f.first_at, f.rule_id, f.pattern_key))
    return Evaluation(findings, frame.diagnostics, len(population.events), time.perf_counter() - t0)


def _hits(rule: Rule, frame: Frame, tester: Tester) -> list[Hit]:
    m = rule.match
    rows = np.flatnonzero(np.isin(frame.etype, [TYPE_CODE[t] for t in m.event_types]))
    mask, state_row = tester.test(m.condition, rows, frame.person[rows], frame.day[rows])
    rows, state_row = rows[mask], state_row[mask]
    if rule.scope == "household" and (m.subjects is not None or m.count_at_least is not None):
        anchor, a_rows, a_state = _expand(frame, rows, state_row)
        if m.subjects is not None:
            ok, _ = tester.test(m.subjects, a_rows, anchor, frame.day[a_rows])
            return _by_subject_day(frame, anchor[ok], a_rows[ok], a_state[ok])
        return _counted(rule, frame, anchor, a_rows, by_members=True)
    if m.count_at_least is not None:
        return _counted(rule, frame, frame.person[rows], rows, by_members=False)
    return _by_subject_day(frame, frame.person[rows], rows, state_row)


def _expand(frame: Frame, rows: np.ndarray, state_row: np.ndarray,
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(anchor person, event row, state row): each event seen from its own person and from every
    household member whose membership period covers the event day."""
    person, day = frame.person[rows], frame.day[rows]
    lo = np.searchsorted(frame.hh_member, person, side="left")
    hi = np.searchsorted(frame.hh_member, person, side="right")
    n = hi - lo
    rep = np.repeat(np.arange(len(rows)), n)
    pos = np.repeat(lo - np.r_[0, np.cumsum(n)[:-1]], n) + np.arange(int(n.sum()))
    live = (frame.hh_start[pos] <= day[rep]) & (day[rep] <= frame.hh_end[pos])
    rep, pos = rep[live], pos[live]
    anchor = np.r_[person, frame.hh_person[pos]]
    idx = np.r_[np.arange(len(rows)), rep]
    return anchor, rows[idx], state_row[idx]


def _by_subject_day(frame: Frame, subject: np.ndarray, rows: np.ndarray, state_row: np.ndarray,
                    ) -> list[Hit]:
    """One hit per subject and day: the same event from two feeds, or recorded on several members
    of the household, is one finding with all of them as evidence."""
    if not len(rows):
        return []
    day = frame.day[rows]
    order = np.lexsort((rows, day, subject))
    subject, day, rows, state_row = subject[order], day[order], rows[order], state_row[order]
    cut = np.flatnonzero(np.r_[True, (subject[1:] != subject[:-1]) | (day[1:] != day[:-1]), True])
    hits = []
    for a, b in zip(cut[:-1].tolist(), cut[1:].tolist(), strict=True):
        st = state_row[a:b]
        hits.append(Hit((int(subject[a]),), np.unique(np.r_[rows[a:b], st[st >= 0]])))
    return hits


def _counted(rule: Rule, frame: Frame, group: np.ndarray, rows: np.ndarray, by_members: bool) -> list[Hit]:
    m = rule.match
    person, day, etype, source = frame.person[rows], frame.day[rows], frame.etype[rows], frame.source[rows]
    occurrence = person * 64 + etype  # same person, type (and day): counted once
    order = np.lexsort((rows, source, occurrence, day, group))
    group, rows, day, occurrence, source = group[order], rows[order], day[order], occurrence[order], \
        source[order]
    hits: dict[tuple[tuple[int, ...], int], Hit] = {}
    for lo, hi in chains(group, day, occurrence, source, m.count_at_least or 1, m.within_days,
                         m.distinct_sources_at_least):
        chain = np.unique(rows[lo:hi])
        subjects = tuple(sorted(set(frame.person[chain].tolist()))) if by_members else (int(group[lo]),)
        first = int(chain[np.lexsort((chain, frame.day[chain]))][0])
        hits.setdefault((subjects, first), Hit(subjects, chain))
    return list(hits.values())


def _findings(rule: Rule, frame: Frame, hits: list[Hit]) -> list[Finding]:
    if not hits:
        return []
    every = np.unique(np.concatenate([h.rows for h in hits]))
    key_of = dict(zip(every.tolist(), frame.event_keys(every), strict=True))
    explanation, citation = rule.explain(), rule.source.text()
    after_death = frame.diagnostics.after_death
    out = []
    for h in hits:
        rows = h.rows[np.lexsort((h.rows, frame.day[h.rows]))]
        keys = tuple(key_of[r] for r in rows.tolist())
        notes = tuple(f"{len(after_death[p])} event(s) of person {p} dated after the recorded death were "
                      f"ignored: {', '.join(after_death[p])}" for p in h.subjects if p in after_death)
        out.append(Finding(
            rule_id=rule.id, rule_version=rule.version, title=rule.title, severity=rule.severity,
            mode=rule.mode, route=rule.route, person_ids=h.subjects, event_keys=keys,
            first_at=_EPOCH + timedelta(days=int(frame.day[rows[0]])),
            last_at=_EPOCH + timedelta(days=int(frame.day[rows[-1]])),
            explanation=explanation, citation=citation, uncertain=bool(frame.uncertain[rows].any()),
            pattern_key=f"{rule.id}:{'+'.join(map(str, h.subjects))}:{keys[0]}", notes=notes))
    return out
