"""One replay per set of scratch tables at a time: a second rebuild (or verify) is refused.

Two replays into the same scratch tables would drop and refill each other's work, and a
swap would then put a mix of both in place of the live tables. A replay therefore holds,
from before it touches its scratch tables until it is done, a lock named after them:
PostgreSQL's session advisory lock (keyed by schema and name, so ledgers in different
schemas of one database do not meet), or on SQLite an `flock` on a file beside the
database. Both end with the process that holds them, so a crash never leaves the ledger
locked.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine

from bank.store.dialect import named_lock
from bank.store.write_queue import database_file

_TRY_LOCK = named_lock("pg_try_advisory_lock")
_UNLOCK = named_lock("pg_advisory_unlock")


class ReplayInProgress(RuntimeError):
    """Another replay into the same scratch tables is running."""

    def __init__(self, name: str) -> None:
        super().__init__(
            f"another {name.strip('_')} is running on this database; "
            "wait for it to finish, then run this one again (nothing was changed)"
        )


@contextmanager
def exclusive_replay(engine: Engine, suffix: str) -> Iterator[None]:
    """Hold the lock of the `suffix` scratch tables, or raise ReplayInProgress at once."""
    if engine.dialect.name == "postgresql":
        with _advisory_lock(engine, suffix):
            yield
        return
    path = database_file(engine)
    if path is None:
        yield
        return
    fd = os.open(f"{path}-replay{suffix}", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ReplayInProgress(suffix) from None
        yield
    finally:
        os.close(fd)


@contextmanager
def _advisory_lock(engine: Engine, suffix: str) -> Iterator[None]:
    """A session advisory lock on a connection of its own, held for the block."""
    name = f".ledger-replay{suffix}"
    with engine.connect() as conn:
        acquired = conn.execute(_TRY_LOCK, {"name": name}).scalar_one()
        conn.commit()
        if not acquired:
            raise ReplayInProgress(suffix)
        try:
            yield
        finally:
            conn.execute(_UNLOCK, {"name": name})
            conn.commit()
