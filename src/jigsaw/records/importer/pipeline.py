"""Parse the files of an import in a worker process while the importer loads what is parsed.

Parsing (Python) and loading (mostly the database's own work) each take about half an import,
so on a machine with two cores or more a worker reads and parses file N+1 while this process
stages, applies and commits file N. Nothing about a file's transaction changes: a worker only
hands over batches of parsed rows, in order, through a bounded queue (memory stays flat), and
never touches the database. Small imports parse in-process, where a worker would cost more to
start than it saves.

With two files or more there are two workers, each parsing its share of the files in order
(shared out by size): the importer waits on one file at a time, so while one worker parses the
file being loaded the other is already parsing a later one. A DfE census is the case that
needs it: its children and its episodes are two passes over one big file, loaded one after the
other, and one worker made the second pass wait for the first.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import multiprocessing
import os
import queue
import signal
import sys
import traceback
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import connections

from jigsaw.feeds import FeedFileError

from .prepare import Batch, End, Unit, prepare, unit_path

#: below this many bytes in all, parse in-process (tests lower it to exercise the worker)
BACKGROUND_MIN_BYTES = 2_000_000
#: batches each worker may run ahead of the loader (each up to prepare.FLUSH_ROWS rows)
AHEAD = 16
#: parse workers at most (never more than the machine's cores, nor than the files)
WORKERS = 2
_POLL_SECONDS = 1.0


@dataclass(slots=True)
class _Refused:
    reason: str


@dataclass(slots=True)
class _Failed:
    detail: str


class Parsed:
    """Parsed batches of each file, in order; ``file(i)`` must be read to its end, i by i."""

    def __init__(self, paths: list[Unit], for_copy: bool = False) -> None:
        self.paths, self.for_copy = paths, for_copy
        self._workers: list[tuple[object, object]] = []  # (process, queue)
        self._owner: dict[int, int] = {}  # file index -> its worker
        if _worth_a_worker(paths):
            context = multiprocessing.get_context("fork")
            sockets = _db_sockets()
            for n, share in enumerate(_share_out(paths, _worker_count(paths))):
                out = context.Queue(maxsize=AHEAD)
                process = context.Process(
                    target=_work, args=(paths, share, for_copy, out, os.getpid(), sockets),
                    name=f"jigsaw-import-parse-{n}", daemon=True)
                process.start()
                self._workers.append((process, out))
                self._owner.update(dict.fromkeys(share, n))

    def file(self, index: int) -> Iterator[Batch | End]:
        """The file's batches then End; raises FeedFileError if it cannot be read."""
        if not self._workers:
            yield from prepare(self.paths[index], self.for_copy)
            return
        process, out = self._workers[self._owner[index]]
        while True:
            at, item = self._next(process, out)
            if at != index:
                raise RuntimeError(f"import worker sent file {at} while file {index} was loading")
            if isinstance(item, _Refused):
                raise FeedFileError(item.reason)
            if isinstance(item, _Failed):
                raise RuntimeError(f"parsing {self.paths[index]} failed:\n{item.detail}")
            yield item
            if isinstance(item, End):
                return

    @staticmethod
    def _next(process, out) -> tuple[int, object]:
        while True:
            try:
                return out.get(timeout=_POLL_SECONDS)
            except queue.Empty:
                if not process.is_alive():
                    raise RuntimeError("the import worker process died; nothing more was "
                                       "loaded") from None

    def close(self) -> None:
        for process, out in self._workers:
            if process.is_alive():
                process.terminate()
            process.join()
            out.close()
            out.cancel_join_thread()
        self._workers = []

    def __enter__(self) -> Parsed:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _size(unit: Unit) -> int:
    try:
        return unit_path(unit).stat().st_size
    except OSError:
        return 0  # it will be refused, in order, by its worker


def _worker_count(paths: list[Unit]) -> int:
    return max(1, min(WORKERS, len(os.sched_getaffinity(0)), len(paths)))


def _share_out(paths: list[Unit], workers: int) -> list[list[int]]:
    """File indexes for each worker, each list in file order: biggest first, every file goes to
    the worker with the fewest bytes so far, so two big files (or two passes over one) go to
    different workers and run side by side, and the small ones are spread round them (taken in
    file order, a big file last in the run would have had a worker busy with small ones ahead
    of it)."""
    shares: list[list[int]] = [[] for _ in range(workers)]
    loads = [0] * workers
    sizes = [_size(unit) + 1 for unit in paths]  # + 1: empty files still spread out
    for index in sorted(range(len(paths)), key=lambda i: -sizes[i]):  # stable: ties in file order
        least = loads.index(min(loads))
        shares[least].append(index)
        loads[least] += sizes[index]
    return [sorted(share) for share in shares if share]


def _worth_a_worker(paths: list[Unit]) -> bool:
    if not sys.platform.startswith("linux") or len(os.sched_getaffinity(0)) < 2:
        return False  # Linux: fork is safe there, and the worker can die with the importer
    return sum(map(_size, paths)) >= BACKGROUND_MIN_BYTES


def _die_with(parent: int) -> None:
    """Have the kernel kill this worker if the importer dies (e.g. SIGKILL mid-file)."""
    pr_set_pdeathsig = 1
    with contextlib.suppress(OSError, AttributeError):  # else put() notices within a second
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(0)


def _db_sockets() -> list[int]:
    """File descriptors of this process's open PostgreSQL connections."""
    found = []
    for connection in connections.all(initialized_only=True):
        if connection.vendor == "postgresql" and connection.connection is not None:
            with contextlib.suppress(Exception):  # closed or broken: nothing to hand on
                found.append(connection.connection.fileno())
    return found


def _let_go_of(sockets: list[int]) -> None:
    """Drop the worker's copies of the importer's database sockets (without closing them).

    A forked copy would keep the server's session alive after the importer died, and with it
    the file's open transaction and the import lock; /dev/null over the descriptor releases
    the socket while keeping the number taken, so nothing else is written to it by mistake.
    """
    null = os.open(os.devnull, os.O_RDWR)
    for fd in sockets:
        with contextlib.suppress(OSError):
            os.dup2(null, fd)
    os.close(null)


def _work(paths: list[Unit], share: list[int], for_copy: bool, out, parent: int,
          sockets: list[int]) -> None:
    """A worker: the batches of its share of the files, in order, until done or the importer
    is gone."""
    _let_go_of(sockets)
    _die_with(parent)
    gc.disable()  # millions of short-lived tuples; cyclic GC passes would cost ~15% for nothing
    index = share[0]

    def put(item) -> None:
        while True:
            try:
                out.put(item, timeout=_POLL_SECONDS)
                return
            except queue.Full:
                if os.getppid() != parent:  # the importer was killed: stop, quietly
                    os._exit(0)

    try:
        for index in share:
            try:
                for item in prepare(paths[index], for_copy):
                    put((index, item))
            except FeedFileError as exc:
                put((index, _Refused(str(exc))))
    except BaseException:  # reported to the importer, which raises it
        put((index, _Failed(traceback.format_exc())))
    out.close()
    out.join_thread()
