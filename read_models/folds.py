"""What each event means to the AccountProjection: pure folds, one per event type.

The live dispatcher and the rebuild both run these same functions (only where rows are
read and written differs), so the two can never disagree about what an event does.

Folds read an event's data as the audit trail shows it (JSON, upcast to today's schema),
not the domain object: a rebuild then never builds a million dataclasses it would only
take apart again (measured: a quarter of the replay's time). Balances are computed from
the summary row, never taken from an event's `balance_after`, which schema-1 deposits
do not carry.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol

from bank.events import (
    AccountClosed,
    AccountOpened,
    DomainEvent,
    MoneyDeposited,
    MoneyWithdrawn,
    OverdraftLimitSet,
    TransferReceived,
    TransferSent,
)
from bank.money import to_cents

Row = dict[str, Any]


class Envelope(Protocol):
    """What a fold reads of a stored event; `bank.recorded.RecordedEvent` is one."""

    @property
    def position(self) -> int: ...
    @property
    def stream_id(self) -> str: ...
    @property
    def version(self) -> int: ...
    @property
    def event_type(self) -> str: ...
    @property
    def data(self) -> dict[str, Any]: ...
    @property
    def recorded_at(self) -> datetime: ...


@dataclass(slots=True)
class AccountState:
    """One account_summaries row while it is being folded; field names are the columns."""

    account_id: str
    owner_id: str
    currency: str
    balance_cents: int
    overdraft_limit_cents: int
    is_active: bool
    transaction_count: int
    last_transaction_at: datetime | None
    opened_at: datetime
    version: int
    last_position: int

    @classmethod
    def from_row(cls, row: Mapping[Any, Any]) -> AccountState:
        """The state a stored summary row describes."""
        return cls(**{name: row[name] for name in COLUMNS})

    def as_row(self) -> Row:
        """The summary row to store."""
        return {name: getattr(self, name) for name in COLUMNS}


COLUMNS = tuple(f.name for f in fields(AccountState))


Fold = Callable[[AccountState | None, Envelope], tuple[AccountState, Row | None]]
"""(state before, event) -> (state after, statement line or None)."""


def _cents(data: dict[str, Any], field: str) -> int:
    return to_cents(Decimal(data[field]))


def _line(state: AccountState, recorded: Envelope, kind: str, amount: int) -> Row:
    data = recorded.data
    return {
        "account_id": state.account_id,
        "version": recorded.version,
        "type": kind,
        "amount_cents": amount,
        "balance_after_cents": state.balance_cents,
        "description": data.get("description", ""),
        "transfer_id": data.get("transfer_id"),
        "counterparty_account_id": data.get("counterparty_account_id"),
        "occurred_at": recorded.recorded_at,
    }


def _existing(state: AccountState | None, recorded: Envelope) -> AccountState:
    if state is None:
        raise LookupError(
            f"no account summary for {recorded.stream_id!r} before {recorded.event_type} "
            f"v{recorded.version}: the read model misses events, rebuild it"
        )
    return state


def _advance(state: AccountState, recorded: Envelope) -> AccountState:
    state.version = recorded.version
    state.last_position = recorded.position
    return state


def opened(_state: AccountState | None, recorded: Envelope) -> tuple[AccountState, Row]:
    """A new summary, and the opening-deposit line (possibly of zero)."""
    data = recorded.data
    deposit = _cents(data, "initial_deposit")
    state = AccountState(
        account_id=recorded.stream_id,
        owner_id=data["owner_id"],
        currency=data["currency"],
        balance_cents=deposit,
        overdraft_limit_cents=0,
        is_active=True,
        transaction_count=1,
        last_transaction_at=recorded.recorded_at,
        opened_at=recorded.recorded_at,
        version=recorded.version,
        last_position=recorded.position,
    )
    return state, _line(state, recorded, "opening_deposit", deposit)


def movement(kind: str, sign: int) -> Fold:
    """The fold for a money movement of `kind`: +1 pays in, -1 pays out."""

    def fold(state: AccountState | None, recorded: Envelope) -> tuple[AccountState, Row]:
        state = _existing(state, recorded)
        amount = _cents(recorded.data, "amount")
        state.balance_cents += sign * amount
        state.transaction_count += 1
        state.last_transaction_at = recorded.recorded_at
        return _advance(state, recorded), _line(state, recorded, kind, amount)

    fold.__doc__ = f"Moves the balance and writes a {kind} line."
    return fold


def limit_set(state: AccountState | None, recorded: Envelope) -> tuple[AccountState, None]:
    """The overdraft limit changes; no statement line."""
    state = _existing(state, recorded)
    state.overdraft_limit_cents = _cents(recorded.data, "limit")
    return _advance(state, recorded), None


def closed(state: AccountState | None, recorded: Envelope) -> tuple[AccountState, None]:
    """The account stops being active; no statement line."""
    state = _existing(state, recorded)
    state.is_active = False
    return _advance(state, recorded), None


_BY_CLASS: dict[type[DomainEvent], Fold] = {
    AccountOpened: opened,
    MoneyDeposited: movement("deposit", +1),
    MoneyWithdrawn: movement("withdrawal", -1),
    TransferReceived: movement("transfer_in", +1),
    TransferSent: movement("transfer_out", -1),
    OverdraftLimitSet: limit_set,
    AccountClosed: closed,
}

FOLDS: dict[str, Fold] = {cls.event_type(): fold for cls, fold in _BY_CLASS.items()}
"""The projector's functions, registered per stored event type name."""

HANDLED: frozenset[type[DomainEvent]] = frozenset(_BY_CLASS)
"""The event classes the projection handles, for the dispatcher."""
