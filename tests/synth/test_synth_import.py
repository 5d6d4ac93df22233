"""Synth output loads through the real importer with nothing quarantined."""

from __future__ import annotations

import csv

import pytest

from jigsaw.feeds.nhs import is_valid_nhs_number
from jigsaw.records.importer import import_paths
from jigsaw.synth import write_partnership

pytestmark = pytest.mark.django_db


def test_synth_feeds_import_cleanly(tmp_path):
    summary = write_partnership(tmp_path, 400, seed=3)
    counts = import_paths([tmp_path]).as_dict()
    rows = summary.person_records + summary.events + summary.relationships + summary.involvements
    assert counts["quarantined"] == 0
    assert counts["read"] == counts["accepted"] == rows
    invalid = 0
    for people in tmp_path.glob("*/people.csv"):
        if people.parent.name == "truth":
            continue
        with people.open(encoding="utf-8") as f:
            invalid += sum(bool(r["nhs_number"]) and not is_valid_nhs_number(r["nhs_number"])
                           for r in csv.DictReader(f))
    assert counts["warnings"] == invalid
