"""Account summaries: one account, or a keyset-paged list of them, from the read model."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Row, bindparam, select, tuple_

from bank.errors import AccountNotFound
from bank.money import from_cents
from queries.pages import DEFAULT_LIMIT, InvalidCursor, Page, decode_cursor, page_size, paginate
from read_models.tables import LIVE

_SUMMARIES = LIVE.summaries
_ONE = select(_SUMMARIES).where(_SUMMARIES.c.account_id == bindparam("account_id"))
"""Built once: the API's most frequent query, which cost more to build than to run."""


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
    """The account's summary; AccountNotFound when no such account was opened."""
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
        opened_at, account_id = decode_cursor(cursor, (str, str), scope)
        stmt = stmt.where(tuple_(*order) > (_timestamp(str(opened_at)), account_id))
    page = paginate(
        conn.execute(stmt).all(),
        limit,
        lambda row: [row.opened_at.isoformat(), row.account_id],
        scope,
    )
    return Page([_summary(row) for row in page.items], page.next_cursor)


def _timestamp(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidCursor("cursor is not one this server handed out") from None
    if value.tzinfo is None:
        raise InvalidCursor("cursor is not one this server handed out")
    return value


def _summary(row: Row[Any]) -> AccountSummary:
    balance = from_cents(row.balance_cents)
    limit = from_cents(row.overdraft_limit_cents)
    return AccountSummary(
        account_id=row.account_id,
        owner_id=row.owner_id,
        currency=row.currency,
        balance=balance,
        overdraft_limit=limit,
        available=balance + limit,
        is_active=row.is_active,
        transaction_count=row.transaction_count,
        last_transaction_at=row.last_transaction_at,
        opened_at=row.opened_at,
        version=row.version,
    )
