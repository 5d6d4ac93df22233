"""A one-shot ``jigsaw search`` loads only what a search needs (issue 13: a command-line search in
at most 1 s; benchmarks/cli_search.py has the figure).

Starting Django for any command must not load the heavy libraries only some commands use; the
search itself, with a trained model stored, must not load pandas, Splink or DuckDB. Each check
runs in a fresh Python, since this process has loaded everything already.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.chronology.test_cli import create_account

#: Libraries that cost a one-shot command tenths of a second each and that a search never uses
#: (pandas: PyArrow imports it on its first table unless it is refused; see cli.common).
HEAVY = ("pandas", "splink", "duckdb", "matplotlib", "weasyprint", "segno", "spacy", "presidio_analyzer",
         "fhir", "sklearn", "scipy")

_REPORT = ("import atexit, json, sys\n"
           "atexit.register(lambda: print('MODULES', json.dumps(sorted(sys.modules))))\n")


def _python(code: str, env: dict[str, str]) -> tuple[subprocess.CompletedProcess, set[str]]:
    """Run ``code`` in a fresh Python; the modules loaded when it exited."""
    full = {**os.environ, **env}
    full.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run([sys.executable, "-c", _REPORT + code], capture_output=True, text=True, env=full,
                          timeout=300, check=False)
    line = next((x for x in done.stdout.splitlines() if x.startswith("MODULES ")), "MODULES []")
    return done, set(json.loads(line.removeprefix("MODULES ")))


def _loaded(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(n for n in names if n in modules)


def test_starting_django_for_a_command_loads_no_heavy_library(tmp_path: Path) -> None:
    env = {"JIGSAW_DATA_DIR": str(tmp_path), "JIGSAW_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    done, modules = _python("import jigsaw.cli\nfrom jigsaw.cli.common import setup_django\n"
                            "setup_django(migrate_if_embedded=False)\n", env)
    assert done.returncode == 0, done.stderr
    assert "django.apps" in modules and "jigsaw.signpost.models" in modules  # Django did start
    assert _loaded(modules, (*HEAVY, "pyarrow", "numpy")) == []


@pytest.mark.slow
def test_a_one_shot_search_loads_neither_pandas_nor_splink(tmp_path: Path, jigsaw) -> None:
    from tests.chronology.conftest import write_feeds

    env = {"JIGSAW_DATA_DIR": str(tmp_path / "data"),
           "JIGSAW_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}"}
    assert jigsaw("import", str(write_feeds(tmp_path / "feeds")), env=env).returncode == 0
    assert jigsaw("link", env=env).returncode == 0
    assert create_account(jigsaw, env, "searcher", "social_worker").returncode == 0
    argv = ["jigsaw", "search", "--name", "Amy Smith", "--dob", "2020-03-04", "--reason", "s47",
            "--as", "searcher", "--json"]
    done, modules = _python(f"import sys; sys.argv = {argv!r}\nfrom jigsaw.cli import main\nmain()\n", env)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout[:done.stdout.index("MODULES ")])
    assert [r["details"]["given_name"] for r in result["results"]][:1] == ["Amy"]  # the search did run
    assert _loaded(modules, HEAVY) == []
