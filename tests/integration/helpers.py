"""Small helpers shared by integration tests: reading the store back."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from sqlalchemy import Engine

from bank.account import BankAccount
from bank.events import (
    AccountOpened,
    MoneyDeposited,
    MoneyWithdrawn,
    TransferReceived,
    TransferSent,
)
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


def balances_that_do_not_chain(events: list[RecordedEvent]) -> list[str]:
    """Events whose recorded `balance_after` is not the previous balance plus their amount.

    Totals cannot show a decision taken on a stale balance (amounts still add up); this
    can: two writers that read the same balance record the same `balance_after`.
    """
    balance: dict[str, Decimal] = defaultdict(Decimal)
    broken = []
    for recorded in sorted(events, key=lambda e: (e.stream_id, e.version)):
        event = recorded.event
        if isinstance(event, AccountOpened):
            balance[recorded.stream_id] = event.initial_deposit
        elif isinstance(event, MoneyDeposited | TransferReceived):
            balance[recorded.stream_id] += event.amount
        elif isinstance(event, MoneyWithdrawn | TransferSent):
            balance[recorded.stream_id] -= event.amount
        else:
            continue
        after = getattr(event, "balance_after", balance[recorded.stream_id])
        if after is not None and after != balance[recorded.stream_id]:
            broken.append(f"{recorded.stream_id} v{recorded.version}")
    return broken
