"""State shared by the event generators of one chunk."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from jigsaw.synth.eventbuf import EventBuf
from jigsaw.synth.households import CHILD, Population
from jigsaw.synth.patterns import PATTERN_NAMES
from jigsaw.synth.plan import NONE, RunPlan
from jigsaw.synth.rng import Streams
from jigsaw.synth.socialcare import CaseLog
from jigsaw.synth.sources import ED1, ED2

PATTERN_CODE = {name: i for i, name in enumerate(PATTERN_NAMES)}


@dataclass
class Ctx:
    """One chunk's population, event buffer and the bookkeeping the generators share."""

    plan: RunPlan
    pop: Population
    streams: Streams
    n_children: int
    buf: EventBuf = field(init=False)
    cases: CaseLog = field(default_factory=CaseLog)
    used_hh: np.ndarray = field(init=False)  # households holding an injected pattern
    csc_hh: np.ndarray = field(init=False)  # households with a background CSC case
    plan_start: np.ndarray = field(init=False)  # per person: CP plan / looked-after period
    plan_end: np.ndarray = field(init=False)
    truth: list[tuple[np.ndarray, int, np.ndarray, np.ndarray]] = field(default_factory=list)

    def __post_init__(self) -> None:
        n_hh = len(self.pop.hh_first)
        self.buf = EventBuf(self.pop.birth, self.ws, self.as_of)
        self.used_hh = np.zeros(n_hh, bool)
        self.csc_hh = np.zeros(n_hh, bool)
        self.plan_start = np.full(self.pop.n, NONE, "int64")
        self.plan_end = np.full(self.pop.n, NONE, "int64")

    @property
    def as_of(self) -> int:
        return self.plan.as_of_d

    @property
    def ws(self) -> int:
        return self.plan.window_start_d

    def ed_family(self, person: np.ndarray, other: np.ndarray | None = None) -> np.ndarray:
        """The person's nearest emergency department (or the other one where ``other``)."""
        near = self.pop.hh_ed[self.pop.hh[person]]
        if other is not None:
            near = np.where(other, 1 - near, near)
        return np.where(near == 0, ED1, ED2)

    def on_plan(self, person: np.ndarray, date: np.ndarray, margin: int = 2) -> np.ndarray:
        """True where ``date`` falls in (or within ``margin`` days of) the person's plan period."""
        start, end = self.plan_start[person], self.plan_end[person]
        return (start < NONE) & (date >= start - margin) & (date <= np.minimum(end, NONE - 10) + margin)

    def free_children(self) -> np.ndarray:
        """Children whose household holds no injected pattern."""
        pop = self.pop
        return np.flatnonzero((pop.role == CHILD) & ~self.used_hh[pop.hh])

    def claim(self, rng: np.random.Generator, candidates: np.ndarray, k: int) -> np.ndarray:
        """Up to ``k`` candidate people from distinct unused households; marks them used."""
        if k <= 0 or not len(candidates):
            return np.zeros(0, "int64")
        cand = candidates[~self.used_hh[self.pop.hh[candidates]]]
        cand = cand[rng.permutation(len(cand))]
        _, first = np.unique(self.pop.hh[cand], return_index=True)
        chosen = cand[np.sort(first)][:k]
        self.used_hh[self.pop.hh[chosen]] = True
        return chosen

    def record(self, pattern: str, person: np.ndarray, first: np.ndarray, last: np.ndarray) -> None:
        """Add truth rows (event rows must all have been kept)."""
        person, first, last = (np.asarray(a, "int64") for a in (person, first, last))
        if ((first < 0) | (last < 0)).any():
            raise AssertionError(f"{pattern}: an event making the pattern was dropped")
        self.truth.append((person, PATTERN_CODE[pattern], first, last))

    def count(self, pattern: str) -> int:
        """How many instances of ``pattern`` this chunk injects."""
        rng = self.streams.get(f"count:{pattern}")
        return int(rng.binomial(self.n_children, self.plan.config.pattern_rate(pattern)))
