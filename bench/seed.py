"""A large, valid event store, fast: written straight through `EventStore.append`.

`python -m bench.seed --accounts 10000 --events 100` fills DATABASE_URL with a million
events for the rebuild figures; `seed_store` is the reusable part. Events go in `chunk`
per stream at a time, round-robin over the accounts, so that each stream is spread over
the whole log as in a real ledger, and neighbouring accounts transfer now and then.
No projector runs: the read models stay empty until `manage.py rebuild-projections`.
"""

from __future__ import annotations

import random
from decimal import Decimal

import click
from sqlalchemy import Engine

from bank.account import BankAccount
from bank.events import (
    AccountOpened,
    DomainEvent,
    MoneyDeposited,
    MoneyWithdrawn,
    TransferReceived,
    TransferSent,
)
from bank.store.engine import WRITE, create_engine
from bank.store.event_store import EventStore, PendingAppend
from bootstrap import Settings, init_db

METADATA = {"actor": "bench", "command": "Seed"}
STREAMS_PER_APPEND = 1000
TRANSFER_EVERY = 10
"""A pair of neighbours transfers once in this many slots."""


class _Ledger:
    """Balances and versions of the seeded accounts, so every event is one the domain allows."""

    def __init__(self, accounts: int, seed: int) -> None:
        self.ids = [f"bench-{i:07d}" for i in range(accounts)]
        self.balance = dict.fromkeys(self.ids, Decimal(1000))
        self.version = dict.fromkeys(self.ids, 0)
        self.rng = random.Random(seed)

    def pair(self, index: int, slot: int) -> dict[str, DomainEvent]:
        """One event each for the even account at `index` and its odd neighbour, if any."""
        pair = self.ids[index : index + 2]
        if slot == 0:
            return {
                i: AccountOpened(i, f"owner-{index % 97}", "EUR", self.balance[i]) for i in pair
            }
        amount = Decimal(self.rng.randint(1, 5000)) / 100
        if (
            len(pair) == 2
            and (index + slot) % TRANSFER_EVERY == 0
            and self.balance[pair[0]] >= amount
        ):
            sender, receiver = pair
            transfer_id = f"trf-{index}-{slot}"
            self.balance[sender] -= amount
            self.balance[receiver] += amount
            return {
                sender: TransferSent(transfer_id, receiver, amount, "share", self.balance[sender]),
                receiver: TransferReceived(
                    transfer_id, sender, amount, "share", self.balance[receiver]
                ),
            }
        return {i: self._movement(i, amount) for i in pair}

    def _movement(self, account_id: str, amount: Decimal) -> DomainEvent:
        if self.rng.random() < 0.4 and self.balance[account_id] >= amount:
            self.balance[account_id] -= amount
            return MoneyWithdrawn(amount, "cash", self.balance[account_id])
        self.balance[account_id] += amount
        return MoneyDeposited(amount, "salary", "general", self.balance[account_id])


def seed_store(
    engine: Engine, accounts: int, events_per_account: int, chunk: int = 10, seed: int = 0
) -> int:
    """Append `accounts` streams of `events_per_account` events each; return how many."""
    ledger = _Ledger(accounts, seed)
    written = 0
    for start in range(0, events_per_account, chunk):
        with engine.connect().execution_options(**WRITE) as conn, conn.begin():
            store = EventStore(conn)
            for first in range(0, accounts, STREAMS_PER_APPEND):
                pairs = range(first, min(first + STREAMS_PER_APPEND, accounts), 2)
                pending: dict[str, list[DomainEvent]] = {}
                for slot in range(start, min(start + chunk, events_per_account)):
                    for index in pairs:
                        for account_id, event in ledger.pair(index, slot).items():
                            pending.setdefault(account_id, []).append(event)
                store.append(
                    [
                        PendingAppend(i, BankAccount.stream_type, e, ledger.version[i])
                        for i, e in pending.items()
                    ],
                    METADATA,
                )
                for account_id, events in pending.items():
                    ledger.version[account_id] += len(events)
                    written += len(events)
    return written


@click.command()
@click.option("--accounts", type=click.IntRange(min=1), default=10_000, show_default=True)
@click.option(
    "--events",
    type=click.IntRange(min=1),
    default=100,
    show_default=True,
    help="Events per account.",
)
def main(accounts: int, events: int) -> None:
    """Create the schema on DATABASE_URL and fill it with seeded events."""
    engine = create_engine(Settings.from_env().database_url)
    try:
        init_db(engine)
        click.echo(f"appended {seed_store(engine, accounts, events):,} events")
    finally:
        engine.dispose()


if __name__ == "__main__":
    main()
