"""Domain events: immutable, past-tense facts about one account, with their JSON form.

Each event class declares its `schema_version`; `bank.upcasting` brings older stored
versions up to it before `from_data` ever sees them.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any, ClassVar, TypeVar

from bank.money import format_money

E = TypeVar("E", bound="DomainEvent")


@dataclass(frozen=True, slots=True)
class DomainEvent:
    """Base of all events; subclasses add their fields."""

    schema_version: ClassVar[int] = 1

    @classmethod
    def event_type(cls) -> str:
        """The name stored with the event; the class name, stable across releases."""
        return cls.__name__

    def to_data(self) -> dict[str, Any]:
        """JSON-safe dict: Decimals become two-decimal strings."""
        return {f.name: _encode(getattr(self, f.name)) for f in fields(self)}

    @classmethod
    def from_data(cls: type[E], data: dict[str, Any]) -> E:
        """Inverse of `to_data` for data already upcast to `schema_version`."""
        return cls(
            *[_decode(data[name]) if money else data[name] for name, money in _field_plan(cls)]
        )


_MONEY_FIELDS = frozenset(
    {"initial_deposit", "amount", "balance_after", "limit", "previous_limit", "final_balance"}
)


_FIELD_PLANS: dict[type[DomainEvent], tuple[tuple[str, bool], ...]] = {}


def _field_plan(cls: type[DomainEvent]) -> tuple[tuple[str, bool], ...]:
    """Each field's name and whether it holds money; computed once per class (replay is hot)."""
    plan = _FIELD_PLANS.get(cls)
    if plan is None:
        plan = _FIELD_PLANS[cls] = tuple((f.name, f.name in _MONEY_FIELDS) for f in fields(cls))
    return plan


def _encode(value: object) -> object:
    return format_money(value) if isinstance(value, Decimal) else value


def _decode(value: object) -> Decimal | None:
    return None if value is None else Decimal(str(value))


@dataclass(frozen=True, slots=True)
class AccountOpened(DomainEvent):
    """An account came into being with its opening deposit."""

    account_id: str
    owner_id: str
    currency: str
    initial_deposit: Decimal


@dataclass(frozen=True, slots=True)
class MoneyDeposited(DomainEvent):
    """Money paid in. Schema 2 added `description` and `category` to schema 1's `amount`.

    `balance_after` is None only for schema-1 events, which did not record it.
    """

    schema_version: ClassVar[int] = 2

    amount: Decimal
    description: str
    category: str
    balance_after: Decimal | None


@dataclass(frozen=True, slots=True)
class MoneyWithdrawn(DomainEvent):
    """Money paid out."""

    amount: Decimal
    description: str
    balance_after: Decimal


@dataclass(frozen=True, slots=True)
class OverdraftLimitSet(DomainEvent):
    """The overdraft limit changed."""

    limit: Decimal
    previous_limit: Decimal


@dataclass(frozen=True, slots=True)
class AccountClosed(DomainEvent):
    """The account was closed at a zero balance."""

    final_balance: Decimal


@dataclass(frozen=True, slots=True)
class TransferSent(DomainEvent):
    """The outgoing leg of a transfer."""

    transfer_id: str
    counterparty_account_id: str
    amount: Decimal
    description: str
    balance_after: Decimal


@dataclass(frozen=True, slots=True)
class TransferReceived(DomainEvent):
    """The incoming leg of a transfer."""

    transfer_id: str
    counterparty_account_id: str
    amount: Decimal
    description: str
    balance_after: Decimal


EVENT_TYPES: dict[str, type[DomainEvent]] = {
    cls.event_type(): cls
    for cls in (
        AccountOpened,
        MoneyDeposited,
        MoneyWithdrawn,
        OverdraftLimitSet,
        AccountClosed,
        TransferSent,
        TransferReceived,
    )
}


def event_class(event_type: str) -> type[DomainEvent]:
    """The class for a stored event type name; KeyError names an unknown type."""
    return EVENT_TYPES[event_type]
