"""Writers to one SQLite file take turns on an OS file lock, not in SQLite's busy handler.

SQLite lets one writer in at a time; the others retry from its busy handler, which
sleeps 1, 2, 5, 10 ... up to 100 ms between tries while newcomers walk straight in.
Under two gunicorn workers that gave deposits a p99 of 0.5-0.9 s (BENCHMARKS.md). Here
a writer takes its turn in two steps and holds it until its transaction has ended, so
the database's own write lock is free whenever a writer gets its turn: first the
process's lock for that file (threads queue on it and are woken at once), then an
exclusive `flock` on a file beside the database, which the one waiting thread of each
process retries at least every millisecond. PostgreSQL and in-memory databases need
no turn.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine

from bank.store.engine import SQLITE_BUSY_TIMEOUT_MS

TURN_TIMEOUT_S = SQLITE_BUSY_TIMEOUT_MS / 1000
"""A writer waits for its turn as long as SQLite's busy handler would, then gives up."""

MAX_PAUSE_S = 0.001
"""The longest a waiting writer sleeps between tries (SQLite's busy handler: 100 ms)."""


class WriterTurnTimeout(TimeoutError):
    """Another writer held the database for longer than a writer waits for its turn."""


class _Queue:
    """One database file's writers in this process: a thread lock, then the file's flock.

    The lock file is opened once per process; only the thread holding `lock` uses it.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self.lock = threading.Lock()
        self._fd = -1
        self._pid = 0

    def file(self) -> int:
        """The open lock file, reopened in a forked child.

        An inherited file description shares its parent's flock instead of competing for it.
        """
        if self._pid != os.getpid():
            if self._fd >= 0:
                os.close(self._fd)
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            self._pid = os.getpid()
        return self._fd


_QUEUES: dict[str, _Queue] = {}
_REGISTRY = threading.Lock()


def database_file(engine: Engine) -> str | None:
    """The SQLite database file `engine` opens; None for PostgreSQL or an in-memory one."""
    url = engine.url
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return url.database


def turn_file(engine: Engine) -> str | None:
    """The lock file beside a SQLite database file, or None when writers need no turn."""
    path = database_file(engine)
    return None if path is None else f"{path}-writers"


@contextmanager
def writer_turn(engine: Engine, timeout: float = TURN_TIMEOUT_S) -> Iterator[None]:
    """Hold this writer's turn on `engine`'s database for the body of the block."""
    path = turn_file(engine)
    if path is None:
        yield
        return
    deadline = time.monotonic() + timeout
    queue = _queue(path)
    if not queue.lock.acquire(timeout=timeout):
        raise _timed_out(path, timeout)
    try:
        fd = queue.file()
        _wait(fd, path, deadline, timeout)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        queue.lock.release()


def _queue(path: str) -> _Queue:
    queue = _QUEUES.get(path)
    if queue is None:
        with _REGISTRY:
            queue = _QUEUES.setdefault(path, _Queue(path))
    return queue


def _wait(fd: int, path: str, deadline: float, timeout: float) -> None:
    """Take the flock, retrying after short pauses: `flock` has no timeout of its own."""
    pause = MAX_PAUSE_S / 8
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise _timed_out(path, timeout) from None
            time.sleep(pause)
            pause = min(pause * 2, MAX_PAUSE_S)


def _timed_out(path: str, timeout: float) -> WriterTurnTimeout:
    return WriterTurnTimeout(
        f"another writer held {path} for over {timeout:g} s; nothing was written"
    )
