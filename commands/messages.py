"""Command objects: imperative requests, validated by the aggregate when handled."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Command:
    """Base of every command."""


@dataclass(frozen=True, slots=True)
class OpenAccount(Command):
    """Open an account; `account_id` None lets the ledger choose one."""

    owner_id: str
    initial_deposit: Decimal
    currency: str = "EUR"
    account_id: str | None = None


@dataclass(frozen=True, slots=True)
class DepositMoney(Command):
    """Pay money into an account."""

    account_id: str
    amount: Decimal
    description: str = ""
    expected_version: int | None = None


@dataclass(frozen=True, slots=True)
class WithdrawMoney(Command):
    """Pay money out of an account."""

    account_id: str
    amount: Decimal
    description: str = ""
    expected_version: int | None = None


@dataclass(frozen=True, slots=True)
class TransferMoney(Command):
    """Move money between two accounts, atomically."""

    from_account_id: str
    to_account_id: str
    amount: Decimal
    description: str = ""


@dataclass(frozen=True, slots=True)
class SetOverdraftLimit(Command):
    """Change how far below zero an account may go."""

    account_id: str
    limit: Decimal
    expected_version: int | None = None


@dataclass(frozen=True, slots=True)
class CloseAccount(Command):
    """Close an account whose balance is zero."""

    account_id: str
    expected_version: int | None = None
