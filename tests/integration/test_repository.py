"""Repository, snapshots, upcasting and temporal loads on SQLite and PostgreSQL."""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, insert, select, update

from bank.account import BankAccount
from bank.errors import AccountNotFound, DomainError
from bank.repository import AccountRepository
from bank.store.event_store import EventStore
from bank.store.schema import events as events_table
from bank.store.schema import snapshots as snapshots_table
from bank.store.schema import streams as streams_table
from bank.store.snapshots import SnapshotStore
from commands.bus import CommandBus
from commands.messages import Command
from tests.factories import (
    DepositMoneyFactory,
    OpenAccountFactory,
    SetOverdraftLimitFactory,
    WithdrawMoneyFactory,
)
from tests.integration.helpers import all_events, load, replay

amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("500"), places=2)
commands = st.lists(
    st.one_of(
        amounts.map(lambda a: ("deposit", a)),
        amounts.map(lambda a: ("withdraw", a)),
        amounts.map(lambda a: ("limit", a)),
    ),
    max_size=45,
)


def run(bus: CommandBus, account_id: str, steps: list[tuple[str, Decimal]]) -> None:
    factories: dict[str, Callable[[Decimal], Command]] = {
        "deposit": lambda a: DepositMoneyFactory(account_id=account_id, amount=a),
        "withdraw": lambda a: WithdrawMoneyFactory(account_id=account_id, amount=a),
        "limit": lambda a: SetOverdraftLimitFactory(account_id=account_id, limit=a),
    }
    for kind, amount in steps:
        # refusals (insufficient funds) are part of a realistic history
        with contextlib.suppress(DomainError):
            bus.execute(factories[kind](amount))


def snapshot_versions(engine: Engine, account_id: str) -> list[int]:
    with engine.connect() as conn:
        return list(
            conn.execute(
                select(snapshots_table.c.version)
                .where(snapshots_table.c.stream_id == account_id)
                .order_by(snapshots_table.c.version)
            ).scalars()
        )


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=commands)
def test_loading_from_a_snapshot_gives_exactly_the_state_of_a_full_replay(
    bus: CommandBus, engine: Engine, steps: list[tuple[str, Decimal]]
) -> None:
    account_id = f"acc-{uuid.uuid4().hex[:10]}"
    bus.execute(OpenAccountFactory(account_id=account_id))
    run(bus, account_id, steps)
    assert vars(load(engine, account_id)) == vars(replay(engine, account_id))


def test_a_snapshot_is_written_when_the_stream_crosses_a_multiple_of_snapshot_every(
    bus: CommandBus, engine: Engine
) -> None:
    bus.execute(OpenAccountFactory(account_id="acc-0"))
    run(bus, "acc-0", [("deposit", Decimal(1))] * 8)
    assert snapshot_versions(engine, "acc-0") == []
    run(bus, "acc-0", [("deposit", Decimal(1))] * 2)
    assert snapshot_versions(engine, "acc-0") == [10]
    run(bus, "acc-0", [("deposit", Decimal(1))] * 10)
    assert snapshot_versions(engine, "acc-0") == [10, 20]


def test_a_snapshot_in_another_state_format_is_ignored_never_misread(
    bus: CommandBus, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    bus.execute(OpenAccountFactory(account_id="acc-0", initial_deposit=Decimal("5")))
    run(bus, "acc-0", [("deposit", Decimal(1))] * 12)
    assert snapshot_versions(engine, "acc-0") == [10]
    monkeypatch.setattr(BankAccount, "SNAPSHOT_FORMAT", BankAccount.SNAPSHOT_FORMAT + 1)
    account = load(engine, "acc-0")
    assert (account.version, account.balance) == (13, Decimal("17.00"))


def test_an_old_release_v1_deposit_row_is_read_upcast(bus: CommandBus, engine: Engine) -> None:
    """Writes a row behind the store's back on purpose: that is what an old release left."""
    bus.execute(OpenAccountFactory(account_id="acc-0", initial_deposit=Decimal("10")))
    with engine.begin() as conn:
        conn.execute(
            insert(events_table).values(
                event_id=uuid.uuid4(),
                stream_id="acc-0",
                stream_type="BankAccount",
                version=2,
                event_type="MoneyDeposited",
                schema_version=1,
                data={"amount": "2.50"},
                metadata={"actor": "release-0.9"},
                recorded_at=datetime.now(UTC),
            )
        )
        conn.execute(
            update(streams_table).where(streams_table.c.stream_id == "acc-0").values(version=2)
        )
    assert load(engine, "acc-0").balance == Decimal("12.50")
    deposit = all_events(engine)[-1]
    assert deposit.schema_version == 2
    assert deposit.data["description"] == ""
    assert deposit.data["category"] == "general"
    with engine.connect() as conn:
        stored = conn.execute(select(events_table.c.data, events_table.c.schema_version)).all()[-1]
    assert (stored.data, stored.schema_version) == ({"amount": "2.50"}, 1)


def test_the_state_as_of_a_time_or_a_version_replays_only_what_came_before(
    bus: CommandBus, engine: Engine
) -> None:
    bus.execute(OpenAccountFactory(account_id="acc-0", initial_deposit=Decimal("100")))
    bus.execute(DepositMoneyFactory(account_id="acc-0", amount=Decimal("50")))
    middle = all_events(engine)[-1].recorded_at
    time.sleep(0.002)
    bus.execute(WithdrawMoneyFactory(account_id="acc-0", amount=Decimal("30")))
    with engine.connect() as conn:
        repo = AccountRepository(EventStore(conn), SnapshotStore(conn))
        assert repo.as_of("acc-0", at=middle).balance == Decimal("150.00")
        assert repo.as_of("acc-0", version=1).balance == Decimal("100.00")
        assert repo.as_of("acc-0").balance == Decimal("120.00")
        with pytest.raises(AccountNotFound):
            repo.as_of("acc-0", at=datetime(2000, 1, 1, tzinfo=UTC))
