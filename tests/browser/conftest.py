"""Browser tests: a real `jigsaw serve` on a free port, driven by Debian's Chromium through Playwright.

One server per test session (per xdist worker), on a demo database prepared in a temporary
JIGSAW_DATA_DIR (`jigsaw demo --children 200 --no-serve`: synthetic children, alerts, one demo
user per role). Playwright never downloads a browser here: it launches /usr/bin/chromium.
Outside CI a missing Chromium (or Playwright) skips these tests with a message; in CI (CI=true)
it fails them.

Every test gets ``checkpoint(page, step)``: a full-page screenshot under
``tests/browser/screenshots/<test>--<nn>-<step>.png`` and an axe-core run that fails on any
"serious" or "critical" violation.
"""

from __future__ import annotations

import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import run_jigsaw

CHROMIUM = Path(os.environ.get("JIGSAW_TEST_CHROMIUM", "/usr/bin/chromium"))
# Without the background-networking flags Chromium's own connections get refused here and slow
# every launch; --disable-quic keeps it on plain HTTP/1.1 to the local server.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
DEMO_PASSWORD = "jigsaw-demo-only"
SCREENSHOTS = Path(__file__).parent / "screenshots"
# Generous: a 2-core machine shared with other work can stall for seconds at a time.
TIMEOUT_MS = 30_000
NAVIGATION_TIMEOUT_MS = 60_000
SERVER_START_SECONDS = 120
# The issue asks for no serious or critical violation; moderate ones fail too, since there are none.
SERIOUS = ("moderate", "serious", "critical")


def _unavailable(message: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message + "; CI must run the browser tests (.ci/run installs Chromium)")
    pytest.skip(message + "; install it with `apt-get install -y chromium` to run the browser tests")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    base_url: str
    env: dict
    data_dir: Path
    log: Path
    jigsaw: Callable  # the in-process command (the `jigsaw` fixture)

    def otp_code(self, username: str) -> str:
        """The demo user's current code, from `jigsaw otp-code` against the server's database."""
        done = self.jigsaw("otp-code", username, env=self.env)
        assert done.returncode == 0, f"jigsaw otp-code {username} failed: {done.stderr}"
        return done.stdout.strip()

    def log_tail(self, lines: int = 40) -> str:
        text = self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


@pytest.fixture(scope="session")
def chromium() -> Path:
    if not CHROMIUM.exists():
        _unavailable(f"Chromium is not installed at {CHROMIUM}")
    return CHROMIUM


@pytest.fixture(scope="session")
def server(tmp_path_factory, chromium, jigsaw) -> Server:
    """Prepare a demo database, then `jigsaw serve` it on a free port until the session ends."""
    data_dir = tmp_path_factory.mktemp("browser-data")
    env = {"JIGSAW_DATA_DIR": str(data_dir),
           "JIGSAW_DATABASE_URL": f"sqlite:///{data_dir / 'jigsaw.sqlite3'}",
           "JIGSAW_DEBUG": "false"}
    # 1,000 children, so that a few are on a child protection plan (a demo of 200 had none, and no
    # page then showed a plan's status)
    prepared = run_jigsaw("demo", "--children", "1000", "--no-serve", env=env, timeout=600)
    assert prepared.returncode == 0, f"jigsaw demo failed:\n{prepared.stdout}\n{prepared.stderr}"
    assert "Run `jigsaw serve --port 8000`, then sign in at" in prepared.stdout  # it serves nothing

    port = _free_port()
    log = data_dir / "serve.log"
    full_env = {**os.environ, **env}
    full_env.pop("DJANGO_SETTINGS_MODULE", None)
    with log.open("w", encoding="utf-8") as out:
        proc = subprocess.Popen([sys.executable, "-m", "jigsaw", "serve", "--port", str(port)],
                                env=full_env, stdout=out, stderr=subprocess.STDOUT)
    srv = Server(base_url=f"http://127.0.0.1:{port}", env=env, data_dir=data_dir, log=log, jigsaw=jigsaw)
    try:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while True:
            if proc.poll() is not None:
                pytest.fail(f"jigsaw serve exited with {proc.returncode}:\n{srv.log_tail()}")
            try:
                with urllib.request.urlopen(srv.base_url + "/health/", timeout=5) as r:  # noqa: S310
                    if r.status == 200:
                        break
            except (OSError, urllib.error.URLError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"jigsaw serve did not answer within {SERVER_START_SECONDS}s:\n{srv.log_tail()}")
            time.sleep(0.5)
        yield srv
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)


@pytest.fixture(scope="session")
def browser(chromium):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright is not installed (pip install -e '.[dev]')")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS, headless=True,
                              timeout=NAVIGATION_TIMEOUT_MS)
        try:
            yield b
        finally:
            b.close()


def _new_page(browser, server: Server, **context_options):
    context = browser.new_context(base_url=server.base_url, viewport={"width": 1280, "height": 900},
                                  locale="en-GB", **context_options)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
    return context, context.new_page()


def _watch(pg) -> list[str]:
    """Collect what a person would not see but should not happen: script errors, CSP refusals,
    static files (CSS, scripts, fonts, images) that failed to load."""
    problems: list[str] = []

    def on_console(msg) -> None:
        # Chromium also logs every 4xx document ("Failed to load resource"): the 400 of a form with
        # errors and the 403 page are expected, and failed static files are caught below.
        if msg.type == "error" and not msg.text.startswith("Failed to load resource"):
            problems.append(f"console error: {msg.text}")

    def on_response(response) -> None:
        if "/static/" in response.url and response.status >= 400:
            problems.append(f"{response.status} for {response.url}")

    pg.on("console", on_console)
    pg.on("pageerror", lambda exc: problems.append(f"script error: {exc}"))
    def on_failed(request) -> None:
        if request.failure != "net::ERR_ABORTED":  # cancelled by leaving the page: not a fault
            problems.append(f"request failed: {request.url} ({request.failure})")

    pg.on("requestfailed", on_failed)
    pg.on("response", on_response)
    return problems


@pytest.fixture
def page(browser, server):
    context, pg = _new_page(browser, server)
    pg.jigsaw_problems = _watch(pg)
    try:
        yield pg
    finally:
        context.close()


# --- axe-core -----------------------------------------------------------------------------------

def axe_source() -> str:
    """axe.min.js as bundled by axe-playwright-python (no network needed)."""
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


def run_axe(page) -> list[dict]:
    """Run axe-core on the page as it is now; return its violations.

    The site's Content-Security-Policy (script-src 'self') blocks page.add_script_tag, which
    inserts an inline script. page.evaluate runs through the DevTools protocol, which CSP does
    not govern, so axe is evaluated that way and the page's real CSP stays on.
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    return page.evaluate(
        """async () => {
            const result = await window.axe.run(document, {resultTypes: ['violations']});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map(n => ({target: n.target, summary: n.failureSummary})),
            }));
        }"""
    )


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:5]:
            summary = " ".join((node["summary"] or "").split())
            lines.append(f"    {node['target']}: {summary}")
    return "\n".join(lines)


# --- per-test helpers ---------------------------------------------------------------------------

@pytest.fixture(scope="session", autouse=True)
def _screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS


@pytest.fixture
def checkpoint(request):
    """``checkpoint(page, step)``: wait for the network to settle, screenshot, run axe.

    Fails on axe violations of impact moderate or worse; minor ones are printed (-s shows them).
    """
    test = re.sub(r"[^\w.-]+", "_", request.node.name)
    for old in SCREENSHOTS.glob(f"{test}--*.png"):
        old.unlink()
    counter = iter(range(1, 100))

    def check(page, step: str, *, axe: bool = True) -> list[dict]:
        page.wait_for_load_state("networkidle")
        slug = re.sub(r"[^\w.-]+", "-", step)
        name = f"{test}--{next(counter):02d}-{slug}.png"
        page.screenshot(path=str(SCREENSHOTS / name), full_page=True)
        problems = getattr(page, "jigsaw_problems", [])
        assert not problems, f"on {step} ({page.url}):\n" + "\n".join(problems)
        if not axe:
            return []
        violations = run_axe(page)
        minor = [v for v in violations if v["impact"] not in SERIOUS]
        if minor:
            print(f"axe on {step} ({page.url}), minor:\n{describe_violations(minor)}")
        serious = [v for v in violations if v["impact"] in SERIOUS]
        assert not serious, (f"axe found moderate or worse problems on {step} ({page.url}):\n"
                             + describe_violations(serious))
        return violations

    return check


def _unused_code(server: Server, username: str) -> str:
    """A code the server will take: the one `jigsaw otp-code` prints, or, when this user's current
    step is already used (a second sign-in within 30 s), the authenticator's next one.

    django-otp refuses a step at or before the device's ``last_t`` but accepts one step either side
    of now (its ``tolerance``, for clocks that drift), as it would from a real phone running a little
    fast; so a repeat sign-in needs no wait for the next step, only a third one within a step does.
    """
    from django_otp.oath import TOTP

    while True:
        rows = query_server_db(server, """
            SELECT d.key, d.step, d.t0, d.digits, d.drift, d.last_t, d.tolerance
            FROM otp_totp_totpdevice d JOIN auth_user u ON u.id = d.user_id
            WHERE u.username = ? AND d.confirmed""", username)
        assert len(rows) == 1, f"{username} has no one confirmed authenticator"
        key, step, t0, digits, drift, last_t, tolerance = rows[0]
        now = time.time()
        current = int(now - t0) // step + drift
        if current > last_t:
            return server.otp_code(username)
        if last_t + 1 <= current + tolerance:
            totp = TOTP(bytes.fromhex(key), step, t0, digits, drift + last_t + 1 - current)
            totp.time = now
            return f"{totp.token():0{digits}d}"
        time.sleep(step - (now - t0) % step + 0.5)


def query_server_db(server: Server, sql: str, *params: object) -> list[tuple]:
    """Read the server's demo database directly (read-only)."""
    import sqlite3

    with sqlite3.connect(f"file:{server.data_dir / 'jigsaw.sqlite3'}?mode=ro", uri=True) as db:
        return db.execute(sql, params).fetchall()


def sign_in_to(server: Server, page, username: str, checkpoint=None, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the two pages, as a person would: password, then the current code."""
    step = (lambda name: checkpoint(page, name)) if checkpoint else (lambda name: None)
    if "/sign-in/" not in page.url:
        page.goto("/sign-in/")
    page.wait_for_load_state("networkidle")
    step("sign-in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(r"/sign-in/code/"))
    step("code")
    for attempt in range(2):
        page.get_by_label("Enter the code from your authenticator app").fill(_unused_code(server, username))
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state("networkidle")
        if "/sign-in/" not in page.url:
            return
        # The code can expire between reading and submitting on a stalled machine: try once more.
        assert attempt == 0, f"{username}'s code was refused twice: {page.locator('main').inner_text()}"


@pytest.fixture
def sign_in(server, checkpoint):
    """``sign_in(page, username)``: sign in on this session's server, screenshot and axe each step."""

    def sign_in(page, username: str, password: str = DEMO_PASSWORD) -> None:
        sign_in_to(server, page, username, checkpoint=checkpoint, password=password)

    return sign_in


def query_demo_db(server: Server, sql: str, *params: object) -> list[tuple]:
    """Read the server's demo database directly (read-only), to pick a child or an alert to use."""
    with sqlite3.connect(f"file:{server.data_dir / 'jigsaw.sqlite3'}?mode=ro", uri=True) as db:
        return db.execute(sql, params).fetchall()
