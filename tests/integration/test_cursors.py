"""Cursors are bound to their list and can never carry a value the database cannot take."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from commands.bus import CommandBus
from queries.accounts import list_accounts
from queries.pages import InvalidCursor, encode_cursor
from queries.statements import statement
from tests.factories import DepositMoneyFactory, OpenAccountFactory


@pytest.fixture
def two_accounts(bus: CommandBus) -> None:
    for account_id, owner in (("acc-a", "owner-1"), ("acc-b", "owner-2")):
        bus.execute(OpenAccountFactory(account_id=account_id, owner_id=owner))
        for _ in range(3):
            bus.execute(DepositMoneyFactory(account_id=account_id))


@pytest.mark.parametrize("version", [2**31, -(2**31) - 1, 2**63, 10**30, -(2**63) - 1])
def test_a_forged_cursor_with_an_out_of_range_number_is_refused(
    engine: Engine, two_accounts: None, version: int
) -> None:
    """The version column is a 32-bit INTEGER: beyond it PostgreSQL fails (a 500), not a 422."""
    forged = encode_cursor([version], "statement:acc-a")
    with engine.connect() as conn, pytest.raises(InvalidCursor):
        statement(conn, "acc-a", cursor=forged)


def test_a_statement_cursor_is_refused_for_another_account(
    engine: Engine, two_accounts: None
) -> None:
    with engine.connect() as conn:
        cursor = statement(conn, "acc-a", limit=1).next_cursor
        assert cursor is not None
        assert len(statement(conn, "acc-a", limit=1, cursor=cursor).items) == 1
        with pytest.raises(InvalidCursor):
            statement(conn, "acc-b", limit=1, cursor=cursor)


def test_an_account_list_cursor_is_refused_with_another_owner_filter(
    engine: Engine, two_accounts: None
) -> None:
    with engine.connect() as conn:
        cursor = list_accounts(conn, limit=1).next_cursor
        assert cursor is not None
        assert list_accounts(conn, limit=1, cursor=cursor).items
        with pytest.raises(InvalidCursor):
            list_accounts(conn, owner_id="owner-1", limit=1, cursor=cursor)
