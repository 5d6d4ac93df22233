"""`jigsaw serve` is gunicorn: worker processes behind /health/, concurrent writers on the embedded
SQLite file, and a clean stop (exit status 0) on SIGTERM and on Ctrl+C."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

import pytest

START_SECONDS = 90
STOP_SECONDS = 20
WORKERS = 2


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> set[int]:
    """Processes whose parent is ``pid`` (Linux /proc)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone meanwhile
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


class Served:
    def __init__(self, tmp_path: Path) -> None:
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = tmp_path / "serve.log"
        env = {**os.environ, "JIGSAW_DATA_DIR": str(tmp_path / "data"),
               "JIGSAW_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}", "JIGSAW_DEBUG": "false"}
        env.pop("DJANGO_SETTINGS_MODULE", None)
        env.pop("JIGSAW_API_BASE_URL", None)
        with self.log.open("w", encoding="utf-8") as out:
            # its own session, so a Ctrl+C can be sent to the whole group as a terminal would
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "jigsaw", "serve", "--port", str(self.port), "--workers", str(WORKERS),
                 "--threads", "2"], env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def wait_until_up(self) -> urllib.request.Request:
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"jigsaw serve exited with {self.proc.returncode}:\n{self.output()}")
            try:
                return urllib.request.urlopen(self.base + "/health/", timeout=5)  # noqa: S310 - loopback
            except OSError:
                time.sleep(0.3)
        pytest.fail(f"jigsaw serve did not answer within {START_SECONDS}s:\n{self.output()}")

    def stopped_within(self, seconds: float) -> int:
        try:
            return self.proc.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            pytest.fail(f"jigsaw serve still running {seconds}s after the signal:\n{self.output()}")

    def kill(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)


@pytest.fixture
def served(tmp_path):
    server = Served(tmp_path)
    try:
        yield server
    finally:
        server.kill()


@pytest.mark.slow
def test_serve_is_gunicorn_with_workers_and_stops_on_sigterm(served):
    with served.wait_until_up() as response:
        assert response.read() == b"ok"
        assert response.headers["Server"].startswith("gunicorn")
    with urllib.request.urlopen(served.base + "/fhir/r4/metadata", timeout=60) as metadata:  # noqa: S310
        # the API names the address it is served at (JIGSAW_API_BASE_URL unset)
        assert f"{served.base}/oauth/token/".encode() in metadata.read()
    deadline = time.monotonic() + START_SECONDS
    while len(_children(served.proc.pid)) < WORKERS and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(_children(served.proc.pid)) == WORKERS, "the arbiter should have forked its workers"

    started = time.monotonic()
    served.proc.send_signal(signal.SIGTERM)
    assert served.stopped_within(STOP_SECONDS) == 0, served.output()
    assert time.monotonic() - started < STOP_SECONDS
    assert "Shutting down" in served.output()


def _failed_sign_in(base: str, n: int) -> int:
    """GET the sign-in page (CSRF cookie and token), then POST a wrong password: axes writes a row.

    Cookies by hand: Python's cookie jar, unlike a browser, keeps no Secure cookie for http://127.0.0.1.
    """
    with urllib.request.urlopen(base + "/sign-in/?next=/children/1/%3Freason%3Ds47", timeout=60) as page:  # noqa: S310
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.read().decode()).group(1)
        cookie = re.search(r"csrftoken=([^;]+)", page.headers["Set-Cookie"]).group(1)
    form = {"csrfmiddlewaretoken": token, "username": f"nobody-{n}", "password": "not the password"}
    request = urllib.request.Request(base + "/sign-in/", data=urlencode(form).encode(),  # noqa: S310
                                     headers={"Cookie": f"csrftoken={cookie}"})
    try:
        urllib.request.urlopen(request, timeout=60)  # noqa: S310 - loopback
    except urllib.error.HTTPError as refused:
        return refused.code
    return 200


@pytest.mark.slow
def test_concurrent_writers_on_sqlite_then_ctrl_c(served):
    served.wait_until_up().close()
    with ThreadPoolExecutor(max_workers=12) as pool:
        statuses = list(pool.map(lambda n: _failed_sign_in(served.base, n), range(24)))
    assert statuses == [400] * 24, served.output()  # the form's error, never a 500 or "database is locked"

    os.killpg(served.proc.pid, signal.SIGINT)  # Ctrl+C reaches the arbiter and its workers alike
    assert served.stopped_within(STOP_SECONDS) == 0, served.output()
    output = served.output()
    assert "Traceback" not in output
    assert output.count("Worker exiting") == WORKERS, output  # each finished its own way out
    assert "SIGKILL" not in output and "Quick shutdown" not in output, output
    assert "reason" not in output and "%3F" not in output and "s47" not in output  # no query strings


def test_worker_count_from_the_setting_or_the_cores(settings):
    from jigsaw.cli import webserver
    from jigsaw.cli.common import UserError

    settings.JIGSAW_WEB_WORKERS = ""
    assert webserver.default_workers() == min(2 * webserver.cores() + 1, webserver.MAX_DEFAULT_WORKERS)
    settings.JIGSAW_WEB_WORKERS = "3"
    assert webserver.default_workers() == 3
    settings.JIGSAW_WEB_WORKERS = "0"
    with pytest.raises(UserError, match="JIGSAW_WEB_WORKERS"):
        webserver.default_workers()


def test_gunicorn_error_log_keeps_no_query_string():
    import logging

    from jigsaw.cli.webserver import _NoQueryStrings

    record = logging.LogRecord("gunicorn.error", logging.ERROR, __file__, 1, "Error handling request %s %s",
                               ("GET", "/children/7/?reason=s47&agency=gp"), None)
    assert _NoQueryStrings().filter(record)
    assert record.getMessage() == "Error handling request GET /children/7/?[removed]"


def test_the_preloaded_app_does_not_load_duckdb_before_gunicorn_forks(tmp_path):
    """DuckDB loaded in the arbiter makes a forked worker abort as it exits after serving a request
    on a thread ('terminate called without an active exception'): it must load only in workers."""
    import os
    import subprocess
    import sys

    code = ("import os, sys; os.environ['DJANGO_SETTINGS_MODULE'] = 'jigsaw.settings'\n"
            "from jigsaw.wsgi import application\n"
            "print(sorted(m for m in ('duckdb', 'splink') if m in sys.modules))")
    env = {**os.environ, "JIGSAW_DATA_DIR": str(tmp_path)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
