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


def test_only_settings_reads_the_environment() -> None:
    """Every environment variable is read in settings.py, so one file lists them all."""
    package = Path(jigsaw.__file__).parent
    allowed = {package / "settings.py"}
    readers = []
    for path in package.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        reads = ("os.environ.get(", "os.getenv(", "os.environ[")
        if path not in allowed and any(read in text for read in reads):
            readers.append(str(path.relative_to(package)))
    assert readers == []


def test_feeds_and_identity_are_used_through_their_public_api() -> None:
    """Outside its own package, ``jigsaw.feeds`` and ``jigsaw.identity`` are imported from the package."""
    import ast

    package = Path(jigsaw.__file__).parent
    reaching = []
    for path in [*package.rglob("*.py"), *(ROOT / "benchmarks").rglob("*.py")]:
        own = path.relative_to(package).parts[0] if path.is_relative_to(package) else ""
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                parts = node.module.split(".")
                if parts[:1] == ["jigsaw"] and len(parts) > 2 and parts[1] in ("feeds", "identity") \
                        and parts[1] != own:
                    reaching.append(f"{path.name}: {node.module}")
    assert reaching == []
    from jigsaw import feeds, identity

    for api in (feeds, identity):
        assert api.__all__ and all(getattr(api, name) is not None for name in api.__all__)
