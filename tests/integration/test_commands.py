"""The command bus on real databases: idempotency, atomic transfers, retries after lost races."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Connection, Engine

from bank.errors import (
    AccountAlreadyExists,
    AccountClosed,
    ConcurrencyError,
    IdempotencyKeyReused,
    InsufficientFunds,
)
from bank.events import TransferReceived
from bank.recorded import RecordedEvent
from bank.repository import AccountRepository
from bank.store.engine import WRITE
from bank.store.event_store import EventStore
from bank.store.snapshots import SnapshotStore
from bootstrap import Settings, build_ledger, read_side_publisher
from commands.bus import CommandBus
from commands.context import CommandContext
from commands.unit_of_work import UnitOfWork
from tests.factories import (
    CloseAccountFactory,
    DepositMoneyFactory,
    OpenAccountFactory,
    TransferMoneyFactory,
    WithdrawMoneyFactory,
)
from tests.integration.helpers import all_events, load


def open_two(bus: CommandBus) -> None:
    bus.execute(OpenAccountFactory(account_id="acc-0", initial_deposit=Decimal("100")))
    bus.execute(OpenAccountFactory(account_id="acc-1", initial_deposit=Decimal("0")))


def test_every_event_carries_who_and_why(bus: CommandBus, engine: Engine) -> None:
    context = CommandContext(actor="clerk-7", request_id="req-1", idempotency_key="k-1")
    bus.execute(OpenAccountFactory(account_id="acc-0"), context)
    (event,) = all_events(engine)
    assert event.metadata["actor"] == "clerk-7"
    assert event.metadata["command"] == "OpenAccount"
    assert event.metadata["request_id"] == event.metadata["correlation_id"] == "req-1"
    assert event.metadata["idempotency_key"] == "k-1"
    assert event.metadata["causation_id"]


def test_opening_an_existing_account_is_refused(bus: CommandBus) -> None:
    bus.execute(OpenAccountFactory(account_id="acc-0"))
    with pytest.raises(AccountAlreadyExists):
        bus.execute(OpenAccountFactory(account_id="acc-0"))


def test_a_repeated_key_returns_the_recorded_result_and_applies_once(
    bus: CommandBus, engine: Engine
) -> None:
    open_two(bus)
    deposit = DepositMoneyFactory(account_id="acc-0", amount=Decimal("10"))
    first = bus.execute(deposit, CommandContext(idempotency_key="pay-1"))
    second = bus.execute(deposit, CommandContext(idempotency_key="pay-1"))
    assert second.replayed
    assert not first.replayed
    assert second.response == first.response
    assert load(engine, "acc-0").balance == Decimal("110.00")


def test_the_same_key_for_a_different_command_is_refused(bus: CommandBus, engine: Engine) -> None:
    open_two(bus)
    bus.execute(DepositMoneyFactory(account_id="acc-0"), CommandContext(idempotency_key="k"))
    with pytest.raises(IdempotencyKeyReused):
        bus.execute(
            DepositMoneyFactory(account_id="acc-0", amount=Decimal("99")),
            CommandContext(idempotency_key="k"),
        )
    assert load(engine, "acc-0").version == 2


def test_a_failed_command_records_no_key_so_it_can_be_retried(
    bus: CommandBus, engine: Engine
) -> None:
    open_two(bus)
    withdraw = WithdrawMoneyFactory(account_id="acc-0", amount=Decimal("150"))
    with pytest.raises(InsufficientFunds):
        bus.execute(withdraw, CommandContext(idempotency_key="w-1"))
    bus.execute(DepositMoneyFactory(account_id="acc-0", amount=Decimal("50")))
    outcome = bus.execute(withdraw, CommandContext(idempotency_key="w-1"))
    assert not outcome.replayed
    assert load(engine, "acc-0").balance == Decimal("0.00")


def test_a_transfer_appends_both_legs_in_one_transaction(bus: CommandBus, engine: Engine) -> None:
    open_two(bus)
    bus.execute(TransferMoneyFactory(amount=Decimal("40")))
    sent, received = all_events(engine)[-2:]
    assert sent.recorded_at == received.recorded_at
    assert sent.metadata["causation_id"] == received.metadata["causation_id"]
    assert (load(engine, "acc-0").balance, load(engine, "acc-1").balance) == (
        Decimal("60.00"),
        Decimal("40.00"),
    )


def test_a_transfer_to_a_closed_account_changes_neither_account(
    bus: CommandBus, engine: Engine
) -> None:
    open_two(bus)
    bus.execute(CloseAccountFactory(account_id="acc-1"))
    before = len(all_events(engine))
    with pytest.raises(AccountClosed):
        bus.execute(TransferMoneyFactory(amount=Decimal("1")))
    assert len(all_events(engine)) == before


def test_a_failure_after_the_first_leg_leaves_both_accounts_unchanged(
    engine: Engine, settings: Settings
) -> None:
    projections = read_side_publisher()

    def fail_on_second_leg(conn: Connection, events: Sequence[RecordedEvent]) -> None:
        projections(conn, events)
        if any(isinstance(e.event, TransferReceived) for e in events):
            raise RuntimeError("second leg failed")

    bus = build_ledger(settings, engine=engine, publish=fail_on_second_leg).bus
    open_two(bus)
    with pytest.raises(RuntimeError, match="second leg"):
        bus.execute(TransferMoneyFactory(amount=Decimal("40")))
    assert [e.event_type for e in all_events(engine)] == ["AccountOpened", "AccountOpened"]
    assert load(engine, "acc-0").balance == Decimal("100.00")
    assert load(engine, "acc-1").balance == Decimal("0.00")


class RacedUnitOfWork(UnitOfWork):
    """Before saving, lets a rival connection open the same account id and commit first.

    Writers to an existing account queue on its stream lock and cannot race; opening a
    new id is where two writers can still meet, at the append's compare-and-set.
    """

    races_left = 0

    def save(self, metadata: dict[str, Any]) -> list[RecordedEvent]:
        if RacedUnitOfWork.races_left > 0:
            RacedUnitOfWork.races_left -= 1
            rival = build_ledger(Settings(), engine=self._engine).bus
            rival.execute(OpenAccountFactory(account_id="acc-9", owner_id="rival"))
        return super().save(metadata)


def raced_bus(engine: Engine, max_attempts: int) -> CommandBus:
    RacedUnitOfWork.races_left = 1
    publish = read_side_publisher()
    return CommandBus(lambda: RacedUnitOfWork(engine, publish), max_attempts=max_attempts)


@pytest.mark.postgres_only
def test_a_command_that_lost_a_race_is_retried_and_decides_again_on_fresh_state(
    engine: Engine,
) -> None:
    with pytest.raises(AccountAlreadyExists):
        raced_bus(engine, max_attempts=2).execute(
            OpenAccountFactory(account_id="acc-9", owner_id="me")
        )
    assert [e.metadata["command"] for e in all_events(engine)] == ["OpenAccount"]
    assert all_events(engine)[0].data["owner_id"] == "rival"


@pytest.mark.postgres_only
def test_a_command_out_of_attempts_reports_the_conflict_and_writes_nothing(engine: Engine) -> None:
    with pytest.raises(ConcurrencyError):
        raced_bus(engine, max_attempts=1).execute(
            OpenAccountFactory(account_id="acc-9", owner_id="me")
        )
    assert [e.data["owner_id"] for e in all_events(engine)] == ["rival"]


@pytest.mark.postgres_only
def test_writers_to_one_account_queue_on_its_lock_instead_of_conflicting(
    bus: CommandBus, engine: Engine
) -> None:
    open_two(bus)
    first = engine.connect().execution_options(**WRITE)
    first.begin()
    locked = AccountRepository(EventStore(first), SnapshotStore(first))
    locked.get("acc-0")
    done = threading.Event()

    def deposit_then_signal() -> None:
        bus.execute(DepositMoneyFactory(account_id="acc-0"))
        done.set()

    worker = threading.Thread(target=deposit_then_signal)
    worker.start()
    try:
        assert not done.wait(0.5), "a second writer went ahead while the stream was locked"
    finally:
        first.rollback()
        first.close()
        worker.join(10)
    assert done.is_set()
    assert bus.retries == 0
