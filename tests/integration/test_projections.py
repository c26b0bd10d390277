"""The AccountProjection, kept by the dispatcher: after every command, summaries and lines say
exactly what the events say, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine, delete

from bank.errors import AccountClosed, InsufficientFunds
from bank.events import MoneyDeposited
from bank.recorded import RecordedEvent
from bank.store.engine import WRITE
from bank.upcasting import UPCASTERS
from bootstrap import Settings, build_ledger
from commands.bus import CommandBus
from queries.accounts import AccountSummary, account_summary
from queries.audit import AuditEvent, audit_trail
from queries.statements import StatementLine, statement
from read_models.dispatcher import Dispatcher, ProjectionError, Projector, live_projector
from read_models.projection import ACCOUNTS
from read_models.rebuild import rebuild_projections
from read_models.tables import LIVE
from read_models.verify import verify_projections
from tests.factories import (
    CloseAccountFactory,
    DepositMoneyFactory,
    OpenAccountFactory,
    SetOverdraftLimitFactory,
    TransferMoneyFactory,
    WithdrawMoneyFactory,
)
from tests.integration.read_side import append_schema_1_deposit, event_count, read_models


def summary(engine: Engine, account_id: str) -> AccountSummary:
    with engine.connect() as conn:
        return account_summary(conn, account_id)


def lines(engine: Engine, account_id: str) -> list[StatementLine]:
    with engine.connect() as conn:
        return statement(conn, account_id, limit=500).items


def history(engine: Engine, account_id: str) -> list[AuditEvent]:
    with engine.connect() as conn:
        return audit_trail(conn, account_id)


def test_opening_an_account_writes_its_summary_and_an_opening_deposit_line(
    engine: Engine, bus: CommandBus
) -> None:
    bus.execute(
        OpenAccountFactory(account_id="a", owner_id="ann", initial_deposit=Decimal("120.50"))
    )
    opened_at = history(engine, "a")[0].recorded_at
    assert summary(engine, "a") == AccountSummary(
        account_id="a",
        owner_id="ann",
        currency="EUR",
        balance=Decimal("120.50"),
        overdraft_limit=Decimal("0.00"),
        available=Decimal("120.50"),
        is_active=True,
        transaction_count=1,
        last_transaction_at=opened_at,
        opened_at=opened_at,
        version=1,
    )
    assert lines(engine, "a") == [
        StatementLine(
            1, "opening_deposit", Decimal("120.50"), Decimal("120.50"), "", None, None, opened_at
        )
    ]


def test_an_empty_opening_deposit_still_gets_its_statement_line(
    engine: Engine, bus: CommandBus
) -> None:
    bus.execute(OpenAccountFactory(account_id="a", initial_deposit=Decimal("0")))
    [line] = lines(engine, "a")
    assert (line.type, line.amount, line.balance_after) == (
        "opening_deposit",
        Decimal(0),
        Decimal(0),
    )


def test_a_deposit_raises_the_balance_and_adds_a_line_with_its_description(
    engine: Engine, bus: CommandBus
) -> None:
    bus.execute(OpenAccountFactory(account_id="a", initial_deposit=Decimal("100.00")))
    bus.execute(DepositMoneyFactory(account_id="a", amount=Decimal("25.10"), description="gift"))
    deposited = history(engine, "a")[-1]
    after = summary(engine, "a")
    assert (after.balance, after.available, after.version) == (
        Decimal("125.10"),
        Decimal("125.10"),
        2,
    )
    assert (after.transaction_count, after.last_transaction_at) == (2, deposited.recorded_at)
    assert lines(engine, "a")[0] == StatementLine(
        2, "deposit", Decimal("25.10"), Decimal("125.10"), "gift", None, None, deposited.recorded_at
    )


def test_a_withdrawal_into_the_overdraft_shows_a_positive_amount_and_a_negative_balance(
    engine: Engine, bus: CommandBus
) -> None:
    bus.execute(OpenAccountFactory(account_id="a", initial_deposit=Decimal("10.00")))
    bus.execute(SetOverdraftLimitFactory(account_id="a", limit=Decimal("50.00")))
    bus.execute(WithdrawMoneyFactory(account_id="a", amount=Decimal("30.00"), description="rent"))
    after = summary(engine, "a")
    assert (after.balance, after.overdraft_limit, after.available) == (
        Decimal("-20.00"),
        Decimal("50.00"),
        Decimal("30.00"),
    )
    newest = lines(engine, "a")[0]
    assert (
        newest.version,
        newest.type,
        newest.amount,
        newest.balance_after,
        newest.description,
    ) == (
        3,
        "withdrawal",
        Decimal("30.00"),
        Decimal("-20.00"),
        "rent",
    )


def test_a_transfer_writes_both_legs_with_one_transfer_id_and_each_counterparty(
    engine: Engine, bus: CommandBus
) -> None:
    bus.execute(OpenAccountFactory(account_id="a", initial_deposit=Decimal("100.00")))
    bus.execute(OpenAccountFactory(account_id="b", initial_deposit=Decimal("1.00")))
    transfer_id = bus.execute(
        TransferMoneyFactory(from_account_id="a", to_account_id="b", amount=Decimal("40.00"))
    ).response["transfer_id"]
    sent, received = lines(engine, "a")[0], lines(engine, "b")[0]
    assert (sent.type, sent.amount, sent.balance_after) == (
        "transfer_out",
        Decimal(40),
        Decimal(60),
    )
    assert (received.type, received.amount, received.balance_after) == (
        "transfer_in",
        Decimal(40),
        Decimal(41),
    )
    assert (sent.transfer_id, sent.counterparty_account_id) == (transfer_id, "b")
    assert (received.transfer_id, received.counterparty_account_id) == (transfer_id, "a")
    assert sent.description == received.description == "rent share"
    assert (summary(engine, "a").transaction_count, summary(engine, "b").transaction_count) == (
        2,
        2,
    )


def test_an_overdraft_limit_change_moves_version_and_available_but_writes_no_line(
    engine: Engine, bus: CommandBus
) -> None:
    bus.execute(OpenAccountFactory(account_id="a", initial_deposit=Decimal("5.00")))
    before = summary(engine, "a")
    bus.execute(SetOverdraftLimitFactory(account_id="a", limit=Decimal("70.00")))
    after = summary(engine, "a")
    assert (after.version, after.available, after.overdraft_limit) == (2, Decimal(75), Decimal(70))
    assert (after.transaction_count, after.last_transaction_at) == (1, before.last_transaction_at)
    assert len(lines(engine, "a")) == 1


def test_closing_an_account_marks_it_inactive_at_the_next_version_without_a_line(
    engine: Engine, bus: CommandBus
) -> None:
    bus.execute(OpenAccountFactory(account_id="a", initial_deposit=Decimal("0")))
    bus.execute(CloseAccountFactory(account_id="a"))
    after = summary(engine, "a")
    assert (after.is_active, after.version, after.transaction_count) == (False, 2, 1)
    assert len(lines(engine, "a")) == 1


def test_a_refused_command_changes_no_read_model(engine: Engine, bus: CommandBus) -> None:
    bus.execute(OpenAccountFactory(account_id="a", initial_deposit=Decimal("5.00")))
    bus.execute(OpenAccountFactory(account_id="b", initial_deposit=Decimal("0")))
    bus.execute(CloseAccountFactory(account_id="b"))
    before = read_models(engine)
    with pytest.raises(InsufficientFunds):
        bus.execute(WithdrawMoneyFactory(account_id="a", amount=Decimal("5.01")))
    with pytest.raises(AccountClosed):
        bus.execute(TransferMoneyFactory(from_account_id="a", to_account_id="b"))
    assert read_models(engine) == before


def test_a_failing_projector_leaves_no_events_and_no_read_model_change_behind(
    engine: Engine, bus: CommandBus, settings: Settings
) -> None:
    bus.execute(OpenAccountFactory(account_id="a"))
    events_before, rows_before = event_count(engine), read_models(engine)

    def explode(_connection: object, _event: RecordedEvent) -> None:
        raise RuntimeError("disk on fire")

    dispatcher = Dispatcher(
        [live_projector(ACCOUNTS), Projector("audit", {MoneyDeposited: explode})]
    )
    failing = build_ledger(settings, engine=engine, publish=dispatcher.dispatch)
    with pytest.raises(ProjectionError, match="'audit' failed on MoneyDeposited") as caught:
        failing.bus.execute(DepositMoneyFactory(account_id="a"))
    assert "disk on fire" in str(caught.value.__cause__)
    assert (event_count(engine), read_models(engine)) == (events_before, rows_before)


def test_a_schema_1_deposit_without_balance_after_gets_its_balance_from_the_summary(
    engine: Engine, bus: CommandBus
) -> None:
    bus.execute(OpenAccountFactory(account_id="a", initial_deposit=Decimal("10.00")))
    append_schema_1_deposit(engine, "a", "2.50")
    bus.execute(DepositMoneyFactory(account_id="a", amount=Decimal("1.00"), description="now"))
    rebuild_projections(engine)
    assert [
        (line.type, line.amount, line.balance_after, line.description)
        for line in lines(engine, "a")
    ] == [
        ("deposit", Decimal("1.00"), Decimal("13.50"), "now"),
        ("deposit", Decimal("2.50"), Decimal("12.50"), ""),
        ("opening_deposit", Decimal("10.00"), Decimal("10.00"), ""),
    ]
    assert verify_projections(engine) == []


def test_a_rebuild_reads_old_events_through_the_upcasters(
    engine: Engine, bus: CommandBus, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bulk read (`read_data`) must upcast, not only the aggregate's replay: a schema-1
    deposit gets the description today's upcaster gives it, whatever that is."""

    todays = UPCASTERS[("MoneyDeposited", 1)]

    def described(data: dict[str, Any]) -> dict[str, Any]:
        return {**todays(data), "description": "before descriptions"}

    bus.execute(OpenAccountFactory(account_id="a", initial_deposit=Decimal("10.00")))
    append_schema_1_deposit(engine, "a", "2.50")
    monkeypatch.setitem(UPCASTERS, ("MoneyDeposited", 1), described)
    rebuild_projections(engine)
    assert [line.description for line in lines(engine, "a")] == ["before descriptions", ""]


def test_the_checkpoint_is_the_position_of_the_last_event_applied(
    engine: Engine, bus: CommandBus
) -> None:
    bus.execute(OpenAccountFactory(account_id="a"))
    bus.execute(OpenAccountFactory(account_id="b"))
    bus.execute(TransferMoneyFactory(from_account_id="a", to_account_id="b"))
    newest = max(e.position for account in ("a", "b") for e in history(engine, account))
    with engine.connect() as conn:
        assert ACCOUNTS.checkpoint(conn, ACCOUNTS.live) == newest


def test_an_event_for_an_account_missing_from_the_read_model_is_refused_until_a_rebuild(
    engine: Engine, bus: CommandBus
) -> None:
    bus.execute(OpenAccountFactory(account_id="a"))
    summaries = LIVE.summaries
    with engine.connect().execution_options(**WRITE) as conn, conn.begin():
        conn.execute(delete(summaries).where(summaries.c.account_id == "a"))
    events_before = event_count(engine)
    with pytest.raises(ProjectionError) as caught:
        bus.execute(DepositMoneyFactory(account_id="a"))
    assert "misses events, rebuild it" in str(caught.value.__cause__)
    assert event_count(engine) == events_before
    rebuild_projections(engine)
    bus.execute(DepositMoneyFactory(account_id="a", amount=Decimal("1.00")))
    assert summary(engine, "a").balance == Decimal("101.00")
