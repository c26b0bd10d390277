"""Rebuilding while commands commit: nothing lost, nothing doubled."""

from __future__ import annotations

import contextlib
import random
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal

import pytest
from sqlalchemy import Connection, Engine, func, inspect, select, text

from bank.errors import DomainError
from bank.recorded import RecordedEvent
from bank.store.schema import events
from bootstrap import Settings, build_ledger
from commands.bus import CommandBus
from commands.messages import Command
from queries.accounts import account_summary
from queries.statements import statement
from read_models import replay
from read_models.dispatcher import default_dispatcher
from read_models.lock_waits import TableBusy
from read_models.rebuild import RebuildReport, rebuild_projections
from read_models.tables import LIVE
from read_models.verify import verify_projections
from tests.factories import (
    DepositMoneyFactory,
    OpenAccountFactory,
    TransferMoneyFactory,
    WithdrawMoneyFactory,
)
from tests.integration.read_side import read_models

MOVEMENTS = [
    "AccountOpened",
    "MoneyDeposited",
    "MoneyWithdrawn",
    "TransferSent",
    "TransferReceived",
]


def in_thread(target: Callable[[], object]) -> tuple[threading.Thread, list[object]]:
    """Run `target` in a thread; the list receives its result, or the exception it raised."""
    outcome: list[object] = []

    def run() -> None:
        try:
            outcome.append(target())
        except Exception as exc:
            outcome.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def wait_until(condition: Callable[[], bool], seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.01)


def movement_events(conn: Connection) -> int:
    query = select(func.count()).select_from(events).where(events.c.event_type.in_(MOVEMENTS))
    return int(conn.execute(query).scalar_one())


@contextlib.contextmanager
def commands_committing(bus: CommandBus, threads: int = 4) -> Iterator[list[Command]]:
    """Writer threads moving money between eight accounts until the block ends.

    Yields the list of commands applied so far, which grows meanwhile.
    """
    ids = [f"acc-{i}" for i in range(8)]
    for account_id in ids:
        bus.execute(OpenAccountFactory(account_id=account_id, initial_deposit=Decimal(1000)))
    stop, applied = threading.Event(), []

    def keep_committing(seed: int) -> None:
        rng = random.Random(seed)
        while not stop.is_set():
            source, target = rng.sample(ids, 2)
            amount = Decimal(rng.randint(1, 5000)) / 100
            command = rng.choice(
                [
                    DepositMoneyFactory(account_id=source, amount=amount),
                    WithdrawMoneyFactory(account_id=source, amount=amount),
                    TransferMoneyFactory(
                        from_account_id=source, to_account_id=target, amount=amount
                    ),
                ]
            )
            with contextlib.suppress(DomainError):
                bus.execute(command)
                applied.append(command)
            time.sleep(0.001)  # a busy ledger, not a denial of service: the rebuild gets turns

    writers = [threading.Thread(target=keep_committing, args=(seed,)) for seed in range(threads)]
    for writer in writers:
        writer.start()
    try:
        wait_until(lambda: len(applied) >= 200, seconds=60)
        yield applied
    finally:
        stop.set()
        for writer in writers:
            writer.join()


def test_a_rebuild_while_other_threads_keep_committing_ends_equal_to_a_fresh_replay(
    engine: Engine, bus: CommandBus, dialect: str
) -> None:
    """PostgreSQL commits alongside every rebuild; SQLite's busy handler promises no
    fairness, so there commands slip in between the rebuild's short transactions."""
    committed_meanwhile = []
    with commands_committing(bus) as applied:
        for _ in range(3):
            before = len(applied)
            rebuild_projections(engine, batch_size=7)
            committed_meanwhile.append(len(applied) - before)
    overlapped = [n > 0 for n in committed_meanwhile]
    assert all(overlapped) if dialect == "postgresql" else any(overlapped), committed_meanwhile
    assert verify_projections(engine) == []
    with engine.connect() as conn:
        lines = conn.execute(select(func.count()).select_from(LIVE.lines)).scalar_one()
        assert lines == movement_events(conn)


def test_verify_while_commands_commit_reports_no_difference_that_is_not_there(
    engine: Engine, bus: CommandBus
) -> None:
    with commands_committing(bus) as applied:
        before = len(applied)
        reports = [verify_projections(engine, batch_size=7) for _ in range(3)]
        assert len(applied) > before
    assert reports == [[], [], []]


@pytest.mark.postgres_only
def test_a_command_that_drew_its_position_before_the_rebuild_and_commits_after_is_kept(
    engine: Engine, bus: CommandBus, settings: Settings
) -> None:
    bus.execute(OpenAccountFactory(account_id="a", initial_deposit=Decimal("10.00")))
    for _ in range(5):
        bus.execute(DepositMoneyFactory(account_id="a", amount=Decimal("1.00")))
    appended, release = threading.Event(), threading.Event()
    dispatcher = default_dispatcher()

    def project_then_hold(connection: Connection, recorded: Sequence[RecordedEvent]) -> None:
        dispatcher.dispatch(connection, recorded)
        appended.set()
        release.wait(30)

    held = build_ledger(settings, engine=engine, publish=project_then_hold)
    command, _ = in_thread(
        lambda: held.bus.execute(DepositMoneyFactory(account_id="a", amount=Decimal("7.77")))
    )
    try:
        assert appended.wait(10)
        rebuild, outcome = in_thread(lambda: rebuild_projections(engine, batch_size=1))
        wait_until(lambda: rebuild_waits_for_the_append_lock(engine))
        with engine.connect() as conn:
            assert account_summary(conn, "a").balance == Decimal("15.00")
    finally:
        release.set()
        command.join()
    rebuild.join()
    [report] = outcome
    assert isinstance(report, RebuildReport)
    with engine.connect() as conn:
        head = conn.execute(select(func.max(events.c.position))).scalar_one()
        newest = statement(conn, "a", limit=1).items[0]
        summary = account_summary(conn, "a")
    assert report.position == head
    assert (newest.type, newest.amount, summary.balance) == (
        "deposit",
        Decimal("7.77"),
        Decimal("22.77"),
    )
    assert verify_projections(engine) == []


def rebuild_waits_for_the_append_lock(engine: Engine) -> bool:
    """Whether some session waits for the append lock (the rebuild's catch-up): the
    transaction advisory lock keyed by the events table's oid (migration 0004)."""
    with engine.connect() as conn:
        waiting = conn.execute(
            text(
                "SELECT count(*) FROM pg_locks WHERE NOT granted AND locktype = 'advisory'"
                " AND classid = 0 AND objid = CAST(CAST('events' AS regclass) AS oid)"
                " AND objsubid = 1"
            )
        ).scalar_one()
    return bool(waiting)


@pytest.mark.postgres_only
def test_a_reader_holding_statement_lines_stalls_neither_commands_nor_the_rebuild_for_long(
    engine: Engine, bus: CommandBus
) -> None:
    """The swap waits for the reader a second at a time, letting commands through between
    attempts; a command caught up by an attempt that then rolled back is still in the end."""
    bus.execute(OpenAccountFactory(account_id="a", initial_deposit=Decimal("10.00")))
    reader = engine.connect()
    reader.execute(select(func.count()).select_from(LIVE.lines))
    try:
        rebuild, outcome = in_thread(lambda: rebuild_projections(engine))
        first = wait_for_a_lock_on(engine, LIVE.lines.name)
        deposit, _ = in_thread(
            lambda: bus.execute(DepositMoneyFactory(account_id="a", amount=Decimal("2.00")))
        )
        deposit.join(2)
        assert not deposit.is_alive(), "the deposit waited for the rebuild's swap"
        caught_up = wait_for_a_lock_on(engine, LIVE.lines.name, other_than=first)
        wait_for_a_lock_on(engine, LIVE.lines.name, other_than=caught_up)
    finally:
        reader.close()
        rebuild.join()
    [report] = outcome
    assert isinstance(report, RebuildReport)
    with engine.connect() as conn:
        assert account_summary(conn, "a").balance == Decimal("12.00")
    assert verify_projections(engine) == []


@pytest.mark.postgres_only
def test_a_reader_that_never_lets_go_fails_the_rebuild_naming_its_table_and_changing_nothing(
    engine: Engine, bus: CommandBus, monkeypatch: pytest.MonkeyPatch
) -> None:
    bus.execute(OpenAccountFactory(account_id="a"))
    before = read_models(engine)
    monkeypatch.setattr(replay, "LOCK_RETRY_DELAYS", (0.01,))
    with engine.connect() as reader:
        reader.execute(select(func.count()).select_from(LIVE.lines))
        rebuild, outcome = in_thread(lambda: rebuild_projections(engine))
        rebuild.join(10)
        assert not rebuild.is_alive(), "the rebuild waited for the reader without limit"
    [error] = outcome
    assert isinstance(error, TableBusy)
    assert "table statement_lines stayed locked" in str(error)
    assert read_models(engine) == before
    assert not [name for name in inspect(engine).get_table_names() if name.endswith("_rebuild")]


def wait_for_a_lock_on(engine: Engine, table: str, other_than: str | None = None) -> str:
    """The transaction that waits for a lock on `table` (another one than `other_than`)."""
    waiting: list[str] = []

    def found() -> bool:
        with engine.connect() as conn:
            waiting[:] = conn.execute(
                text(
                    "SELECT virtualtransaction FROM pg_locks"
                    " WHERE NOT granted AND relation = CAST(:table AS regclass)"
                ),
                {"table": table},
            ).scalars()
        return bool(waiting) and waiting[0] != other_than

    wait_until(found)
    return waiting[0]
