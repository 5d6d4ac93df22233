"""Synthetic partnership generator: canonical feed files per source system plus ground truth.

Deterministic for a seed, vectorised (NumPy and Arrow, no Django), chunked so memory stays flat:
``write_partnership(out_dir, children=1_000_000)`` drives the demo, the tests and the benchmarks.
"""

from jigsaw.synth.config import SynthConfig, SynthSummary
from jigsaw.synth.patterns import PATTERN_RULES
from jigsaw.synth.writer import write_partnership

__all__ = ["PATTERN_RULES", "SynthConfig", "SynthSummary", "write_partnership"]
