"""The event store's statements, built once at import.

Constructing a Core statement costs several times more than executing it (see bench/
and docs/event-store.md), so the hot paths run these prebuilt ones, and run them on the
driver (`bank.store.driver`).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import Insert, bindparam, insert, select, text, update

from bank.store.dialect import DIALECTS, insert_for
from bank.store.schema import events, streams

SELECT_EVENTS = select(
    events.c.position,
    events.c.event_id,
    events.c.stream_id,
    events.c.stream_type,
    events.c.version,
    events.c.event_type,
    events.c.schema_version,
    events.c.data,
    events.c.metadata,
    events.c.recorded_at,
)


LOCK_APPENDS = text("SELECT pg_advisory_xact_lock('events'::regclass::oid::bigint)")
"""PostgreSQL: the append lock, the same one every insert into events takes by trigger
(migration 0004), so appends commit in position order (see `bank.store.event_store`)."""

EVENT_COLUMNS = tuple(column.name for column in events.c if column.name != "position")
"""What an append supplies of an event; the position is the store's to draw."""

ROWS_PER_INSERT = 100
"""Events in one INSERT at most: 900 bound values, under every driver's limit (SQLite's
was 999 before 3.32, PostgreSQL's is 65,535), and at most 100 statements to keep built."""


@cache
def insert_events(count: int) -> Insert:
    """`count` events (at most `ROWS_PER_INSERT`) in one INSERT, each row's binds suffixed
    by its index (`version_0`).

    It returns each position with its stream and version, to match rows by: the order of
    RETURNING rows is not promised.
    """
    rows = [
        {name: bindparam(f"{name}_{index}", type_=events.c[name].type) for name in EVENT_COLUMNS}
        for index in range(count)
    ]
    return (
        insert(events)
        .values(rows)
        .returning(events.c.position, events.c.stream_id, events.c.version)
    )


STREAM_VERSION = select(streams.c.version).where(streams.c.stream_id == bindparam("sid"))
LOCK_STREAM = STREAM_VERSION.with_for_update()
REPLAY_STREAM = (
    select(events.c.event_type, events.c.schema_version, events.c.data)
    .where(
        events.c.stream_id == bindparam("sid"),
        events.c.version > bindparam("after"),
    )
    .order_by(events.c.version)
)
READ_DATA = (
    select(
        events.c.position,
        events.c.stream_id,
        events.c.version,
        events.c.event_type,
        events.c.schema_version,
        events.c.data,
        events.c.recorded_at,
    )
    .where(events.c.position > bindparam("after"))
    .order_by(events.c.position)
    .limit(bindparam("size"))
)


EXTEND_STREAM = (
    update(streams)
    .where(streams.c.stream_id == bindparam("sid"))
    .values(version=streams.c.version + bindparam("n"))
    .returning(streams.c.version)
)
EXTEND_STREAM_AT = EXTEND_STREAM.where(streams.c.version == bindparam("expected"))
_NEW_STREAM: dict[str, Any] = {
    "stream_id": bindparam("sid"),
    "stream_type": bindparam("stype"),
    "version": bindparam("n"),
}
CREATE_STREAM = {
    dialect: insert_for(dialect)(streams)
    .values(_NEW_STREAM)
    .on_conflict_do_nothing(index_elements=["stream_id"])
    .returning(streams.c.version)
    for dialect in DIALECTS
}
CREATE_OR_EXTEND_STREAM = {
    dialect: insert_for(dialect)(streams)
    .values(_NEW_STREAM)
    .on_conflict_do_update(
        index_elements=["stream_id"], set_={"version": streams.c.version + bindparam("n")}
    )
    .returning(streams.c.version)
    for dialect in DIALECTS
}
