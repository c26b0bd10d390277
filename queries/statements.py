"""An account's statement: its money movements, newest first, keyset-paged by version."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Connection, exists, select

from bank.errors import AccountNotFound
from bank.money import from_cents
from queries.pages import DEFAULT_LIMIT, Page, decode_cursor, int32, page_size, paginate
from read_models.tables import LIVE

_LINES = LIVE.lines


@dataclass(frozen=True)
class StatementLine:
    """One movement: `amount` is never negative (`type` gives the direction), `balance_after` is."""

    version: int
    type: str
    amount: Decimal
    balance_after: Decimal
    description: str
    transfer_id: str | None
    counterparty_account_id: str | None
    occurred_at: datetime


def statement(
    conn: Connection, account_id: str, limit: int = DEFAULT_LIMIT, cursor: str | None = None
) -> Page[StatementLine]:
    """The account's lines, newest first; AccountNotFound when no such account was opened."""
    limit = page_size(limit)
    scope = f"statement:{account_id}"
    stmt = (
        select(_LINES)
        .where(_LINES.c.account_id == account_id)
        .order_by(_LINES.c.version.desc())
        .limit(limit + 1)
    )
    if cursor is not None:
        (before,) = decode_cursor(cursor, (int32,), scope)
        stmt = stmt.where(_LINES.c.version < before)
    rows = conn.execute(stmt).all()
    if not rows and not _account_exists(conn, account_id):
        raise AccountNotFound(account_id)
    page = paginate(rows, limit, lambda row: [row.version], scope)
    return Page(
        [
            StatementLine(
                version=row.version,
                type=row.type,
                amount=from_cents(row.amount_cents),
                balance_after=from_cents(row.balance_after_cents),
                description=row.description,
                transfer_id=row.transfer_id,
                counterparty_account_id=row.counterparty_account_id,
                occurred_at=row.occurred_at,
            )
            for row in page.items
        ],
        page.next_cursor,
    )


def _account_exists(conn: Connection, account_id: str) -> bool:
    summaries = LIVE.summaries
    return bool(conn.execute(select(exists().where(summaries.c.account_id == account_id))).scalar())
