"""Account summaries: one account, or a keyset-paged list of them, from the read model."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, bindparam, select, tuple_

from bank.errors import AccountNotFound
from bank.money import from_cents
from bank.store.driver import driver_statement
from queries.pages import (
    DEFAULT_LIMIT,
    Page,
    decode_cursor,
    identifier,
    page_size,
    paginate,
    utc_timestamp,
)
from read_models.tables import LIVE

_SUMMARIES = LIVE.summaries
_ONE = select(_SUMMARIES).where(_SUMMARIES.c.account_id == bindparam("account_id"))
"""Built once: the API's most frequent query, which cost more to build than to run."""


def _fetch_on_driver(conn: Connection, account_id: str) -> Sequence[Any] | None:
    """The summary row through the DB-API cursor, converted as Core would; None if none."""
    query = driver_statement(_ONE, conn.dialect)
    rows = query.run(conn, {"account_id": account_id})
    return query.convert(rows[0]) if rows else None


@dataclass(frozen=True)
class AccountSummary:
    """Everything `GET /api/accounts/<id>` shows; `available` is balance plus overdraft limit."""

    account_id: str
    owner_id: str
    currency: str
    balance: Decimal
    overdraft_limit: Decimal
    available: Decimal
    is_active: bool
    transaction_count: int
    last_transaction_at: datetime | None
    opened_at: datetime
    version: int


def account_summary(conn: Connection, account_id: str) -> AccountSummary:
    """The account's summary; AccountNotFound when no such account was opened.

    Runs on the driver's cursor, converting with the column types' own processors: Core's
    execution took 23 µs of SQLite's 28, and beginning a transaction (which a single
    statement does not need) 17 more. On any driver error the query runs again through
    Core: after a disconnect (whose connection the driver statement has invalidated) on a
    fresh connection, so a dropped connection costs no error; if that fails too, Core
    raises its own error and invalidates the pool.
    """
    try:
        row = _fetch_on_driver(conn, account_id)
    except conn.dialect.loaded_dbapi.Error:
        row = conn.execute(_ONE, {"account_id": account_id}).first()
    if row is None:
        raise AccountNotFound(account_id)
    return _summary(row)


def list_accounts(
    conn: Connection,
    owner_id: str | None = None,
    limit: int = DEFAULT_LIMIT,
    cursor: str | None = None,
) -> Page[AccountSummary]:
    """Accounts (of one owner, or all) by opening time then id, `limit` at a time."""
    limit = page_size(limit)
    scope = f"accounts:{'*' if owner_id is None else owner_id}"  # '*' is no owner id
    order = (_SUMMARIES.c.opened_at, _SUMMARIES.c.account_id)
    stmt = select(_SUMMARIES).order_by(*order).limit(limit + 1)
    if owner_id is not None:
        stmt = stmt.where(_SUMMARIES.c.owner_id == owner_id)
    if cursor is not None:
        opened_at, account_id = decode_cursor(cursor, (utc_timestamp, identifier), scope)
        stmt = stmt.where(tuple_(*order) > (opened_at, account_id))
    page = paginate(
        conn.execute(stmt).all(),
        limit,
        lambda row: [row.opened_at.isoformat(), row.account_id],
        scope,
    )
    return Page([_summary(row) for row in page.items], page.next_cursor)


def _summary(row: Sequence[Any]) -> AccountSummary:
    """A summary from a row of every column of the summaries table, in table order."""
    (account_id, owner_id, currency, balance_cents, limit_cents, is_active, count) = row[:7]
    balance = from_cents(balance_cents)
    limit = from_cents(limit_cents)
    return AccountSummary(
        account_id=account_id,
        owner_id=owner_id,
        currency=currency,
        balance=balance,
        overdraft_limit=limit,
        available=balance + limit,
        is_active=is_active,
        transaction_count=count,
        last_transaction_at=row[7],
        opened_at=row[8],
        version=row[9],
    )
