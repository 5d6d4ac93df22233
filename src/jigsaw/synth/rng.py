"""Named random streams: one independent generator per (seed, chunk, purpose).

Every random decision draws from a stream named for its purpose, so a chunk's output depends only
on (seed, chunk index) and changing one noise rate leaves every other field untouched (the tests
rely on that to measure a single noise rate).
"""

from __future__ import annotations

import zlib

import numpy as np


class Streams:
    """Factory of reproducible generators for one chunk."""

    def __init__(self, seed: int, chunk: int) -> None:
        self.seed = int(seed)
        self.chunk = int(chunk)

    def get(self, purpose: str) -> np.random.Generator:
        """A fresh generator for ``purpose``; the same purpose always gives the same stream."""
        key = zlib.crc32(purpose.encode("utf-8"))
        return np.random.default_rng(np.random.SeedSequence([self.seed, self.chunk, key]))


def run_stream(seed: int, purpose: str) -> np.random.Generator:
    """A generator for whole-run tables (rosters, street names): independent of chunking."""
    return Streams(seed, 1 << 30).get(purpose)


def pick(rng: np.random.Generator, lo: np.ndarray | int, hi: np.ndarray | int,
         size: int | None = None) -> np.ndarray:
    """Uniform integers in [lo, hi] inclusive, element-wise (hi < lo gives lo)."""
    lo_a = np.asarray(lo, dtype="int64")
    hi_a = np.maximum(np.asarray(hi, dtype="int64"), lo_a)
    if size is None:
        size = int(np.broadcast(lo_a, hi_a).size)
    u = rng.random(size)
    return (lo_a + np.floor(u * (hi_a - lo_a + 1))).astype("int64")


def choose(rng: np.random.Generator, weights: np.ndarray, size: int) -> np.ndarray:
    """Indices drawn with the given (unnormalised) weights."""
    cum = np.cumsum(np.asarray(weights, dtype="float64"))
    return np.searchsorted(cum, rng.random(size) * cum[-1], side="right").clip(0, len(cum) - 1)
