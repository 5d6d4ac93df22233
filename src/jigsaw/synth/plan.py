"""Everything a chunk needs to know about the whole run, built once and shipped to workers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from jigsaw.synth.config import SynthConfig
from jigsaw.synth.dates import to_days, years_before
from jigsaw.synth.identifiers import NOBODY_BASE, PERSON_CAP
from jigsaw.synth.places import Places, build_places
from jigsaw.synth.sources import Catalogue, build_catalogue

#: children per chunk; part of the output definition (changing it changes the output)
CHUNK_CHILDREN = 20_000
WINDOW_YEARS = 3
NONE = 2**31 - 1  # "no date" sentinel, later than any real date


@dataclass(frozen=True)
class RunPlan:
    """Run-wide parameters: seed, size, reference date, config, sources and street table."""

    seed: int
    children: int
    as_of: date
    config: SynthConfig
    chunk_children: int
    catalogue: Catalogue
    places: Places

    @property
    def n_chunks(self) -> int:
        return -(-self.children // self.chunk_children)

    @property
    def as_of_d(self) -> int:
        return to_days(self.as_of)

    @property
    def window_start_d(self) -> int:
        """First day of the event window (``as_of`` minus three years)."""
        return to_days(years_before(self.as_of, WINDOW_YEARS))

    @property
    def max_child_age_days(self) -> int:
        """Oldest a child can be (in days) and still be 17 on ``as_of``."""
        return to_days(self.as_of) - to_days(years_before(self.as_of, 18)) - 1

    def chunk_size(self, k: int) -> int:
        """Children in chunk ``k`` (the last chunk takes the remainder)."""
        return min(self.chunk_children, self.children - k * self.chunk_children)


def make_plan(children: int, seed: int, as_of: date, config: SynthConfig,
              chunk_children: int = CHUNK_CHILDREN) -> RunPlan:
    """Validate the run's arguments and build its catalogue and street table."""
    if children < 1:
        raise ValueError("children must be at least 1")
    if seed < 0:
        raise ValueError("seed must be a non-negative integer")
    if not 100 <= chunk_children <= 30_000:
        raise ValueError("chunk_children must be between 100 and 30000")
    n_chunks = -(-children // chunk_children)
    if n_chunks * PERSON_CAP >= NOBODY_BASE:
        raise ValueError(f"at most {NOBODY_BASE // PERSON_CAP * chunk_children} children per run")
    return RunPlan(seed, children, as_of, config, chunk_children,
                   build_catalogue(children, seed), build_places(n_chunks * chunk_children))
