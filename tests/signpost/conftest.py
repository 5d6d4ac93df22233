"""A small synthetic partnership, imported and linked, for the signpost tests."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from jigsaw.records.importer import import_paths
from jigsaw.synth import write_partnership


@pytest.fixture(scope="session")
def partnership(tmp_path_factory) -> Path:
    """Feeds of 120 synthetic children (written once per test session)."""
    folder = tmp_path_factory.mktemp("partnership")
    write_partnership(folder, children=120, seed=21)
    return folder


def people_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*/people.csv") if p.parent.name != "truth")


@pytest.fixture
def imported(partnership: Path, db_alias: str) -> str:
    """The partnership's person records loaded into ``db_alias`` (not yet linked)."""
    import_paths(people_files(partnership), using=db_alias)
    return db_alias


def truth(folder: Path) -> dict[tuple[str, str], str]:
    with (folder / "truth" / "people.csv").open(encoding="utf-8") as f:
        return {(r["source_system"], r["source_id"]): r["true_person_id"] for r in csv.DictReader(f)}

from tests.accounts.support import make_user, role_clients, web_db  # noqa: E402, F401 - fixtures
from tests.web.support import loaded  # noqa: E402, F401 - fixture
