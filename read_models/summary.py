"""An account summary in memory, and the statement line each money movement adds to it."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, NamedTuple

from read_models.effects import Effect, Envelope


class Line(NamedTuple):
    """One statement_lines row, fields in the table's column order (as bulk inserts take it).

    A tuple, not a dict: a rebuild makes one per money movement and hands it to the
    driver as it is.
    """

    account_id: str
    version: int
    type: str
    amount_cents: int
    balance_after_cents: int
    description: str
    transfer_id: str | None
    counterparty_account_id: str | None
    occurred_at: Any
    """The event's `recorded_at`, as the envelope carries it."""
    position: int


@dataclass(slots=True)
class AccountState:
    """One account_summaries row; field names are the columns, in the table's order.

    The two times are an envelope's `recorded_at` as it came: datetimes on the live
    path, the driver's own values on a replay, which stores them as they are.
    """

    account_id: str
    owner_id: str
    currency: str
    balance_cents: int
    overdraft_limit_cents: int
    is_active: bool
    transaction_count: int
    last_transaction_at: Any
    opened_at: Any
    version: int
    last_position: int

    @classmethod
    def open(cls, opening: Envelope) -> AccountState:
        """The summary an AccountOpened creates, before its opening deposit is applied."""
        return cls(
            account_id=opening.stream_id,
            owner_id=opening.data["owner_id"],
            currency=opening.data["currency"],
            balance_cents=0,
            overdraft_limit_cents=0,
            is_active=True,
            transaction_count=0,
            last_transaction_at=None,
            opened_at=opening.recorded_at,
            version=0,
            last_position=0,
        )

    def as_values(self) -> tuple[Any, ...]:
        """The summary row's values in column order, for a bulk insert."""
        return tuple(getattr(self, name) for name in COLUMNS)

    def apply(self, envelope: Envelope, effect: Effect) -> Line | None:
        """Change the summary by one event; return its statement line, if it adds one.

        `accounts.LiveWriter` does the same arithmetic in one SQL UPDATE.
        """
        self.version = envelope.version
        self.last_position = envelope.position
        if effect.overdraft_limit_cents is not None:
            self.overdraft_limit_cents = effect.overdraft_limit_cents
        if effect.closes:
            self.is_active = False
        if effect.line_type is None:
            return None
        self.balance_cents += effect.delta_cents
        self.transaction_count += 1
        self.last_transaction_at = envelope.recorded_at
        return statement_line(envelope, effect, self.balance_cents)


COLUMNS = tuple(f.name for f in fields(AccountState))


def statement_line(envelope: Envelope, effect: Effect, balance_after_cents: int) -> Line:
    """The statement_lines row for a money movement."""
    if effect.line_type is None:
        raise ValueError(f"{envelope.event_type} moves no money: it has no statement line")
    data = envelope.data
    return Line(
        envelope.stream_id,
        envelope.version,
        effect.line_type,
        effect.amount_cents,
        balance_after_cents,
        data.get("description", ""),
        data.get("transfer_id"),
        data.get("counterparty_account_id"),
        envelope.recorded_at,
        envelope.position,
    )


def missing_summary(envelope: Envelope) -> LookupError:
    """The error for an event whose account has no summary: the read model lost events."""
    return LookupError(
        f"no account summary for {envelope.stream_id!r} before {envelope.event_type} "
        f"v{envelope.version}: the read model misses events, rebuild it"
    )
