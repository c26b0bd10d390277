"""The unit of work: one database transaction around one command, rolled back unless committed."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import ExitStack
from types import TracebackType
from typing import Any

from sqlalchemy import Connection, Engine

from bank.cache import AccountCache
from bank.recorded import RecordedEvent
from bank.repository import AccountRepository
from bank.store.engine import WRITE
from bank.store.event_store import EventStore
from bank.store.idempotency import IdempotencyStore
from bank.store.snapshots import SnapshotStore
from bank.store.write_queue import writer_turn

Publisher = Callable[[Connection, Sequence[RecordedEvent]], None]
"""Receives newly appended events inside the transaction (the read side's dispatcher)."""


def _publish_nowhere(_connection: Connection, _events: Sequence[RecordedEvent]) -> None:
    """For a ledger without read models (unit tests of the write side)."""


class UnitOfWork:
    """Owns one write transaction: repository, idempotency records and publishing share it.

    On a SQLite file it first waits for the writer's turn (`bank.store.write_queue`).
    """

    connection: Connection
    accounts: AccountRepository
    idempotency: IdempotencyStore
    snapshots: SnapshotStore

    def __init__(
        self,
        engine: Engine,
        publish: Publisher = _publish_nowhere,
        cache: AccountCache | None = None,
    ) -> None:
        self._engine = engine
        self._publish = publish
        self._cache = cache

    def __enter__(self) -> UnitOfWork:
        with ExitStack() as acquiring:
            acquiring.enter_context(writer_turn(self._engine))
            self.connection = acquiring.enter_context(self._engine.connect())
            self.connection.execution_options(**WRITE)
            self._transaction = self.connection.begin()
            self._held = acquiring.pop_all()
        self.snapshots = SnapshotStore(self.connection)
        self.accounts = AccountRepository(EventStore(self.connection), self.snapshots, self._cache)
        self.idempotency = IdempotencyStore(self.connection)
        return self

    def save(self, metadata: dict[str, Any]) -> list[RecordedEvent]:
        """Append every changed account's events and hand them to the read side."""
        recorded = self.accounts.save_all(metadata)
        if recorded:
            self._publish(self.connection, recorded)
        return recorded

    def commit(self) -> None:
        """Make events, read models and the idempotency record visible together."""
        self._transaction.commit()
        self.accounts.remember_saved()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if self._transaction.is_active:
                self._transaction.rollback()
        finally:
            self._held.close()  # the connection, then the writer's turn (SQLite)
