"""gunicorn, run in-process, as the web server behind ``jigsaw serve`` and ``jigsaw demo``.

Django's ``runserver`` is a development server: one process, no recycling, no graceful stop.
gunicorn forks worker processes that share one listening socket, each answering requests on a
few threads (``gthread``), so a slow page in one worker does not hold up the others and a crash
costs one worker rather than the service. Workers are recycled after ``max_requests`` (with jitter,
so they do not all restart together) to bound a slow leak.

Stopping: SIGTERM or Ctrl+C stops the server gracefully (requests in flight are finished, then it
exits with status 0); a second Ctrl+C makes the stop immediate. gunicorn's own Ctrl+C is the
immediate stop, and a terminal sends it to every worker as well as the arbiter, so a worker could
be told to quit twice, the second time in the middle of exiting: under load that left a worker
hanging until the arbiter killed it. Here only the arbiter hears Ctrl+C, and it stops its workers
the way SIGTERM does.

Logging: gunicorn's access log is off. The hash-chained access log in the database records who
saw what; addresses can carry filters, and plain application logs must never hold personal data.
For the same reason query strings are cut from anything gunicorn's error log would print.
"""

from __future__ import annotations

import logging
import os
import re
import signal
import sys
from typing import Any

from gunicorn import glogging
from gunicorn.app.base import BaseApplication
from gunicorn.arbiter import Arbiter

from .common import UserError

HOST = "127.0.0.1"
#: Few enough that workers x threads persistent connections stay well inside PostgreSQL's 100.
MAX_DEFAULT_WORKERS = 8
DEFAULT_THREADS = 4
MAX_REQUESTS = 1000
MAX_REQUESTS_JITTER = 200
#: Seconds a stopping worker has to finish its requests in flight.
GRACEFUL_TIMEOUT = 10
#: Seconds of silence before the arbiter replaces a worker (generous: this machine is shared).
WORKER_TIMEOUT = 60
QUERY = re.compile(r"\?[^\s'\"]+")


def cores() -> int:
    """CPUs this process may run on (the affinity mask where there is one)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _from_setting(name: str, fallback: int) -> int:
    """A count from settings (``name``: the environment variable behind it), else ``fallback``."""
    from django.conf import settings

    text = str(getattr(settings, name, "")).strip()
    if not text:
        return fallback
    if not text.isdigit() or int(text) < 1:
        raise UserError(f"{name} must be a whole number of at least 1")
    return int(text)


def default_workers() -> int:
    """``JIGSAW_WEB_WORKERS``, else gunicorn's 2 x cores + 1 rule, at most 8."""
    return _from_setting("JIGSAW_WEB_WORKERS", min(2 * cores() + 1, MAX_DEFAULT_WORKERS))


def default_threads() -> int:
    """``JIGSAW_WEB_THREADS``, else 4 threads per worker."""
    return _from_setting("JIGSAW_WEB_THREADS", DEFAULT_THREADS)


class _NoQueryStrings(logging.Filter):
    """Cuts ``?query`` from gunicorn's error messages (the request line of a failed request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "?" in message:
            record.msg, record.args = QUERY.sub("?[removed]", message), ()
        return True


class _Logger(glogging.Logger):
    def __init__(self, cfg: Any) -> None:
        super().__init__(cfg)
        self.error_log.addFilter(_NoQueryStrings())


def _close_connections(_arbiter: Any) -> None:
    """Before forking: a database connection must never be shared between processes."""
    from django.db import connections

    connections.close_all()


def _leave_interrupts_to_the_arbiter(_worker: Any) -> None:
    """In a worker, after gunicorn has set its handlers: Ctrl+C is the arbiter's to act on."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class _Arbiter(Arbiter):
    def handle_int(self) -> None:
        """Ctrl+C: the graceful stop SIGTERM gives (a second Ctrl+C during it is immediate)."""
        raise StopIteration


class JigsawServer(BaseApplication):
    """gunicorn's application API: our settings and ``jigsaw.wsgi.application``, no gunicorn CLI."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        """The WSGI application, with every URL's view module imported here, in the arbiter.

        Django imports the URLconf (and through it every view, pyarrow and the identity engine)
        on a process's first request: seconds of CPU that each recycled worker would otherwise
        spend again, in the middle of serving. Imported before the fork, workers start ready.
        """
        from django.urls import get_resolver

        from jigsaw.wsgi import application

        get_resolver().url_patterns  # noqa: B018 - the import is the point
        return application

    def run(self) -> None:
        try:
            _Arbiter(self).run()
        except RuntimeError as error:  # as gunicorn's own run() reports it
            raise UserError(f"the web server could not start: {error}") from error


def options(port: int, workers: int, threads: int) -> dict[str, Any]:
    """The gunicorn settings ``jigsaw serve`` runs with."""
    return {
        "bind": [f"{HOST}:{port}"], "workers": workers, "threads": threads, "worker_class": "gthread",
        "preload_app": True,  # Django loaded once in the arbiter; (re)started workers fork ready
        "when_ready": _close_connections, "post_worker_init": _leave_interrupts_to_the_arbiter,
        "accesslog": None, "errorlog": "-", "loglevel": "info", "logger_class": _Logger,
        "graceful_timeout": GRACEFUL_TIMEOUT, "timeout": WORKER_TIMEOUT,
        "max_requests": MAX_REQUESTS, "max_requests_jitter": MAX_REQUESTS_JITTER,
        "proc_name": "jigsaw",
        # its control socket is one fixed path per user: two servers would fight over it
        "control_socket_disable": True,
    }


def run(port: int, workers: int, threads: int) -> None:
    """Serve until SIGTERM or Ctrl+C; returns nothing (the arbiter exits the process)."""
    sys.stdout.flush()  # forked workers must not inherit (and print again) buffered output
    sys.stderr.flush()
    JigsawServer(options(port, workers, threads)).run()
