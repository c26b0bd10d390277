"""The read side's questions: summaries, keyset pages, balances in the past, the audit trail."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from sqlalchemy import Engine

from bank.errors import AccountNotFound
from bank.store import event_store
from commands.bus import CommandBus
from queries.accounts import account_summary, list_accounts
from queries.audit import audit_trail
from queries.health import database_dialect
from queries.pages import MAX_LIMIT, InvalidCursor, InvalidLimit
from queries.statements import statement
from queries.temporal import InvalidTimestamp, balance_as_of
from tests.factories import (
    CloseAccountFactory,
    DepositMoneyFactory,
    OpenAccountFactory,
    WithdrawMoneyFactory,
)
from tests.integration.read_side import append_schema_1_deposit


def open_accounts(bus: CommandBus, owners: list[str]) -> list[str]:
    ids = [f"acc-{i:02d}" for i in range(len(owners))]
    for account_id, owner in zip(ids, owners, strict=True):
        bus.execute(OpenAccountFactory(account_id=account_id, owner_id=owner))
    return ids


def all_pages(engine: Engine, limit: int, owner_id: str | None = None) -> list[list[str]]:
    pages, cursor = [], None
    with engine.connect() as conn:
        while True:
            page = list_accounts(conn, owner_id=owner_id, limit=limit, cursor=cursor)
            pages.append([a.account_id for a in page.items])
            if page.next_cursor is None:
                return pages
            cursor = page.next_cursor


def test_an_unknown_account_has_no_summary(engine: Engine) -> None:
    with engine.connect() as conn, pytest.raises(AccountNotFound):
        account_summary(conn, "nobody")


def test_accounts_page_in_opening_order_and_the_last_page_has_no_cursor(
    engine: Engine, bus: CommandBus
) -> None:
    ids = open_accounts(bus, ["ann"] * 5)
    assert all_pages(engine, limit=2) == [ids[0:2], ids[2:4], ids[4:5]]


def test_a_page_that_ends_exactly_at_the_last_account_has_no_cursor(
    engine: Engine, bus: CommandBus
) -> None:
    ids = open_accounts(bus, ["ann"] * 4)
    assert all_pages(engine, limit=2) == [ids[0:2], ids[2:4]]
    assert all_pages(engine, limit=4) == [ids]


def test_an_owner_sees_only_their_accounts(engine: Engine, bus: CommandBus) -> None:
    ids = open_accounts(bus, ["ann", "bob", "ann", "bob", "ann"])
    assert all_pages(engine, limit=2, owner_id="ann") == [[ids[0], ids[2]], [ids[4]]]
    assert all_pages(engine, limit=2, owner_id="carol") == [[]]


def test_accounts_opened_while_paging_are_neither_skipped_nor_repeated(
    engine: Engine, bus: CommandBus
) -> None:
    ids = open_accounts(bus, ["ann"] * 3)
    with engine.connect() as conn:
        first = list_accounts(conn, limit=2)
    bus.execute(OpenAccountFactory(account_id="zz-late", owner_id="ann"))
    bus.execute(OpenAccountFactory(account_id="aa-late", owner_id="ann"))
    with engine.connect() as conn:
        rest = list_accounts(conn, limit=10, cursor=first.next_cursor)
    seen = [a.account_id for a in first.items + rest.items]
    assert seen == [*ids, "zz-late", "aa-late"]


@pytest.mark.parametrize("limit", [0, -1, MAX_LIMIT + 1])
def test_a_page_size_outside_one_to_the_maximum_is_refused(engine: Engine, limit: int) -> None:
    with engine.connect() as conn, pytest.raises(InvalidLimit):
        list_accounts(conn, limit=limit)


def test_a_tampered_or_foreign_cursor_is_refused(engine: Engine, bus: CommandBus) -> None:
    open_accounts(bus, ["ann"] * 3)
    bus.execute(DepositMoneyFactory(account_id="acc-00"))
    with engine.connect() as conn:
        accounts_cursor = list_accounts(conn, limit=1).next_cursor
        statement_cursor = statement(conn, "acc-00", limit=1).next_cursor
    assert accounts_cursor is not None
    assert statement_cursor is not None
    encoded, checksum = accounts_cursor.split(".")
    tampered = [
        encoded[:-1] + ("A" if encoded[-1] != "A" else "B") + "." + checksum,
        accounts_cursor + "x",
        "not a cursor",
        "",
        "é.é",
    ]
    with engine.connect() as conn:
        for cursor in [*tampered, statement_cursor]:
            with pytest.raises(InvalidCursor):
                list_accounts(conn, cursor=cursor)
        with pytest.raises(InvalidCursor):
            statement(conn, "acc-00", cursor=accounts_cursor)


def test_a_statement_pages_newest_first_down_to_the_opening_deposit(
    engine: Engine, bus: CommandBus
) -> None:
    bus.execute(OpenAccountFactory(account_id="a"))
    for amount in ("1.00", "2.00", "3.00"):
        bus.execute(DepositMoneyFactory(account_id="a", amount=Decimal(amount)))
    bus.execute(WithdrawMoneyFactory(account_id="a", amount=Decimal("4.00")))
    versions, cursor = [], None
    with engine.connect() as conn:
        while True:
            page = statement(conn, "a", limit=2, cursor=cursor)
            versions.append([line.version for line in page.items])
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
    assert versions == [[5, 4], [3, 2], [1]]


def test_the_statement_of_an_unknown_account_is_not_found(engine: Engine) -> None:
    with engine.connect() as conn, pytest.raises(AccountNotFound):
        statement(conn, "nobody")


def test_the_balance_as_of_a_time_replays_the_events_recorded_until_then(
    engine: Engine, bus: CommandBus
) -> None:
    bus.execute(OpenAccountFactory(account_id="a", initial_deposit=Decimal("10.00")))
    bus.execute(DepositMoneyFactory(account_id="a", amount=Decimal("5.00")))
    bus.execute(WithdrawMoneyFactory(account_id="a", amount=Decimal("15.00")))
    bus.execute(CloseAccountFactory(account_id="a"))
    with engine.connect() as conn:
        times = [e.recorded_at for e in audit_trail(conn, "a")]
        states = [balance_as_of(conn, "a", at) for at in times]
        just_before_deposit = balance_as_of(conn, "a", times[1] - timedelta(microseconds=1))
    assert [(s.balance, s.version, s.is_active) for s in states] == [
        (Decimal("10.00"), 1, True),
        (Decimal("15.00"), 2, True),
        (Decimal("0.00"), 3, True),
        (Decimal("0.00"), 4, False),
    ]
    assert (just_before_deposit.balance, just_before_deposit.version) == (Decimal("10.00"), 1)
    assert states[1].as_of == times[1]


def test_the_balance_at_a_time_is_a_state_the_account_had_when_writers_clocks_disagree(
    engine: Engine, bus: CommandBus, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The withdrawal's writer ran a second slow: version 3 is recorded before version 2.

    Half-way between is version 1 alone (the stream up to the first later event), never
    versions 1 and 3: -100.00, a balance the account never had.
    """
    start = datetime.now(UTC) - timedelta(hours=1)
    stamps = iter(start + timedelta(seconds=s) for s in (0, 2, 1))
    monkeypatch.setattr(event_store, "datetime", SimpleNamespace(now=lambda tz: next(stamps)))
    bus.execute(OpenAccountFactory(account_id="a", initial_deposit=Decimal("0.00")))
    bus.execute(DepositMoneyFactory(account_id="a", amount=Decimal("100.00")))
    bus.execute(WithdrawMoneyFactory(account_id="a", amount=Decimal("100.00")))
    with engine.connect() as conn:
        between = balance_as_of(conn, "a", start + timedelta(seconds=1.5))
        after = balance_as_of(conn, "a", start + timedelta(seconds=2))
    assert (between.balance, between.version) == (Decimal("0.00"), 1)
    assert (after.balance, after.version) == (Decimal("0.00"), 3)


def test_the_balance_without_a_time_or_in_the_future_is_the_balance_now(
    engine: Engine, bus: CommandBus
) -> None:
    bus.execute(OpenAccountFactory(account_id="a", initial_deposit=Decimal("10.00")))
    bus.execute(DepositMoneyFactory(account_id="a", amount=Decimal("5.00")))
    future = datetime.now(UTC) + timedelta(days=365)
    with engine.connect() as conn:
        now, later = balance_as_of(conn, "a"), balance_as_of(conn, "a", future)
    assert (now.balance, now.version) == (later.balance, later.version) == (Decimal("15.00"), 2)
    assert later.as_of < future


def test_the_balance_before_the_account_existed_is_not_found(
    engine: Engine, bus: CommandBus
) -> None:
    before = datetime.now(UTC) - timedelta(seconds=1)
    bus.execute(OpenAccountFactory(account_id="a"))
    with engine.connect() as conn, pytest.raises(AccountNotFound):
        balance_as_of(conn, "a", before)


def test_a_time_without_an_offset_is_refused(engine: Engine, bus: CommandBus) -> None:
    bus.execute(OpenAccountFactory(account_id="a"))
    naive = datetime.now(UTC).replace(tzinfo=None)
    with engine.connect() as conn, pytest.raises(InvalidTimestamp):
        balance_as_of(conn, "a", naive)


def test_the_audit_trail_lists_every_event_oldest_first_with_who_and_why(
    engine: Engine, bus: CommandBus
) -> None:
    bus.execute(OpenAccountFactory(account_id="a"))
    bus.execute(DepositMoneyFactory(account_id="a", amount=Decimal("7.00"), description="tip"))
    with engine.connect() as conn:
        trail = audit_trail(conn, "a")
    assert [(e.event_type, e.version) for e in trail] == [
        ("AccountOpened", 1),
        ("MoneyDeposited", 2),
    ]
    assert trail[0].position < trail[1].position
    assert trail[1].data == {
        "amount": "7.00",
        "description": "tip",
        "category": "general",
        "balance_after": "107.00",
    }
    assert trail[1].metadata["command"] == "DepositMoney"
    assert len({e.event_id for e in trail}) == 2


def test_the_audit_trail_shows_old_events_upcast_to_todays_schema(
    engine: Engine, bus: CommandBus
) -> None:
    bus.execute(OpenAccountFactory(account_id="a"))
    append_schema_1_deposit(engine, "a", "2.50")
    with engine.connect() as conn:
        old = audit_trail(conn, "a")[-1]
    assert (old.schema_version, old.data["description"], old.data["balance_after"]) == (2, "", None)


def test_the_audit_trail_of_an_unknown_account_is_not_found(engine: Engine) -> None:
    with engine.connect() as conn, pytest.raises(AccountNotFound):
        audit_trail(conn, "nobody")


def test_the_health_check_names_the_dialect(engine: Engine, dialect: str) -> None:
    with engine.connect() as conn:
        assert database_dialect(conn) == dialect
