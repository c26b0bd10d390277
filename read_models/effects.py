"""What each event does to the AccountProjection: one small function per event type.

An `Effect` states it as data: money moved (and so a statement line and a transaction),
a new overdraft limit, a close. The rebuild applies effects in memory (`summary.py`), the
live dispatcher in one SQL UPDATE (`accounts.py`); both appliers are generic, so what an
event means is written here once. Functions read the event's data as the audit trail shows
it (JSON, upcast to today's schema): a rebuild never builds a million domain objects only
to take them apart again. Balances come from the summary, never from an event's
`balance_after`, which schema-1 deposits do not carry.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any, NamedTuple, Protocol

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

Data = dict[str, Any]


class Envelope(Protocol):
    """What the projection reads of a stored event; `bank.recorded.RecordedEvent` is one."""

    @property
    def position(self) -> int: ...
    @property
    def stream_id(self) -> str: ...
    @property
    def version(self) -> int: ...
    @property
    def event_type(self) -> str: ...
    @property
    def data(self) -> Data: ...
    @property
    def recorded_at(self) -> Any:
        """Copied into the read model's time columns, never read: a datetime on the live
        path, the driver's own value on a replay (`StoredEvent`), which needs no converting
        as it goes into a column of the same type."""


class Effect(NamedTuple):
    """One event's change to its account's summary, and the statement line it adds.

    A named tuple, not a dataclass: a rebuild makes one per event, and tuples are cheap.
    """

    line_type: str | None = None
    """The statement line's type when money moved (a transaction), else None."""
    amount_cents: int = 0
    sign: int = 0
    """+1 pays in, -1 pays out."""
    overdraft_limit_cents: int | None = None
    closes: bool = False

    @property
    def delta_cents(self) -> int:
        """The change to the balance."""
        return self.sign * self.amount_cents


def _cents(data: Data, field: str) -> int:
    return to_cents(Decimal(data[field]))


def opened(data: Data) -> Effect:
    """The opening deposit, possibly of zero, is the account's first transaction."""
    return Effect("opening_deposit", _cents(data, "initial_deposit"), +1)


def movement(line_type: str, sign: int) -> Callable[[Data], Effect]:
    """The effect of a money movement of `line_type`: +1 pays in, -1 pays out."""

    def effect(data: Data) -> Effect:
        return Effect(line_type, _cents(data, "amount"), sign)

    effect.__doc__ = f"Moves the balance and writes a {line_type} line."
    return effect


def limit_set(data: Data) -> Effect:
    """The overdraft limit changes; no statement line."""
    return Effect(overdraft_limit_cents=_cents(data, "limit"))


def closed(_data: Data) -> Effect:
    """The account stops being active; no statement line."""
    return Effect(closes=True)


_BY_CLASS: dict[type[DomainEvent], Callable[[Data], Effect]] = {
    AccountOpened: opened,
    MoneyDeposited: movement("deposit", +1),
    MoneyWithdrawn: movement("withdrawal", -1),
    TransferReceived: movement("transfer_in", +1),
    TransferSent: movement("transfer_out", -1),
    OverdraftLimitSet: limit_set,
    AccountClosed: closed,
}

EFFECTS: dict[str, Callable[[Data], Effect]] = {
    cls.event_type(): effect for cls, effect in _BY_CLASS.items()
}
"""The projection's functions, registered per stored event type name."""

HANDLED: frozenset[type[DomainEvent]] = frozenset(_BY_CLASS)
"""The event classes the projection handles, for the dispatcher."""

OPENED = AccountOpened.event_type()
"""The event that creates a summary rather than changing one."""
