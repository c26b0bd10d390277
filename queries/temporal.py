"""Balances in the past: replayed from the event store, because read models only know now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import Connection

from bank.errors import DomainError
from bank.repository import AccountRepository
from bank.store.event_store import EventStore
from bank.store.snapshots import SnapshotStore


@dataclass(frozen=True)
class BalanceAsOf:
    """An account as it stood at `as_of` (UTC)."""

    account_id: str
    as_of: datetime
    balance: Decimal
    version: int
    is_active: bool


class InvalidTimestamp(DomainError):
    """A point in time without a UTC offset: it names no single instant."""

    code = "validation_error"


def balance_as_of(conn: Connection, account_id: str, as_of: datetime | None = None) -> BalanceAsOf:
    """The state over the events recorded at or before `as_of` (None or a future time: now).

    Now is every event, with no time filter: each event is stamped by the clock of the
    process that wrote it, which may run ahead of this one's, and filtering by this clock
    would hide the newest events (or the whole account). AccountNotFound when the account
    did not exist yet at that time.
    """
    if as_of is not None and as_of.tzinfo is None:
        raise InvalidTimestamp("as_of needs a UTC offset")
    now = datetime.now(UTC)
    until = as_of.astimezone(UTC) if as_of is not None and as_of < now else None
    repository = AccountRepository(EventStore(conn), SnapshotStore(conn))
    account = repository.as_of(account_id, at=until)
    moment = now if until is None else until
    return BalanceAsOf(account_id, moment, account.balance, account.version, account.is_open)
