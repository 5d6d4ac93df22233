"""The synthetic returns: deterministic per seed, readable by the return readers, every row sound."""

from __future__ import annotations

from pathlib import Path

import pytest

from jigsaw.feeds.returns import return_parts
from jigsaw.synth import write_partnership
from jigsaw.synth.returns import write_returns


@pytest.fixture(scope="module")
def partnership(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("synth")
    write_partnership(out, children=80, seed=11)
    return out


def test_same_seed_same_bytes_other_seed_other_bytes(partnership, tmp_path):
    first = write_returns(partnership, tmp_path / "a", seed=4)
    again = write_returns(partnership, tmp_path / "b", seed=4)
    other = write_returns(partnership, tmp_path / "c", seed=5)
    assert [p.read_bytes() for p in first.files] == [p.read_bytes() for p in again.files]
    assert first.files[0].read_bytes() != other.files[0].read_bytes()


def test_every_synthetic_row_reads_cleanly_and_counts_match(partnership, tmp_path):
    made = write_returns(partnership, tmp_path / "r", seed=4)
    assert made.children > 0
    counted = {"cin": 0, "903": 0}
    for path in made.files:
        for part in return_parts(path, "csc", frozenset()):
            for row in part.rows():
                assert row.problem is None and not row.warnings, (part.what, row.raw)
                counted["cin" if path.suffix == ".xml" else "903"] += 1
    assert counted == {"cin": made.cin_rows, "903": made.ssda903_rows}


def test_children_carry_the_councils_id_or_a_schools_upn(partnership, tmp_path):
    made = write_returns(partnership, tmp_path / "r", seed=4)
    [children] = [list(p.rows()) for p in return_parts(made.files[0], "csc", frozenset())
                  if p.kind.name == "people"]
    for row in children:
        child_id, upn = row.values[1], row.values[8]
        assert child_id.startswith("CSC-") or upn
