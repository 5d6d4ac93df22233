"""Concurrent signed-in users against `jigsaw serve` on loopback, on PostgreSQL (issue 5: 50 users for
5 minutes, zero errors).

Builds N synthetic children in a fresh PostgreSQL database as ``web_speed.py`` does (``_webdb``),
creates U social workers (vetted, trained, each named as a practitioner alerts are routed to),
starts ``jigsaw serve`` (gunicorn) as a subprocess and signs every user in over real HTTP: the
sign-in page for the CSRF cookie and token, the password, then the one-time code (computed here
from the user's device). Then wrk drives the load with one thread and one connection per user,
so each connection is consistently one user's session, clicking without pause: a child's page
with a lawful reason (half the requests), the search POST with the session's CSRF token (a
quarter), the alert queue and the home page. Errors are wrk's socket errors (connect, read, write,
timeout: a request slower than ``--timeout`` counts), any 4xx or 5xx, and any redirect to sign-in
(a lost session). Afterwards the access log's hash chain must verify.

Run: ``python benchmarks/web_load.py [--children 100000] [--duration 300] [--users 50]``
(``--children 2000 --duration 20`` to try it quickly; ``--keep`` keeps the database and
``--reuse`` starts from a kept one). Needs Debian's ``wrk``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

from _machine import write_result
from _webdb import Partnership, build, drop, env_for, exists, start_django

PASSWORD = "a long load-test passphrase"  # noqa: S105 - synthetic benchmark users only
#: Share of requests (percent) by kind; a child's page is what the service is for.
MIX = {"child": 50, "search": 25, "alerts": 15, "home": 10}
SEARCHES, CHILD_PAGES = 300, 2000
START_SECONDS = 180
MARKER = "JIGSAW-LOAD "


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Browser:
    """One user's cookies over plain HTTP, as a browser keeps them for http://127.0.0.1 (Secure ones
    too), never following redirects."""

    def __init__(self, base: str) -> None:
        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        self.base, self.cookies = base, {}
        self.opener = urllib.request.build_opener(NoRedirect)

    def call(self, path: str, form: dict | None = None) -> tuple[int, str, str]:
        """(status, Location, body)."""
        from http.cookies import SimpleCookie

        data = urlencode(form).encode() if form is not None else None
        request = urllib.request.Request(self.base + path, data=data)  # noqa: S310 - loopback only
        request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        try:
            response = self.opener.open(request, timeout=120)
        except urllib.error.HTTPError as exc:  # 3xx (not followed) and 4xx/5xx
            response = exc
        for header in response.headers.get_all("Set-Cookie") or []:
            self.cookies.update({k: m.value for k, m in SimpleCookie(header).items()})
        return response.status, response.headers.get("Location", ""), response.read().decode()

    def token(self, path: str) -> str:
        status, _, page = self.call(path)
        assert status == 200, f"GET {path}: {status}"
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in sorted(self.cookies.items()))


def _code(username: str) -> str:
    """The user's current one-time code, from their device (as their authenticator app would)."""
    from django.db import connections
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    try:
        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        totp.time = time.time()
        return f"{totp.token():0{device.digits}d}"
    finally:
        connections.close_all()  # this thread's connection


def sign_in(base: str, username: str) -> dict[str, str]:
    """Password, then code, over HTTP; returns the session's cookie header and search-form token."""
    browser = Browser(base)
    token = browser.token("/sign-in/")
    status, location, _ = browser.call("/sign-in/", {"csrfmiddlewaretoken": token, "username": username,
                                                     "password": PASSWORD})
    assert status == 302 and location.startswith("/sign-in/code/"), f"{username}: password step {status}"
    token = browser.token("/sign-in/code/")
    form = {"csrfmiddlewaretoken": token, "code": _code(username)}
    status, location, _ = browser.call("/sign-in/code/", form)
    assert status == 302 and not location.startswith("/sign-in/"), f"{username}: code step {status}"
    return {"cookie": browser.cookie_header(), "token": browser.token("/search/")}


def _users(count: int) -> list[str]:
    """``count`` social workers, vetted and trained, named as practitioners alerts are routed to."""
    from datetime import date, timedelta

    from django.contrib.auth import get_user_model

    from jigsaw.accounts.roles import Role
    from jigsaw.accounts.services import create_user, demo_agency_for
    from jigsaw.alerts.models import Alert
    from jigsaw.alerts.store import HUB

    routed = (Alert.objects.filter(status=Alert.OPEN).exclude(routed_to__startswith=HUB)
              .values_list("routed_to", flat=True).order_by("routed_to").distinct()[:count])
    names = [r.split(",")[0].strip() for r in routed]
    agency = demo_agency_for(Role.SOCIAL_WORKER, None)
    recently = date.today() - timedelta(days=30)
    users = get_user_model().objects
    out = []
    for n in range(count):
        username = f"load-{n + 1:02d}"
        if not users.filter(username=username).exists():  # kept from an earlier run with --keep
            create_user(username, PASSWORD, Role.SOCIAL_WORKER, agency=agency, vetted_on=recently,
                        trained_on=recently, enrolled=True)
        user = users.get(username=username)
        first, _, last = (names[n] if n < len(names) else "").partition(" ")
        user.first_name, user.last_name = first, last
        user.save(update_fields=["first_name", "last_name"])
        out.append(username)
    return out


def _targets(seed: int) -> tuple[list[int], list[str]]:
    """Person ids of children (not shielded) for the child page; search forms with a typo in the name."""
    from jigsaw.records.models import PersonRecord

    rng = random.Random(seed)
    children = PersonRecord.objects.filter(is_child=True, link__person__shielded=False)
    people = sorted(set(children.values_list("link__person_id", flat=True)))
    ids = [r for r in children.filter(birth_date__isnull=False).values_list("pk", flat=True)]
    forms = []
    for row in children.filter(pk__in=rng.sample(ids, min(SEARCHES, len(ids)))).order_by("pk"):
        given = row.given_name
        given = given[0] + given[2] + given[1] + given[3:] if len(given) > 3 else given  # a transposition
        born = row.birth_date
        forms.append(urlencode({"given_name": given, "family_name": row.family_name, "dob-day": born.day,
                                "dob-month": born.month, "dob-year": born.year}))
    return rng.sample(people, min(CHILD_PAGES, len(people))), forms


def _lua_string(text: str) -> str:
    assert text.isascii(), "only URL-encoded text goes into the script"
    return json.dumps(text)  # ASCII JSON string escapes are valid Lua


def write_script(path: Path, sessions: list[dict], people: list[int], forms: list[str],
                 reasons: list[str], think_ms: int) -> None:
    users = ",\n".join(f"  {{cookie = {_lua_string(s['cookie'])}, token = {_lua_string(s['token'])}}}"
                       for s in sessions)
    cumulative, bounds = 0, []
    for kind, share in MIX.items():
        cumulative += share
        bounds.append(f"{{{_lua_string(kind)}, {cumulative}}}")
    delay = (f"function delay() return math.random({think_ms // 2}, {think_ms * 3 // 2}) end\n"
             if think_ms else "")
    path.write_text(LUA.format(
        users=users, people=", ".join(map(str, people)), forms=",\n".join(map(_lua_string, forms)),
        reasons=", ".join(map(_lua_string, reasons)), mix=", ".join(bounds), total=cumulative,
        marker=MARKER, delay=delay), encoding="utf-8")


# One wrk thread per user, one connection per thread: request() and response() alternate on it, so
# `kind` (set by request) names the request each response answers.
LUA = """-- generated by benchmarks/web_load.py
local users = {{
{users}
}}
local people = {{ {people} }}
local forms = {{
{forms}
}}
local reasons = {{ {reasons} }}
local mix = {{ {mix} }}
local threads, next_id = {{}}, 1

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

local me, kind
function init(args)
  me = users[id]
  math.randomseed(id * 7919)
  counts = {{}}  -- global: done() reads it with thread:get
  for _, m in ipairs(mix) do
    counts[m[1]] = 0
    counts[m[1] .. "_failed"] = 0
  end
  counts.status_4xx, counts.status_5xx, counts.redirects, counts.signed_out = 0, 0, 0, 0
end

function request()
  local roll, headers = math.random({total}), {{Cookie = me.cookie}}
  for _, m in ipairs(mix) do
    if roll <= m[2] then kind = m[1]; break end
  end
  local reason = reasons[math.random(#reasons)]
  if kind == "child" then
    return wrk.format("GET", "/children/" .. people[math.random(#people)] .. "/?reason=" .. reason, headers)
  elseif kind == "search" then
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    local body = forms[math.random(#forms)] .. "&reason=" .. reason .. "&csrfmiddlewaretoken=" .. me.token
    return wrk.format("POST", "/search/", headers, body)
  elseif kind == "alerts" then
    return wrk.format("GET", "/alerts/", headers)
  end
  return wrk.format("GET", "/", headers)
end

function response(status, headers, body)
  counts[kind] = counts[kind] + 1
  local failed = status >= 400
  if status >= 500 then
    counts.status_5xx = counts.status_5xx + 1
  elseif status >= 400 then
    counts.status_4xx = counts.status_4xx + 1
  elseif status >= 300 then
    counts.redirects = counts.redirects + 1
    local location = headers["Location"] or headers["location"] or ""
    if string.find(location, "/sign-in/", 1, true) then
      counts.signed_out = counts.signed_out + 1
      failed = true
    end
  end
  if failed then counts[kind .. "_failed"] = counts[kind .. "_failed"] + 1 end
end

{delay}
function done(summary, latency, requests)
  local parts = {{}}
  local function add(key, value) table.insert(parts, string.format('"%s": %.1f', key, value)) end
  add("duration_us", summary.duration)
  add("requests", summary.requests)
  add("bytes", summary.bytes)
  for key, value in pairs(summary.errors) do add("socket_" .. key, value) end
  for _, p in ipairs({{50, 90, 99, 99.9}}) do add("latency_p" .. p .. "_us", latency:percentile(p)) end
  add("latency_mean_us", latency.mean)
  add("latency_max_us", latency.max)
  local totals = {{}}
  for _, thread in ipairs(threads) do
    for key, value in pairs(thread:get("counts")) do totals[key] = (totals[key] or 0) + value end
  end
  for key, value in pairs(totals) do add(key, value) end
  io.write("{marker}{{" .. table.concat(parts, ", ") .. "}}\\n")
end
"""


def run_wrk(base: str, script: Path, users: int, duration: int, timeout: int) -> tuple[dict, str]:
    cmd = ["wrk", f"-t{users}", f"-c{users}", f"-d{duration}s", f"--timeout={timeout}s", "--latency",
           "-s", str(script), base + "/"]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=duration + 300)
    if done.returncode != 0:
        raise SystemExit(f"wrk failed ({done.returncode}): {done.stderr}")
    line = next(x for x in done.stdout.splitlines() if x.startswith(MARKER))
    return json.loads(line[len(MARKER):]), done.stdout.replace(line, "").strip()


def _figures(raw: dict, users: int) -> dict:
    socket_errors = {k[len("socket_"):]: int(v) for k, v in raw.items() if k.startswith("socket_")}
    socket_errors.pop("status", None)  # wrk's count of >= 400 responses: reported below by class
    seconds = raw["duration_us"] / 1e6
    errors = {**socket_errors, "status_4xx": int(raw["status_4xx"]), "status_5xx": int(raw["status_5xx"]),
              "signed_out": int(raw["signed_out"])}
    return {
        "duration_s": round(seconds, 1), "connections": users, "requests": int(raw["requests"]),
        "requests_per_s": round(raw["requests"] / seconds, 1),
        "latency_ms": {name: round(raw[f"latency_{name}_us"] / 1000, 1)
                       for name in ("p50", "p90", "p99", "p99.9", "mean", "max")},
        "by_kind": {kind: {"requests": int(raw[kind]), "failed": int(raw[f"{kind}_failed"])} for kind in MIX},
        "redirects": int(raw["redirects"]), "errors": errors, "errors_total": sum(errors.values()),
    }


class LoadSampler(threading.Thread):
    """The 1-minute load average every 5 s while wrk runs (the machine is shared)."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.samples: list[float] = []
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.wait(5):
            self.samples.append(os.getloadavg()[0])


def start_server(env: dict, port: int, workers: int | None, threads: int | None,
                 log: Path) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "jigsaw", "serve", "--port", str(port)]
    cmd += ["--workers", str(workers)] if workers else []
    cmd += ["--threads", str(threads)] if threads else []
    full = {**os.environ, **env, "JIGSAW_DEBUG": "false"}
    full.pop("DJANGO_SETTINGS_MODULE", None)
    with log.open("w", encoding="utf-8") as out:
        proc = subprocess.Popen(cmd, env=full, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"jigsaw serve exited with {proc.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=5):
                return proc
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise SystemExit(f"jigsaw serve did not answer within {START_SECONDS}s")


def _server_facts(log: str) -> dict:
    workers_threads = re.search(r"with gunicorn, (\d+) worker processes x (\d+) threads", log)
    return {"server": "gunicorn (gthread)", "workers": int(workers_threads.group(1)),
            "threads": int(workers_threads.group(2)),
            "worker_restarts": log.count("Autorestarting worker"),
            "worker_timeouts": log.count("WORKER TIMEOUT"),
            "log_errors": sum(1 for line in log.splitlines() if "[ERROR]" in line or "Traceback" in line)}


def _smoke(base: str, sessions: list[dict], people: list[int], forms: list[str]) -> None:
    """Each search form and some child pages once, before the clock starts: a broken request is a bug
    in this benchmark, not load (and this warms the caches)."""

    def check(n: int) -> None:
        session = sessions[n % len(sessions)]
        browser = Browser(base)
        browser.cookies = dict(kv.split("=", 1) for kv in session["cookie"].split("; "))
        if n < len(forms):
            status, _, _ = browser.call("/search/", {**dict(parse_qsl(forms[n])), "reason": "s47",
                                                     "csrfmiddlewaretoken": session["token"]})
            assert status == 200, f"search form {n}: {status}"
        status, location, _ = browser.call(f"/children/{people[n % len(people)]}/?reason=s47")
        assert status == 200, f"child page {people[n % len(people)]}: {status} {location}"

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(check, range(len(forms))))


def _summary(r: dict, ok: bool) -> str:
    latency = r["latency_ms"]
    return (f"web_load: {r['connections']} users x {r['duration_s']:.0f}s on {r['children']:,} children: "
            f"{r['requests']:,} requests, {r['requests_per_s']} req/s, p50 {latency['p50']} ms, "
            f"p99 {latency['p99']} ms, errors {r['errors_total']} {r['errors']}, access log "
            f"{'verifies' if r['access_log']['chain_ok'] else 'BROKEN'}, load average "
            f"{r['load_average']['mean_1min']} ({r['workers']} workers x {r['threads']} threads) -> "
            f"{'PASS' if ok else 'FAIL'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--duration", type=int, default=300, help="seconds of load")
    parser.add_argument("--users", type=int, default=50, help="signed-in users = connections")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: jigsaw serve's)")
    parser.add_argument("--threads", type=int, help="threads per worker (default: jigsaw serve's)")
    parser.add_argument("--timeout", type=int, default=10, help="seconds before wrk counts a request failed")
    parser.add_argument("--think-ms", type=int, default=0, help="mean pause between a user's requests")
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="use the database a --keep run left")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    name = f"jigsaw_bench_load_{args.children}"
    result: dict = {"children": args.children, "database": "postgresql", "users": args.users,
                    "think_ms": args.think_ms, "wrk_timeout_s": args.timeout, "mix_percent": MIX}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        if args.reuse and exists(name):
            built = Partnership(env_for(name, tmp / "data"), None, None)
            result["reused_database"] = True
        else:
            started = time.perf_counter()
            built = build(name, args.children, args.seed, tmp)
            result["build_s"] = round(time.perf_counter() - started, 1)
            result["import_link_alerts_s"] = built.import_link_alerts_s
        start_django(built.env)
        from django.db import connections

        from jigsaw.audit.log import verify
        from jigsaw.audit.models import AccessEntry
        from jigsaw.signpost.search import reasons

        usernames = _users(args.users)
        people, forms = _targets(args.seed)
        log_before = AccessEntry.objects.count()
        connections.close_all()
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        server_log = tmp / "serve.log"
        server = start_server(built.env, port, args.workers, args.threads, server_log)
        try:
            with ThreadPoolExecutor(max_workers=6) as pool:
                sessions = list(pool.map(lambda u: sign_in(base, u), usernames))
            assert len({s["cookie"] for s in sessions}) == args.users, "sessions must be distinct"
            _smoke(base, sessions, people, forms)
            script = tmp / "load.lua"
            write_script(script, sessions, people, forms, [r.code for r in reasons()], args.think_ms)
            sampler = LoadSampler()
            sampler.start()
            load_before = os.getloadavg()
            raw, wrk_text = run_wrk(base, script, args.users, args.duration, args.timeout)
            sampler.stop.set()
            print(wrk_text)
        finally:
            server.send_signal(signal.SIGTERM)
            stopped = server.wait(timeout=60)
        log_text = server_log.read_text(encoding="utf-8", errors="replace")
        result.update(_figures(raw, args.users))
        samples = sampler.samples or [os.getloadavg()[0]]
        result["load_average"] = {"before_1min": round(load_before[0], 2), "mean_1min": round(
            sum(samples) / len(samples), 2), "max_1min": round(max(samples), 2)}
        result.update(_server_facts(log_text))
        result["server_exit_status"] = stopped
        checked = verify()
        result["access_log"] = {"entries_written": AccessEntry.objects.count() - log_before,
                                "chain_ok": checked.ok, "checked": checked.checked}
        if not checked.ok:
            result["access_log"]["problem"] = checked.problem
        connections.close_all()
        if result["log_errors"]:
            print("\n".join(log_text.splitlines()[-60:]), file=sys.stderr)
    write_result("web_load", result)
    if not args.keep:
        drop(name)
    ok = result["errors_total"] == 0 and checked.ok and not result["log_errors"]
    print(_summary(result, ok))
    if not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
