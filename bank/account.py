"""The BankAccount aggregate: decides with named guards, changes state only by applying events."""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from bank.errors import (
    AccountClosed,
    AccountNotEmpty,
    InsufficientFunds,
    InvalidCurrency,
    InvalidIdentifier,
    VersionMismatch,
)
from bank.events import (
    AccountClosed as AccountClosedEvent,
)
from bank.events import (
    AccountOpened,
    DomainEvent,
    MoneyDeposited,
    MoneyWithdrawn,
    OverdraftLimitSet,
    TransferReceived,
    TransferSent,
)
from bank.money import ZERO, format_money, non_negative_amount, positive_amount
from bank.text import description_text

IDENTIFIER = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}")
CURRENCY = re.compile(r"[A-Z]{3}")


def valid_identifier(value: str, what: str) -> str:
    """An account or owner id: 1-64 chars of [A-Za-z0-9_.:-], starting alphanumeric."""
    if not isinstance(value, str) or not IDENTIFIER.fullmatch(value):
        raise InvalidIdentifier(f"{what} must be 1 to 64 characters of A-Z a-z 0-9 _ . : -")
    return value


class BankAccount:
    """One account's consistency boundary: its balance, limit and whether it is open."""

    stream_type = "BankAccount"
    SNAPSHOT_FORMAT = 1
    """Bump when the snapshot's shape or meaning changes: older snapshots are then ignored."""

    def __init__(self, account_id: str) -> None:
        self.account_id = account_id
        self.owner_id = ""
        self.currency = ""
        self.balance = ZERO
        self.overdraft_limit = ZERO
        self.is_open = False
        self.version = 0
        self._pending: list[DomainEvent] = []

    # -- construction -------------------------------------------------------------------

    @classmethod
    def open(
        cls, account_id: str, owner_id: str, currency: str, initial_deposit: Decimal | int | str
    ) -> BankAccount:
        """A new account, with its opening deposit recorded as the first event."""
        valid_identifier(account_id, "account_id")
        valid_identifier(owner_id, "owner_id")
        if not isinstance(currency, str) or not CURRENCY.fullmatch(currency):
            raise InvalidCurrency("currency must be three capital ASCII letters")
        account = cls(account_id)
        account._record(
            AccountOpened(account_id, owner_id, currency, non_negative_amount(initial_deposit))
        )
        return account

    @classmethod
    def replay(
        cls, account_id: str, events: Iterable[DomainEvent], start: BankAccount | None = None
    ) -> BankAccount:
        """Rebuild state from history, optionally continuing from a snapshot."""
        account = start or cls(account_id)
        for event in events:
            account.apply(event)
        return account

    # -- commands -----------------------------------------------------------------------

    def deposit(
        self, amount: Decimal | int | str, description: str = "", category: str = "general"
    ) -> None:
        """Pay money in."""
        amount = positive_amount(amount)
        self.ensure_open()
        self._record(
            MoneyDeposited(amount, description_text(description), category, self.balance + amount)
        )

    def withdraw(self, amount: Decimal | int | str, description: str = "") -> None:
        """Pay money out, within the overdraft limit."""
        amount = positive_amount(amount)
        self.ensure_open()
        self._ensure_funds(amount)
        self._record(MoneyWithdrawn(amount, description_text(description), self.balance - amount))

    def set_overdraft_limit(self, limit: Decimal | int | str) -> None:
        """Change how far below zero the balance may go; lowering it refuses only later moves."""
        limit = non_negative_amount(limit)
        self.ensure_open()
        self._record(OverdraftLimitSet(limit, self.overdraft_limit))

    def close(self) -> None:
        """Close an open account whose balance is exactly zero."""
        self.ensure_open()
        if self.balance != 0:
            raise AccountNotEmpty(self.account_id, format_money(self.balance))
        self._record(AccountClosedEvent(self.balance))

    def send_transfer(
        self, transfer_id: str, to_account_id: str, amount: Decimal, description: str
    ) -> None:
        """The outgoing leg; use `bank.transfer.transfer` to move money between two accounts."""
        self.ensure_open()
        self._ensure_funds(amount)
        self._record(
            TransferSent(transfer_id, to_account_id, amount, description, self.balance - amount)
        )

    def receive_transfer(
        self, transfer_id: str, from_account_id: str, amount: Decimal, description: str
    ) -> None:
        """The incoming leg."""
        self.ensure_open()
        self._record(
            TransferReceived(
                transfer_id, from_account_id, amount, description, self.balance + amount
            )
        )

    # -- guards -------------------------------------------------------------------------

    def ensure_version(self, expected: int | None) -> None:
        """Refuse when the caller acted on another version (HTTP If-Match)."""
        if expected is not None and expected != self.version:
            raise VersionMismatch(self.account_id, expected, self.version)

    def ensure_open(self) -> None:
        """Money moves, limits change and closing happens only on an open account."""
        if not self.is_open:
            raise AccountClosed(self.account_id)

    def _ensure_funds(self, amount: Decimal) -> None:
        if self.balance - amount < -self.overdraft_limit:
            raise InsufficientFunds(
                self.account_id, format_money(self.available), format_money(amount)
            )

    @property
    def available(self) -> Decimal:
        """What may still be paid out: balance plus overdraft limit."""
        return self.balance + self.overdraft_limit

    # -- events -------------------------------------------------------------------------

    def _record(self, event: DomainEvent) -> None:
        self.apply(event)
        self._pending.append(event)

    @property
    def pending_events(self) -> list[DomainEvent]:
        """Events decided but not yet saved, oldest first."""
        return list(self._pending)

    @property
    def saved_version(self) -> int:
        """The stream version the account was loaded at: the append's expected version."""
        return self.version - len(self._pending)

    def mark_saved(self) -> None:
        """Forget pending events once the store holds them."""
        self._pending.clear()

    def apply(self, event: DomainEvent) -> None:
        """Change state by one event. History is already accepted: never validate, never raise."""
        match event:
            case AccountOpened():
                self.owner_id = event.owner_id
                self.currency = event.currency
                self.balance = event.initial_deposit
                self.is_open = True
            case MoneyDeposited() | TransferReceived():
                self.balance += event.amount
            case MoneyWithdrawn() | TransferSent():
                self.balance -= event.amount
            case OverdraftLimitSet():
                self.overdraft_limit = event.limit
            case AccountClosedEvent():
                self.is_open = False
        self.version += 1

    # -- snapshots ----------------------------------------------------------------------

    def snapshot_state(self) -> dict[str, Any]:
        """The state as JSON-safe data, to be stored with SNAPSHOT_FORMAT and the version."""
        return {
            "owner_id": self.owner_id,
            "currency": self.currency,
            "balance": format_money(self.balance),
            "overdraft_limit": format_money(self.overdraft_limit),
            "is_open": self.is_open,
        }

    @classmethod
    def from_snapshot(cls, account_id: str, version: int, state: dict[str, Any]) -> BankAccount:
        """The account exactly as it was at `version`, without replaying those events."""
        account = cls(account_id)
        account.owner_id = state["owner_id"]
        account.currency = state["currency"]
        account.balance = Decimal(state["balance"])
        account.overdraft_limit = Decimal(state["overdraft_limit"])
        account.is_open = state["is_open"]
        account.version = version
        return account
