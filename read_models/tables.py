"""The AccountProjection's tables, defined once and built under any name so rebuilds can swap.

Money is integer cents (`bank.money.to_cents`): exact, and identical on SQLite and
PostgreSQL. Index and constraint names carry the table name, so a scratch set of tables
can live beside the live one and take its names over at the swap.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
)

from bank.store.types import UTCDateTime

SUMMARIES = "account_summaries"
LINES = "statement_lines"

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_name)s",
    "pk": "pk_%(table_name)s",
}


class WrittenBy(NamedTuple):
    """The columns of an append-only row that name the event which wrote it."""

    position: str
    stream_id: str
    version: str


@dataclass(frozen=True)
class AccountTables:
    """One complete set of the AccountProjection's tables (live, or scratch for a rebuild)."""

    summaries: Table
    lines: Table

    @property
    def tables(self) -> Sequence[Table]:
        """Every table of the set, in creation order."""
        return (self.summaries, self.lines)

    @property
    def append_only(self) -> Mapping[str, WrittenBy]:
        """Tables whose rows never change once written, and the columns naming the event that
        wrote each row (verify compares them without blocking commands)."""
        return {self.lines.name: WrittenBy("position", "account_id", "version")}


@cache
def account_tables(suffix: str = "") -> AccountTables:
    """The tables named with `suffix` ("" for the live ones), in a MetaData of their own."""
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    summaries = Table(
        SUMMARIES + suffix,
        metadata,
        Column("account_id", String(128), nullable=False),
        Column("owner_id", String(64), nullable=False),
        Column("currency", String(3), nullable=False),
        Column("balance_cents", BigInteger, nullable=False),
        Column("overdraft_limit_cents", BigInteger, nullable=False),
        Column("is_active", Boolean, nullable=False),
        Column("transaction_count", Integer, nullable=False),
        Column("last_transaction_at", UTCDateTime, nullable=True),
        Column("opened_at", UTCDateTime, nullable=False),
        Column("version", Integer, nullable=False),
        Column("last_position", BigInteger, nullable=False),
        PrimaryKeyConstraint("account_id"),
        Index(None, "opened_at", "account_id"),
        Index(None, "owner_id", "opened_at", "account_id"),
    )
    lines = Table(
        LINES + suffix,
        metadata,
        Column("account_id", String(128), nullable=False),
        Column("version", Integer, nullable=False),
        Column("type", String(20), nullable=False),
        Column("amount_cents", BigInteger, nullable=False),
        Column("balance_after_cents", BigInteger, nullable=False),
        Column("description", String(200), nullable=False),
        Column("transfer_id", String(64), nullable=True),
        Column("counterparty_account_id", String(128), nullable=True),
        Column("occurred_at", UTCDateTime, nullable=False),
        Column("position", BigInteger, nullable=False),
        PrimaryKeyConstraint("account_id", "version"),
    )
    return AccountTables(summaries, lines)


LIVE = account_tables()
"""The tables queries read and the dispatcher writes."""

metadata = LIVE.summaries.metadata
"""For `migrations/target.py`."""
