"""Two ledgers on one database (two processes) never decide on each other's stale cache."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import Engine

from bank.account import BankAccount
from bank.cache import AccountCache
from bank.store.snapshots import Snapshot, SnapshotStore
from bootstrap import Ledger, Settings, build_ledger, read_side_publisher
from commands.bus import CommandBus
from commands.unit_of_work import UnitOfWork
from tests.factories import (
    DepositMoneyFactory,
    OpenAccountFactory,
    TransferMoneyFactory,
    WithdrawMoneyFactory,
)
from tests.integration.helpers import all_events, load


@pytest.fixture
def other(engine: Engine, settings: Settings) -> Ledger:
    """A second process's ledger: its own account cache, the same database."""
    return build_ledger(settings, engine=engine)


def warm(ledger: Ledger, account_id: str) -> None:
    """Make `ledger` cache the account by running a command on it."""
    ledger.bus.execute(DepositMoneyFactory(account_id=account_id, amount=Decimal("0.01")))


def test_a_stale_cache_entry_is_noticed_at_load_before_the_account_decides(
    ledger: Ledger, other: Ledger, engine: Engine
) -> None:
    ledger.bus.execute(OpenAccountFactory(account_id="acc-0", initial_deposit=Decimal("100")))
    warm(ledger, "acc-0")
    other.bus.execute(DepositMoneyFactory(account_id="acc-0", amount=Decimal("50")))
    ledger.bus.execute(WithdrawMoneyFactory(account_id="acc-0", amount=Decimal("10")))
    assert all_events(engine)[-1].data["balance_after"] == "140.01"
    assert ledger.bus.retries == 0


def test_a_refusal_is_never_decided_on_a_stale_cache(
    ledger: Ledger, other: Ledger, engine: Engine
) -> None:
    ledger.bus.execute(OpenAccountFactory(account_id="acc-0", initial_deposit=Decimal("0")))
    warm(ledger, "acc-0")
    other.bus.execute(DepositMoneyFactory(account_id="acc-0", amount=Decimal("100")))
    ledger.bus.execute(WithdrawMoneyFactory(account_id="acc-0", amount=Decimal("50")))
    assert load(engine, "acc-0").balance == Decimal("50.01")


def test_an_if_match_checked_against_a_stale_cache_uses_the_current_version(
    ledger: Ledger, other: Ledger
) -> None:
    ledger.bus.execute(OpenAccountFactory(account_id="acc-0"))
    warm(ledger, "acc-0")
    other.bus.execute(DepositMoneyFactory(account_id="acc-0"))
    ledger.bus.execute(DepositMoneyFactory(account_id="acc-0", expected_version=3))


def test_a_transfer_with_one_stale_side_applies_once(
    ledger: Ledger, other: Ledger, engine: Engine
) -> None:
    for account_id in ("acc-0", "acc-1"):
        ledger.bus.execute(OpenAccountFactory(account_id=account_id, initial_deposit=Decimal("10")))
        warm(ledger, account_id)
    other.bus.execute(DepositMoneyFactory(account_id="acc-1", amount=Decimal("5")))
    ledger.bus.execute(TransferMoneyFactory(amount=Decimal("10.01")))
    assert load(engine, "acc-0").balance == Decimal("0.00")
    assert load(engine, "acc-1").balance == Decimal("25.02")
    assert [e.event_type for e in all_events(engine)].count("TransferSent") == 1


def test_a_stale_cache_entry_is_caught_up_with_the_newer_events_only(
    ledger: Ledger, other: Ledger, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger.bus.execute(OpenAccountFactory(account_id="acc-0", initial_deposit=Decimal("100")))
    warm(ledger, "acc-0")
    other.bus.execute(DepositMoneyFactory(account_id="acc-0", amount=Decimal("50")))
    snapshot_reads: list[tuple[SnapshotStore, str, int]] = []
    latest = SnapshotStore.latest

    def recording_latest(
        store: SnapshotStore, stream_id: str, format_version: int, /
    ) -> Snapshot | None:
        snapshot_reads.append((store, stream_id, format_version))
        return latest(store, stream_id, format_version)

    monkeypatch.setattr(SnapshotStore, "latest", recording_latest)
    ledger.bus.execute(WithdrawMoneyFactory(account_id="acc-0", amount=Decimal("10")))
    assert all_events(engine)[-1].data["balance_after"] == "140.01"
    assert snapshot_reads == []


def test_a_cached_state_ahead_of_the_database_is_dropped_not_served(engine: Engine) -> None:
    """After a restore to an earlier point, a history the database lost is never served."""
    cache = AccountCache()
    bus = CommandBus(lambda: UnitOfWork(engine, read_side_publisher(), cache), cache=cache)
    bus.execute(OpenAccountFactory(account_id="acc-0", initial_deposit=Decimal("100")))
    lost_state = {**load(engine, "acc-0").snapshot_state(), "balance": "999.00"}
    cache.evict("acc-0")
    cache.put(BankAccount.from_snapshot("acc-0", 3, lost_state))  # before the restore
    for _ in range(3):
        bus.execute(DepositMoneyFactory(account_id="acc-0", amount=Decimal("1.00")))
    assert load(engine, "acc-0").balance == Decimal("103.00")
    cached = cache.get("acc-0")
    assert cached is not None
    assert (cached.version, cached.balance) == (4, Decimal("103.00"))
