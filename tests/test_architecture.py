"""The import contract (pyproject.toml, [tool.importlinter]) holds, and would catch a breach.

Layers run one way (engines → records → domain apps → cli/web), engines never import Django,
and no two modules of a package, nor two packages, import each other. ``lint-imports`` reads
the contract; these tests run it on the real tree and on a copy with deliberate breaches.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import jigsaw

ROOT = Path(__file__).resolve().parents[1]
LINT = Path(sys.executable).with_name("lint-imports")


def _lint(source_root: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(source_root)}
    return subprocess.run([str(LINT), "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=120, check=False)


def test_the_tree_keeps_every_contract() -> None:
    result = _lint(Path(jigsaw.__file__).parents[1])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def _append(path: Path, line: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")


def test_a_deliberate_breach_of_each_contract_is_caught(tmp_path: Path) -> None:
    copy = tmp_path / "src" / "jigsaw"
    shutil.copytree(Path(jigsaw.__file__).parent, copy, ignore=shutil.ignore_patterns("__pycache__"))
    _append(copy / "feeds" / "text.py", "import django  # an engine importing Django")
    _append(copy / "records" / "quarantine.py", "from jigsaw.web import views  # a layer importing upwards")
    _append(copy / "chronology" / "build.py", "from jigsaw.chronology import household  # a module circle")
    result = _lint(tmp_path / "src")
    assert result.returncode != 0
    out = result.stdout
    assert "3 broken" in out, out
    assert "jigsaw.feeds.text -> django" in out
    assert "jigsaw.records.quarantine -> jigsaw.web.views" in out
    assert "in jigsaw.chronology" in out and ".household -> .build" in out
