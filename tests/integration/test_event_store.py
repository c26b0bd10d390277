"""The event store on real databases: appends, expected versions, reads, immutability."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from bank.errors import ConcurrencyError
from bank.events import DomainEvent
from bank.recorded import RecordedEvent
from bank.store.engine import WRITE
from bank.store.event_store import (
    ANY,
    NO_STREAM,
    STREAM_EXISTS,
    EventStore,
    ExpectedVersion,
    PendingAppend,
)
from bank.store.statements import ROWS_PER_INSERT
from tests.factories import AccountOpenedFactory, MoneyDepositedFactory
from tests.integration.helpers import all_events

META = {"actor": "test", "command": "Test"}


def append(
    engine: Engine, stream: str, events: Sequence[DomainEvent], expected: ExpectedVersion
) -> list[int]:
    with engine.connect().execution_options(**WRITE) as conn, conn.begin():
        recorded = EventStore(conn).append([PendingAppend(stream, "T", events, expected)], META)
    return [r.version for r in recorded]


def deposits(n: int) -> list[DomainEvent]:
    return [MoneyDepositedFactory(amount=Decimal(i + 1)) for i in range(n)]


def read(engine: Engine, stream: str, **kwargs: object) -> list[RecordedEvent]:
    with engine.connect() as conn:
        return EventStore(conn).read_stream(stream, **kwargs)  # type: ignore[arg-type]


def test_appended_events_read_back_equal_with_versions_positions_and_metadata(
    engine: Engine,
) -> None:
    opened = AccountOpenedFactory(account_id="s1")
    assert append(engine, "s1", [opened, *deposits(2)], NO_STREAM) == [1, 2, 3]
    events = read(engine, "s1")
    assert [e.event for e in events] == [opened, *deposits(2)]
    assert [e.version for e in events] == [1, 2, 3]
    assert events[0].position < events[1].position < events[2].position
    assert events[0].metadata == META
    assert events[0].recorded_at.tzinfo is not None


def test_an_append_returns_each_event_as_stored_across_streams(engine: Engine) -> None:
    append(engine, "b", deposits(1), NO_STREAM)
    with engine.connect().execution_options(**WRITE) as conn, conn.begin():
        returned = EventStore(conn).append(
            [PendingAppend("b", "T", deposits(3), 1), PendingAppend("a", "T", deposits(2), 0)],
            META,
        )
    with engine.connect() as conn:
        stored = list(EventStore(conn).read_all())[1:]
    assert [(e.stream_id, e.version) for e in returned] == [
        ("a", 1),
        ("a", 2),
        ("b", 2),
        ("b", 3),
        ("b", 4),
    ]
    assert returned == stored


def test_a_long_append_takes_several_statements_and_keeps_every_position(engine: Engine) -> None:
    count = 2 * ROWS_PER_INSERT + 1
    with engine.connect().execution_options(**WRITE) as conn, conn.begin():
        returned = EventStore(conn).append(
            [
                PendingAppend("a", "T", deposits(count), NO_STREAM),
                PendingAppend("b", "T", deposits(1), NO_STREAM),
            ],
            META,
        )
    assert [e.version for e in returned] == [*range(1, count + 1), 1]
    assert returned == all_events(engine)


def test_exact_expected_version_appends_after_that_version(engine: Engine) -> None:
    append(engine, "s1", deposits(2), NO_STREAM)
    assert append(engine, "s1", deposits(1), 2) == [3]


def test_stale_expected_version_raises_naming_stream_expected_and_actual(engine: Engine) -> None:
    append(engine, "s1", deposits(3), NO_STREAM)
    with pytest.raises(ConcurrencyError) as caught:
        append(engine, "s1", deposits(1), 2)
    assert (caught.value.stream_id, caught.value.expected, caught.value.actual) == ("s1", 2, 3)
    assert len(read(engine, "s1")) == 3


def test_no_stream_refuses_an_existing_stream(engine: Engine) -> None:
    append(engine, "s1", deposits(1), NO_STREAM)
    with pytest.raises(ConcurrencyError):
        append(engine, "s1", deposits(1), NO_STREAM)


def test_stream_exists_refuses_a_missing_stream_and_appends_to_an_existing_one(
    engine: Engine,
) -> None:
    with pytest.raises(ConcurrencyError):
        append(engine, "s1", deposits(1), STREAM_EXISTS)
    append(engine, "s1", deposits(1), NO_STREAM)
    assert append(engine, "s1", deposits(2), STREAM_EXISTS) == [2, 3]


def test_any_creates_or_extends_a_stream(engine: Engine) -> None:
    assert append(engine, "s1", deposits(1), ANY) == [1]
    assert append(engine, "s1", deposits(1), ANY) == [2]


def test_losing_writer_leaves_no_hole_in_positions(engine: Engine) -> None:
    append(engine, "s1", deposits(1), NO_STREAM)
    with pytest.raises(ConcurrencyError):
        append(engine, "s1", deposits(1), 0)
    append(engine, "s2", deposits(1), NO_STREAM)
    with engine.connect() as conn:
        positions = [e.position for e in EventStore(conn).read_all()]
    assert positions == [1, 2]


def test_conflict_between_two_connections_keeps_the_first_writer(engine: Engine) -> None:
    append(engine, "s1", deposits(1), NO_STREAM)
    with engine.connect() as reader:
        seen = EventStore(reader).stream_version("s1")
    assert seen is not None
    append(engine, "s1", deposits(1), seen)  # another process wins the race
    with pytest.raises(ConcurrencyError):
        append(engine, "s1", deposits(1), seen)
    assert [e.version for e in read(engine, "s1")] == [1, 2]


def test_multi_stream_append_is_all_or_nothing(engine: Engine) -> None:
    append(engine, "a", deposits(1), NO_STREAM)
    append(engine, "b", deposits(1), NO_STREAM)
    with engine.connect().execution_options(**WRITE) as conn, conn.begin():
        with pytest.raises(ConcurrencyError):
            EventStore(conn).append(
                [PendingAppend("a", "T", deposits(1), 1), PendingAppend("b", "T", deposits(1), 0)],
                META,
            )
        conn.rollback()
    assert len(read(engine, "a")) == 1
    assert len(read(engine, "b")) == 1


def test_read_stream_from_and_up_to_a_version(engine: Engine) -> None:
    append(engine, "s1", deposits(5), NO_STREAM)
    assert [e.version for e in read(engine, "s1", after_version=2)] == [3, 4, 5]
    assert [e.version for e in read(engine, "s1", after_version=1, to_version=3)] == [2, 3]


def test_read_stream_up_to_a_time(engine: Engine) -> None:
    append(engine, "s1", deposits(2), NO_STREAM)
    cut = read(engine, "s1")[-1].recorded_at
    time.sleep(0.002)
    append(engine, "s1", deposits(1), 2)
    assert [e.version for e in read(engine, "s1", until=cut)] == [1, 2]
    assert read(engine, "s1", until=datetime(2000, 1, 1, tzinfo=UTC)) == []


def test_read_all_streams_every_event_in_position_order_across_batches(engine: Engine) -> None:
    for i in range(7):
        append(engine, f"s{i}", deposits(i % 3 + 1), NO_STREAM)
    with engine.connect() as conn:
        store = EventStore(conn)
        everything = list(store.read_all(batch_size=3))
        after = list(store.read_all(after_position=everything[4].position, batch_size=2))
    positions = [e.position for e in everything]
    assert positions == sorted(positions)
    assert len(everything) == sum(i % 3 + 1 for i in range(7))
    assert after == everything[5:]


@pytest.mark.parametrize(
    "statement", ["UPDATE events SET version = version + 100", "DELETE FROM events"]
)
def test_database_refuses_to_change_or_delete_events(engine: Engine, statement: str) -> None:
    append(engine, "s1", deposits(2), NO_STREAM)
    with engine.connect() as conn, pytest.raises(DBAPIError, match="immutable"):
        conn.execute(text(statement))
    assert [e.version for e in read(engine, "s1")] == [1, 2]


@pytest.mark.parametrize("clash", ["position", "event_id", "stream_id, version"])
def test_an_insert_cannot_replace_an_event(engine: Engine, clash: str) -> None:
    """SQLite's `INSERT OR REPLACE` deletes without firing DELETE triggers; PostgreSQL's
    `ON CONFLICT DO UPDATE` is an UPDATE. Either way the first event must stay as it was."""
    append(engine, "s1", deposits(2), NO_STREAM)
    before = read(engine, "s1")
    sqlite = engine.dialect.name == "sqlite"
    copied = {
        "position": "position",
        "event_id": "event_id" if clash == "event_id" else _new_uuid(sqlite),
        "version": "version" if clash == "stream_id, version" else "version + 100",
        "data": '\'{"amount": "999.00"}\'' + ("" if sqlite else "::jsonb"),
    }
    if clash != "position":
        del copied["position"]
    names = [*copied, "stream_id", "stream_type", "event_type", "schema_version", "metadata"]
    names.append("recorded_at")
    values = [copied.get(name, name) for name in names]
    select = f"SELECT {', '.join(values)} FROM events WHERE stream_id = 's1' AND version = 1"
    statement = (
        f"INSERT OR REPLACE INTO events ({', '.join(names)}) {select}"
        if sqlite
        else f"INSERT INTO events ({', '.join(names)}) {select} "
        f"ON CONFLICT ({clash}) DO UPDATE SET data = EXCLUDED.data"
    )
    with engine.begin() as conn, pytest.raises(DBAPIError, match="immutable"):
        conn.execute(text(statement))
    assert read(engine, "s1") == before


def _new_uuid(sqlite: bool) -> str:
    return "lower(hex(randomblob(16)))" if sqlite else "gen_random_uuid()"


@pytest.mark.postgres_only
def test_postgres_refuses_truncate_of_events(engine: Engine) -> None:
    append(engine, "s1", deposits(1), NO_STREAM)
    with engine.connect() as conn, pytest.raises(DBAPIError, match="immutable"):
        conn.execute(text("TRUNCATE events"))
    assert len(read(engine, "s1")) == 1


@pytest.mark.postgres_only
@pytest.mark.parametrize("maintenance", ["VACUUM events", "ANALYZE events"])
def test_an_open_append_does_not_hold_up_vacuum_or_analyze(
    engine: Engine, maintenance: str
) -> None:
    """Autovacuum must be able to finish on the append-only table while writers write."""
    with engine.connect().execution_options(**WRITE) as writer, writer.begin():
        EventStore(writer).append([PendingAppend("s1", "T", deposits(1), NO_STREAM)], META)
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as upkeep:
            upkeep.exec_driver_sql("SET lock_timeout = '2s'")
            upkeep.exec_driver_sql(maintenance)


@pytest.mark.postgres_only
def test_an_insert_written_by_hand_also_waits_for_the_append_lock(engine: Engine) -> None:
    """The lock is taken by a trigger on events, not only by the store's own statement."""
    append(engine, "s1", deposits(1), NO_STREAM)
    columns = "event_id, stream_id, stream_type, version, event_type, schema_version, data, "
    columns += "metadata, recorded_at"
    copy = (
        f"INSERT INTO events ({columns}) SELECT gen_random_uuid(), 's2', stream_type, version, "
        "event_type, schema_version, data, metadata, recorded_at FROM events"
    )
    with engine.connect().execution_options(**WRITE) as holder, holder.begin():
        EventStore(holder).lock_appends()
        with engine.connect() as other:
            other.exec_driver_sql("SET lock_timeout = '500ms'")
            with pytest.raises(DBAPIError, match="lock timeout"):
                other.exec_driver_sql(copy)


@pytest.mark.postgres_only
def test_transactions_commit_in_position_order_so_catch_up_readers_miss_nothing(
    engine: Engine,
) -> None:
    """T1 draws a position and stays open; T2 must not draw a later one and commit first.

    Without the append lock T2 would commit position p+1 while p is still invisible, and a
    reader that saw p+1 would never go back for p.
    """
    first = engine.connect().execution_options(**WRITE)
    first.begin()
    t1 = EventStore(first).append([PendingAppend("s1", "T", deposits(1), NO_STREAM)], META)
    second_done = threading.Event()
    t2: list[RecordedEvent] = []

    def second_writer() -> None:
        with engine.connect().execution_options(**WRITE) as conn, conn.begin():
            t2.extend(
                EventStore(conn).append([PendingAppend("s2", "T", deposits(1), NO_STREAM)], META)
            )
        second_done.set()

    thread = threading.Thread(target=second_writer)
    thread.start()
    try:
        assert not second_done.wait(0.5), "T2 committed while T1 held an earlier position"
        with engine.connect() as reader:
            assert list(EventStore(reader).read_all()) == []
    finally:
        first.commit()
        first.close()
        thread.join(10)
    assert second_done.is_set()
    assert t2[0].position > t1[0].position
    with engine.connect() as reader:
        assert [e.stream_id for e in EventStore(reader).read_all()] == ["s1", "s2"]
