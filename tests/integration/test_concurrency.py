"""Many writers at once on PostgreSQL: money is conserved and no command is lost or doubled."""

from __future__ import annotations

import random
import threading
from collections import Counter
from collections.abc import Callable
from decimal import Decimal

import pytest
from sqlalchemy import Engine, text

from bank.errors import ConcurrencyError, InsufficientFunds
from bank.store.engine import create_engine
from bootstrap import Settings, build_ledger
from commands.bus import CommandBus, Outcome
from commands.context import CommandContext
from commands.messages import Command
from tests.factories import (
    DepositMoneyFactory,
    OpenAccountFactory,
    SetOverdraftLimitFactory,
    TransferMoneyFactory,
)
from tests.integration.helpers import all_events, balances_that_do_not_chain, replay

ACCOUNTS = [f"acc-{i}" for i in range(5)]
THREADS = 6
TRANSFERS_PER_THREAD = 40


@pytest.mark.postgres_only
def test_concurrent_random_transfers_conserve_money_and_apply_each_command_once(
    engine: Engine, settings: Settings
) -> None:
    bus: CommandBus = build_ledger(settings, engine=engine).bus
    for account_id in ACCOUNTS:
        bus.execute(OpenAccountFactory(account_id=account_id, initial_deposit=Decimal("100")))
        bus.execute(SetOverdraftLimitFactory(account_id=account_id, limit=Decimal("20")))
    applied: Counter[str] = Counter()
    errors: list[BaseException] = []

    def worker(seed: int) -> None:
        rng = random.Random(seed)
        for n in range(TRANSFERS_PER_THREAD):
            source, destination = rng.sample(ACCOUNTS, 2)
            command = TransferMoneyFactory(
                from_account_id=source,
                to_account_id=destination,
                amount=Decimal(rng.randint(1, 6000)) / 100,
            )
            try:
                bus.execute(command, CommandContext(request_id=f"t{seed}-{n}"))
                applied["ok"] += 1
            except InsufficientFunds:
                applied["refused"] += 1
            except ConcurrencyError:
                applied["conflict"] += 1
            except BaseException as exc:  # a thread must not swallow a bug
                errors.append(exc)

    threads = [threading.Thread(target=worker, args=(seed,)) for seed in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sum(applied.values()) == THREADS * TRANSFERS_PER_THREAD
    assert applied["ok"] > 0
    events = all_events(engine)
    legs = Counter(e.event_type for e in events)
    assert legs["TransferSent"] == legs["TransferReceived"] == applied["ok"]
    per_request = Counter(
        e.metadata["request_id"] for e in events if e.event_type == "TransferSent"
    )
    assert set(per_request.values()) == {1}
    balances = [replay(engine, a).balance for a in ACCOUNTS]
    assert sum(balances) == Decimal("500.00")
    assert all(b >= Decimal("-20.00") for b in balances)
    versions = [(e.stream_id, e.version) for e in events]
    assert len(versions) == len(set(versions))
    assert balances_that_do_not_chain(events) == []


def run_together(count: int, action: Callable[[], Outcome]) -> list[Outcome | BaseException]:
    """Start `count` threads at one barrier and collect each one's outcome or exception."""
    barrier = threading.Barrier(count)
    results: list[Outcome | BaseException] = []

    def worker() -> None:
        barrier.wait()
        try:
            results.append(action())
        except BaseException as exc:
            results.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.postgres_only
@pytest.mark.parametrize(
    "command",
    [
        DepositMoneyFactory.build(account_id="acc-0", amount=Decimal("7")),
        OpenAccountFactory.build(account_id=None, owner_id="owner-x"),
    ],
    ids=["deposit", "open_with_generated_id"],
)
def test_concurrent_requests_with_one_idempotency_key_apply_exactly_once(
    engine: Engine, settings: Settings, command: Command
) -> None:
    bus = build_ledger(settings, engine=engine).bus
    bus.execute(OpenAccountFactory(account_id="acc-0"))
    before = len(all_events(engine))
    results = run_together(6, lambda: bus.execute(command, CommandContext(idempotency_key="k1")))
    outcomes = [r for r in results if isinstance(r, Outcome)]
    assert all(isinstance(r, Outcome | ConcurrencyError) for r in results), results
    assert [o.replayed for o in outcomes].count(False) == 1
    assert len({str(o.response) for o in outcomes}) == 1
    assert len(all_events(engine)) == before + 1
    assert bus.retries == 0  # the others waited for the key, never appended and lost
    positions = [e.position for e in all_events(engine)]
    assert positions == list(range(1, len(positions) + 1))


@pytest.mark.postgres_only
def test_writers_run_read_committed_whatever_the_servers_default(
    engine: Engine, settings: Settings
) -> None:
    with engine.connect() as connection:
        schema = connection.execute(text("SELECT current_schema()")).scalar_one()
    options = f"-csearch_path={schema} -cdefault_transaction_isolation=serializable"
    strict = create_engine(
        str(engine.url.render_as_string(hide_password=False)), connect_args={"options": options}
    )
    try:
        bus = build_ledger(settings, engine=strict).bus
        bus.execute(OpenAccountFactory(account_id="acc-0"))
        before = len(all_events(engine))
        results = run_together(6, lambda: bus.execute(DepositMoneyFactory(account_id="acc-0")))
        assert all(isinstance(r, Outcome) for r in results), results
        assert len(all_events(engine)) == before + 6
    finally:
        strict.dispose()
