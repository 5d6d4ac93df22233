"""``jigsaw migrate``, ``jigsaw serve`` and ``jigsaw demo``."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import click

from .common import UserError, progress_bar, run_migrations, setup_django, status

DEMO_CHILDREN = 3000


@click.command()
def migrate() -> None:
    """Create or update the database schema."""
    setup_django(migrate_if_embedded=False)
    run_migrations(verbosity=1)


def _serve(port: int, workers: int | None = None, threads: int | None = None) -> None:
    """Serve with gunicorn (:mod:`jigsaw.cli.webserver`) until SIGTERM or Ctrl+C."""
    from . import webserver

    workers = workers or webserver.default_workers()
    threads = threads or webserver.default_threads()
    click.echo(f"Serving Jigsaw on http://127.0.0.1:{port}/ with gunicorn, {workers} worker processes "
               f"x {threads} threads (Ctrl+C to stop)")
    webserver.run(port, workers, threads)


@click.command()
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="Worker processes [default: JIGSAW_WEB_WORKERS, else 2 x cores + 1, at most 8]")
@click.option("--threads", type=click.IntRange(1, 64), default=None,
              help="Threads per worker [default: JIGSAW_WEB_THREADS, else 4]")
def serve(port: int, workers: int | None, threads: int | None) -> None:
    """Run the web application on 127.0.0.1 (gunicorn: worker processes x threads)."""
    # the address the API names (token URL, metadata) is this server's unless set otherwise
    os.environ.setdefault("JIGSAW_API_BASE_URL", f"http://127.0.0.1:{port}")
    setup_django()
    _serve(port, workers, threads)


@click.command()
@click.option("--children", type=click.IntRange(min=1), default=DEMO_CHILDREN, show_default=True)
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--no-serve", is_flag=True, help="Prepare everything, then exit.")
@click.option("--seed", type=int, default=1, show_default=True)
def demo(children: int, port: int, no_serve: bool, seed: int) -> None:
    """Synthetic partnership -> import -> link -> alerts -> demo users -> serve, in one command."""
    setup_django()
    from django.conf import settings

    from jigsaw.records.importer import import_paths
    from jigsaw.synth import write_partnership

    from .feeds import log_agency_contacts

    started = time.perf_counter()
    feeds = Path(settings.DATA_DIR) / f"demo-feeds-{children}-{seed}"
    if not (feeds / "truth" / "people.csv").is_file():
        if feeds.exists():
            raise UserError(f"{feeds} is incomplete; delete it and run `jigsaw demo` again")
        with progress_bar("Generating a synthetic partnership", children) as advance:
            done = 0

            def report(finished: int, _total: int) -> None:
                nonlocal done
                advance(finished - done)
                done = finished

            summary = write_partnership(feeds, children=children, seed=seed, progress=report)
        click.echo(f"Synthetic partnership: {summary.children:,} children, "
                   f"{summary.person_records:,} person records, {summary.events:,} events "
                   f"in {len(summary.source_systems)} source systems ({feeds})")
    returns = _demo_returns(feeds, Path(settings.DATA_DIR) / f"demo-returns-{children}-{seed}", seed)
    files = sorted(feeds.rglob("*.csv"))
    total = sum(f.stat().st_size for f in files if f.parent.name != "truth")
    with progress_bar("Importing the feeds", total) as advance:
        report = import_paths([feeds], progress=advance)
    log_agency_contacts(report)
    data = report.as_dict()
    click.echo(f"Imported: read {data['read']:,}, accepted {data['accepted']:,}, "
               f"quarantined {data['quarantined']:,}, unchanged {data['unchanged']:,}, "
               f"warnings {data['warnings']:,} ({time.perf_counter() - started:.1f}s so far)")
    from jigsaw.signpost.batch import link_all

    with status("Linking identities") as step:
        linked = link_all(step=step)
    click.echo(f"Linked: {linked['records']:,} person records -> {linked['people']:,} people, "
               f"{linked['review_items']:,} pairs to review ({time.perf_counter() - started:.1f}s so far)")
    from jigsaw.alerts.run import run

    _demo_users(port, no_serve)  # before the rules run: an alert goes to the account its involvement names
    with status("Running the alert rules"):
        alerted = run()
    click.echo(f"Alerts: {alerted['raised']:,} raised from {alerted['events']:,} events "
               f"({time.perf_counter() - started:.1f}s so far)")
    from jigsaw.insight.demo import load as load_picture
    from jigsaw.records.database import db

    picture = load_picture(db())
    click.echo(f"Partnership picture: {picture['comparators']} published comparator values, a CSWW return, "
               f"{picture['audited']} case-file audits")
    click.echo(f"The council's CIN census and SSDA903 for these children, not yet imported: {returns}"
               f" (`jigsaw import {returns} --source csc`; docs/returns.md)")
    if no_serve:
        return
    _serve_in_a_fresh_process(port)


def _demo_returns(feeds: Path, out: Path, seed: int) -> Path:
    """The council's DfE returns for the demo's own children (written once), for a user to
    import: a return made for another partnership would describe other children."""
    if not (out / "missing.csv").is_file():
        from jigsaw.synth.returns import write_returns

        write_returns(feeds, out, seed=seed)
    return out


def _serve_in_a_fresh_process(port: int) -> None:
    """Replace this process with ``jigsaw serve``: the demo's own process has DuckDB's and the
    importer's threads running, and gunicorn workers forked from it crash (SIGSEGV) on their
    first request. A new process image starts clean; the pid, environment and terminal stay."""
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(sys.executable, [sys.executable, "-m", "jigsaw", "serve", "--port", str(port)])  # noqa: S606


def _demo_users(port: int, no_serve: bool = False) -> None:
    """One demo user per role (two administrators), and how to sign in as them."""
    from jigsaw.accounts.services import DEMO_PASSWORD, AccountError, create_demo_users

    try:
        names = create_demo_users()
    except AccountError as exc:
        raise UserError(str(exc)) from None
    click.echo(f"Demo users (one per role), password {DEMO_PASSWORD!r}: {', '.join(names)}")
    start = f"Run `jigsaw serve --port {port}`, then sign" if no_serve else "Sign"
    click.echo(f"{start} in at http://127.0.0.1:{port}/sign-in/ ; for the 6-digit code run "
               f"`jigsaw otp-code USERNAME` (e.g. `jigsaw otp-code {names[0]}`). All data is synthetic.")
