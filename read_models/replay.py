"""Replaying the event store into scratch tables, for rebuild and verify alike.

Two phases. The bulk phase reads events in position order, one batch and one short
transaction at a time, so commands keep committing meanwhile and memory holds one batch
(plus the projections' per-account state); its commits into the disposable scratch
tables do not wait for the disk (`unsynced.py`), and Python collects garbage once a
batch rather than automatically (`collection.py`). The catch-up phase then takes the append lock
(`EventStore.lock_appends` on PostgreSQL, `BEGIN IMMEDIATE` on SQLite),
applies whatever committed since, and hands that transaction to `finish` (swap, or
compare) before anyone can append again. On PostgreSQL no lock wait in that step may
outlast a second: a table someone else holds makes it roll back, let the commands through,
and try again a few times (`lock_waits.py`). Appends commit in position order (see
`bank.store.event_store`), so a reader going by position never skips an event that
commits late: nothing is lost, nothing doubled.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Connection, Engine, Table
from tqdm import tqdm

from bank.recorded import StoredEvent
from bank.store.engine import WRITE
from bank.store.event_store import EventStore
from bank.store.schema import events
from bank.store.write_queue import writer_turn
from read_models.collection import batchwise_collection, collect_batch
from read_models.lock_waits import LOCK_RETRY_DELAYS, TableBusy, bound_lock_waits, waits_for
from read_models.projection import Projection, RestartableWriter, Writer
from read_models.unsynced import unsynced_commits

DEFAULT_BATCH_SIZE = 10_000
MAX_PASSES = 3

Target = tuple[Projection[Any], Any]
"""A projection and the scratch table set it is being replayed into."""

R = TypeVar("R")


@dataclass(frozen=True)
class Replayed(Generic[R]):
    """How far a replay went, and what its `finish` step returned."""

    events: int
    position: int
    outcome: R


def replay(
    engine: Engine,
    projections: Sequence[Projection[Any]],
    suffix: str,
    finish: Callable[[Connection, Sequence[Target]], R],
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    show_progress: bool = False,
) -> Replayed[R]:
    """Replay every event into fresh `suffix` tables, then `finish` under the append lock.

    The scratch tables outlive a successful replay, for the caller to swap in or to
    compare and drop (`drop_scratch`); a failed one drops them. The caller holds
    `exclusive_replay` for `suffix` throughout, so no other replay shares the tables.
    """
    if batch_size < 1:
        raise ValueError("batch size must be at least 1")
    targets = [(p, p.table_set(suffix)) for p in projections]
    try:
        with engine.connect().execution_options(**WRITE) as conn:
            with _writing(conn):
                for _projection, scratch in targets:
                    _drop(conn, scratch.tables)
                    for table in scratch.tables:
                        table.create(conn)
            writers = [p.replay_writer(scratch) for p, scratch in targets]
            with tqdm(unit="event", desc=suffix.strip("_"), disable=not show_progress) as bar:
                progress = _Progress(bar)
                with engine.connect() as reader, unsynced_commits(conn), batchwise_collection():
                    _bulk(reader, conn, writers, progress, batch_size)
                outcome = _finish_locked(
                    conn, targets, finish, writers=writers, progress=progress, size=batch_size
                )
            return Replayed(progress.events, progress.position, outcome)
    except BaseException:
        drop_scratch(engine, targets)
        raise


def drop_scratch(engine: Engine, targets: Sequence[Target]) -> None:
    """Drop what is left of the scratch tables (nothing, once a swap took them over)."""
    with engine.connect().execution_options(**WRITE) as conn, _writing(conn):
        for _projection, scratch in targets:
            _drop(conn, scratch.tables)


@dataclass
class _Progress:
    """Where the replay stands, mirrored on the progress bar."""

    bar: tqdm[Any]
    position: int = 0
    events: int = 0

    def expect(self, head: int) -> None:
        """Set the bar's total to reach `head` (positions may skip, so it can overshoot)."""
        self.bar.total = max(self.bar.total or 0, self.events + head - self.position)
        self.bar.refresh()

    def advance(self, batch: list[StoredEvent]) -> None:
        """Count a batch as applied."""
        self.bar.update(len(batch))
        self.events += len(batch)
        if batch:
            self.position = batch[-1].position

    def mark(self) -> tuple[int, int]:
        """Where the replay stands (position, events), to `rewind` to."""
        return self.position, self.events

    def rewind(self, mark: tuple[int, int]) -> None:
        """Stand at `mark` again: what was applied since was rolled back."""
        self.position, self.events = mark
        self.bar.n = self.events
        self.bar.refresh()


def _bulk(
    reader: Connection,
    conn: Connection,
    writers: Sequence[Writer],
    progress: _Progress,
    size: int,
) -> None:
    """Replay in passes, each up to the head as it stood when the pass began.

    A pass never chases the head (busy writers could keep it going forever); another
    pass starts while more than a batch has committed meanwhile, at most MAX_PASSES,
    so the locked catch-up is left little to do. Batches are read outside the write
    transaction: on SQLite a replay holding the write lock while it read would take it
    again the instant it let go, and starve the commands waiting in their busy handler.
    """
    for pass_ in range(MAX_PASSES):
        with reader.begin():
            head = EventStore(reader).head_position()
        if pass_ and head - progress.position <= size:
            break
        progress.expect(head)
        while progress.position < head:
            with reader.begin():
                batch = EventStore(reader).read_data(progress.position, size)
            if not batch:
                break
            with _writing(conn):
                _project(conn, writers, batch)
            progress.advance(batch)
            collect_batch()
    with _writing(conn):
        _flush(conn, writers)


@contextmanager
def _writing(conn: Connection) -> Iterator[None]:
    """A write transaction on `conn`, queued with the commands' (`bank.store.write_queue`).

    On SQLite commands pass the write lock straight on to each other; a replay that
    waited in SQLite's busy handler instead could miss every gap between them.
    """
    with writer_turn(conn.engine), conn.begin():
        yield


def _finish_locked(
    conn: Connection,
    targets: Sequence[Target],
    finish: Callable[[Connection, Sequence[Target]], R],
    *,
    writers: Sequence[RestartableWriter],
    progress: _Progress,
    size: int,
) -> R:
    """Catch up and `finish` under the append lock, tried again while a table stays busy.

    A busy table rolls the attempt back, which lets the commands through; after a pause
    the writers start again from what the scratch tables hold (`_bulk` committed it all).
    """
    start = progress.mark()
    for delay in LOCK_RETRY_DELAYS:
        try:
            return _locked(conn, targets, finish, writers=writers, progress=progress, size=size)
        except TableBusy:
            for writer in writers:
                writer.forget()
            progress.rewind(start)
            time.sleep(delay)
    return _locked(conn, targets, finish, writers=writers, progress=progress, size=size)


def _locked(
    conn: Connection,
    targets: Sequence[Target],
    finish: Callable[[Connection, Sequence[Target]], R],
    *,
    writers: Sequence[Writer],
    progress: _Progress,
    size: int,
) -> R:
    """One attempt: the append lock, the catch-up and `finish`, in one transaction whose
    lock waits are bounded."""
    with _writing(conn):
        bound_lock_waits(conn)
        with waits_for(events.name):
            EventStore(conn).lock_appends()
        _catch_up(conn, writers, progress, size)
        return finish(conn, targets)


def _catch_up(conn: Connection, writers: Sequence[Writer], progress: _Progress, size: int) -> None:
    """Apply what committed since, in the caller's (locked) transaction."""
    while batch := EventStore(conn).read_data(progress.position, size):
        _project(conn, writers, batch)
        progress.advance(batch)
    _flush(conn, writers)


def _drop(conn: Connection, tables: Sequence[Table]) -> None:
    for table in reversed(tables):
        table.drop(conn, checkfirst=True)


def _project(conn: Connection, writers: Sequence[Writer], batch: list[StoredEvent]) -> None:
    for writer in writers:
        writer.project(conn, batch)


def _flush(conn: Connection, writers: Sequence[Writer]) -> None:
    for writer in writers:
        writer.flush(conn)
