"""Person records of a synthetic partnership as a raw Arrow table (for identity engine tests)."""

from __future__ import annotations

import sys
from pathlib import Path

import pyarrow as pa

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from _people import read_people as _read


def read_people(folder: Path) -> pa.Table:
    return _read(folder)[0]
