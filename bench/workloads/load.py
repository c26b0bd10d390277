"""`load`: how long loading an account takes: 10,000 events, with and without a snapshot."""

from __future__ import annotations

import statistics
import time
from decimal import Decimal

from sqlalchemy import Engine

from bank.account import BankAccount
from bank.events import AccountOpened, DomainEvent, MoneyDeposited
from bank.repository import AccountRepository, snapshot_of
from bank.store.engine import WRITE, create_engine
from bank.store.event_store import NO_STREAM, EventStore, PendingAppend
from bank.store.snapshots import SnapshotStore
from bench.harness import Report, fresh_database
from bootstrap import init_db

BATCH = 1_000
REPEATS = 20


def history(account_id: str, length: int) -> list[DomainEvent]:
    """An opening then deposits of one cent: valid, cheap to generate."""
    cent = Decimal("0.01")
    opened: DomainEvent = AccountOpened(account_id, "owner", "EUR", Decimal("0.00"))
    return [opened] + [MoneyDeposited(cent, "", "general", cent * n) for n in range(1, length)]


def seed(engine: Engine, account_id: str, length: int, snapshot_every: int | None) -> None:
    """Append the history in batches; store the newest snapshot a live ledger would have taken."""
    events = history(account_id, length)
    with engine.connect().execution_options(**WRITE) as conn, conn.begin():
        store = EventStore(conn)
        for start in range(0, length, BATCH):
            expected = start or NO_STREAM
            chunk = events[start : start + BATCH]
            store.append([PendingAppend(account_id, "BankAccount", chunk, expected)], {})
        if snapshot_every:
            at = (length // snapshot_every) * snapshot_every
            account = BankAccount.replay(account_id, events[:at])
            SnapshotStore(conn).save(snapshot_of(account))


def time_load(engine: Engine, account_id: str) -> float:
    """Median seconds for the repository to load the account on a fresh connection."""
    samples = []
    for _ in range(REPEATS):
        with engine.connect() as conn:
            started = time.perf_counter()
            AccountRepository(EventStore(conn), SnapshotStore(conn)).get(account_id)
            samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def run(db: str) -> Report:
    """Events replayed per second, and what a snapshot buys."""
    with fresh_database(db) as url:
        engine = create_engine(url)
        init_db(engine)
        seed(engine, "long", 10_000, None)
        seed(engine, "snapshotted", 10_050, 100)
        seed(engine, "short", 10, None)
        long, snapshotted, short = (time_load(engine, a) for a in ("long", "snapshotted", "short"))
        engine.dispose()
    return Report(
        "load",
        db,
        {
            "10,000 events, no snapshot: ms": long * 1000,
            "events/s replayed": 10_000 / long,
            "10,050 events, snapshot at 10,000: ms": snapshotted * 1000,
            "10 events: ms": short * 1000,
            "snapshot load / 10-event load": snapshotted / short,
        },
    )
