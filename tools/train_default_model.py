"""Retrain the model Jigsaw ships (identity/data/default_model.json) on a synthetic partnership.

The shipped model lets linkage work from the first small import, before a partnership has
enough records to train its own. Run: ``python tools/train_default_model.py [--children N]``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from _people import read_people  # noqa: E402
from jigsaw.identity import linkage, prepare  # noqa: E402
from jigsaw.synth import write_partnership  # noqa: E402

TARGET = ROOT / "src" / "jigsaw" / "identity" / "data" / linkage.DEFAULT_MODEL


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--children", type=int, default=40_000)
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        write_partnership(Path(tmp), args.children, seed=args.seed)
        people, _ = read_people(Path(tmp))
    model = linkage.train(prepare(people))
    TARGET.write_text(json.dumps(model, indent=1) + "\n", "utf-8")
    print(f"trained on {people.num_rows:,} records of {args.children:,} synthetic children -> {TARGET}")


if __name__ == "__main__":
    main()
