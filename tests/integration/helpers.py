"""Small helpers shared by integration tests: reading the store back."""

from __future__ import annotations

from sqlalchemy import Engine

from bank.account import BankAccount
from bank.recorded import RecordedEvent
from bank.repository import AccountRepository
from bank.store.event_store import EventStore
from bank.store.snapshots import SnapshotStore


def all_events(engine: Engine) -> list[RecordedEvent]:
    """Every event in the store, in position order."""
    with engine.connect() as conn:
        return list(EventStore(conn).read_all())


def load(engine: Engine, account_id: str) -> BankAccount:
    """An account as the repository loads it (snapshot plus later events)."""
    with engine.connect() as conn:
        return AccountRepository(EventStore(conn), SnapshotStore(conn)).get(account_id)


def replay(engine: Engine, account_id: str) -> BankAccount:
    """An account replayed from its first event, ignoring snapshots."""
    with engine.connect() as conn:
        return AccountRepository(EventStore(conn), SnapshotStore(conn)).as_of(account_id)
