"""Writers to a SQLite file take turns on a lock file, across threads and processes."""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine

from bank.store.engine import create_engine
from bank.store.write_queue import WriterTurnTimeout, turn_file, writer_turn
from bootstrap import Settings, build_ledger, init_db
from tests.factories import DepositMoneyFactory, OpenAccountFactory
from tests.integration.helpers import all_events


@pytest.fixture
def sqlite_file(tmp_path: Path) -> Iterator[Engine]:
    engine = create_engine(f"sqlite:///{tmp_path / 'ledger.db'}")
    init_db(engine)
    yield engine
    engine.dispose()


def hold_turn(
    url: str, holding: multiprocessing.synchronize.Event, done: multiprocessing.synchronize.Event
) -> None:
    """In another process: take the writer's turn and keep it until told to let go."""
    engine = create_engine(url)
    with writer_turn(engine):
        holding.set()
        done.wait(30)


@pytest.fixture
def other_process(sqlite_file: Engine) -> Iterator[multiprocessing.synchronize.Event]:
    """Another process holding the turn on the same file; set the event to end its turn."""
    context = multiprocessing.get_context("spawn")
    holding, done = context.Event(), context.Event()
    url = sqlite_file.url.render_as_string(hide_password=False)
    process = context.Process(target=hold_turn, args=(url, holding, done))
    process.start()
    assert holding.wait(30)
    yield done
    done.set()
    process.join(30)


def test_only_a_sqlite_file_has_a_turn_file(tmp_path: Path) -> None:
    assert (
        turn_file(create_engine(f"sqlite:///{tmp_path / 'a.db'}")) == f"{tmp_path / 'a.db'}-writers"
    )
    assert turn_file(create_engine("sqlite://")) is None
    assert turn_file(create_engine("postgresql://postgres@127.0.0.1/none")) is None


def test_a_thread_waits_until_the_writer_ahead_has_finished(sqlite_file: Engine) -> None:
    order: list[str] = []
    inside, release = threading.Event(), threading.Event()

    def first() -> None:
        with writer_turn(sqlite_file):
            inside.set()
            release.wait(10)
            order.append("first done")

    def second() -> None:
        with writer_turn(sqlite_file):
            order.append("second in")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    threads[0].start()
    assert inside.wait(10)
    threads[1].start()
    threads[1].join(0.2)
    assert threads[1].is_alive(), "the second writer went in while the first held its turn"
    release.set()
    for thread in threads:
        thread.join(10)
    assert order == ["first done", "second in"]


def hold_inherited_turn(
    engine: Engine,
    holding: multiprocessing.synchronize.Event,
    done: multiprocessing.synchronize.Event,
) -> None:
    """In a forked child: take the turn with whatever the parent left open."""
    with writer_turn(engine):
        holding.set()
        done.wait(30)


def test_a_forked_child_competes_with_its_parent(sqlite_file: Engine) -> None:
    with writer_turn(sqlite_file):
        pass  # the parent has opened its lock file
    context = multiprocessing.get_context("fork")
    holding, done = context.Event(), context.Event()
    child = context.Process(target=hold_inherited_turn, args=(sqlite_file, holding, done))
    child.start()
    try:
        assert holding.wait(30)
        with pytest.raises(WriterTurnTimeout), writer_turn(sqlite_file, timeout=0.05):
            pytest.fail("the parent got a turn while its child held it")
    finally:
        done.set()
        child.join(30)


def test_a_writer_gives_up_after_its_timeout_and_writes_nothing(
    sqlite_file: Engine, other_process: multiprocessing.synchronize.Event
) -> None:
    with (
        pytest.raises(WriterTurnTimeout, match="nothing was written"),
        writer_turn(sqlite_file, timeout=0.05),
    ):
        pytest.fail("got a turn while another process held it")


def test_a_command_waits_for_another_process_then_commits(
    sqlite_file: Engine, other_process: multiprocessing.synchronize.Event
) -> None:
    bus = build_ledger(Settings(database_url="unused://"), engine=sqlite_file).bus
    done = threading.Event()

    def open_account() -> None:
        bus.execute(OpenAccountFactory(account_id="acc-0", initial_deposit=Decimal("5")))
        done.set()

    thread = threading.Thread(target=open_account)
    thread.start()
    assert not done.wait(0.2), "the command went in while another process held the turn"
    other_process.set()
    thread.join(30)
    assert done.is_set()
    bus.execute(DepositMoneyFactory(account_id="acc-0", amount=Decimal("1")))
    assert [e.event_type for e in all_events(sqlite_file)] == ["AccountOpened", "MoneyDeposited"]


def test_a_failed_command_ends_its_turn(sqlite_file: Engine) -> None:
    bus = build_ledger(Settings(database_url="unused://"), engine=sqlite_file).bus
    with pytest.raises(Exception, match="acc-0"):
        bus.execute(DepositMoneyFactory(account_id="acc-0"))
    with writer_turn(sqlite_file, timeout=0.05):
        pass
