"""The append-only event store: optimistic concurrency per stream, one global order.

Ordering guarantee (ARCHITECTURE.md, "Global positions are safe for readers that catch up"):
on PostgreSQL every insert into events takes the append lock, a transaction advisory lock
(a statement trigger, migration 0004), after the append's compare-and-sets and before any
row draws its position, so transactions that insert events commit in position order;
readers are never blocked, nor is VACUUM. SQLite writers are already serialised by
`BEGIN IMMEDIATE`. Recording transaction ids and reading
below `pg_snapshot_xmin` does not give this guarantee when readers go by position: a
transaction with an older xid can hold a lower position after a younger one committed a
higher position. See docs/event-store.md.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

from sqlalchemy import Connection, Row, Select, func, select

from bank.errors import ConcurrencyError
from bank.events import DomainEvent, event_class
from bank.recorded import RecordedEvent, StoredEvent
from bank.store import statements as sql
from bank.store.driver import driver_statement
from bank.store.revision import require_current_schema
from bank.store.schema import events
from bank.upcasting import upcast


class StreamState(enum.Enum):
    """Expected-version modes besides an exact version, as EventStoreDB has them."""

    NO_STREAM = "no stream"
    STREAM_EXISTS = "stream exists"
    ANY = "any"


NO_STREAM = StreamState.NO_STREAM
STREAM_EXISTS = StreamState.STREAM_EXISTS
ANY = StreamState.ANY
ExpectedVersion = int | StreamState


@dataclass(frozen=True, slots=True)
class PendingAppend:
    """New events for one stream and the version the writer based them on."""

    stream_id: str
    stream_type: str
    events: Sequence[DomainEvent]
    expected: ExpectedVersion


class EventStore:
    """Reads and appends events on a connection whose transaction the caller owns."""

    def __init__(self, connection: Connection) -> None:
        self._conn = connection
        self._dialect = connection.dialect.name
        self._postgres = self._dialect == "postgresql"

    # -- writing ------------------------------------------------------------------------

    def append(
        self, appends: Sequence[PendingAppend], metadata: Mapping[str, Any]
    ) -> list[RecordedEvent]:
        """Append to one or more streams atomically, in one INSERT round trip.

        Streams are compare-and-set in stream-id order (so opposite transfers cannot
        deadlock) before any position is drawn (so a losing writer leaves no hole). The
        INSERT takes the append lock itself (see `lock_appends`).
        """
        ordered = sorted((a for a in appends if a.events), key=lambda a: a.stream_id)
        if not ordered:
            return []
        require_current_schema(self._conn)
        first_versions = [self._advance(a) for a in ordered]
        recorded_at = datetime.now(UTC)
        shared = dict(metadata)
        drafts = [
            (uuid4(), a.stream_id, a.stream_type, first + offset, event)
            for a, first in zip(ordered, first_versions, strict=True)
            for offset, event in enumerate(a.events)
        ]
        rows = [
            {
                "event_id": event_id,
                "stream_id": stream_id,
                "stream_type": stream_type,
                "version": version,
                "event_type": event.event_type(),
                "schema_version": event.schema_version,
                "data": event.to_data(),
                "metadata": shared,
                "recorded_at": recorded_at,
            }
            for event_id, stream_id, stream_type, version, event in drafts
        ]
        positions = self._insert(rows)
        recorded = [
            RecordedEvent(
                positions[draft[1], draft[3]], *draft, metadata=shared, recorded_at=recorded_at
            )
            for draft in drafts
        ]
        return sorted(recorded, key=lambda event: event.position)  # the order readers see

    def lock_appends(self) -> None:
        """Hold off every append until this transaction ends, for readers that must see
        a still store (the rebuild's catch-up).

        PostgreSQL: the advisory lock every insert into events takes by trigger, so
        appends wait here and nothing else does, VACUUM included; on SQLite a write
        transaction's `BEGIN IMMEDIATE` already holds the database.
        """
        if self._postgres:
            driver_statement(sql.LOCK_APPENDS, self._conn.dialect).run(self._conn, {})

    def _insert(self, rows: Sequence[Mapping[str, Any]]) -> dict[tuple[str, int], int]:
        """Insert event rows, `sql.ROWS_PER_INSERT` a statement; positions by (stream, version)."""
        positions = {}
        for start in range(0, len(rows), sql.ROWS_PER_INSERT):
            chunk = rows[start : start + sql.ROWS_PER_INSERT]
            values = {
                f"{name}_{i}": value for i, row in enumerate(chunk) for name, value in row.items()
            }
            insert = driver_statement(sql.insert_events(len(chunk)), self._conn.dialect)
            positions.update({(sid, v): p for p, sid, v in insert.run(self._conn, values)})
        return positions

    def _advance(self, append: PendingAppend) -> int:
        """Move the stream's version forward by the number of events; return the first one."""
        count = len(append.events)
        expected = 0 if append.expected == NO_STREAM else append.expected
        params: dict[str, Any] = {"sid": append.stream_id, "n": count}
        if expected == 0:
            stmt = sql.CREATE_STREAM[self._dialect]
            params["stype"] = append.stream_type
        elif expected == ANY:
            stmt = sql.CREATE_OR_EXTEND_STREAM[self._dialect]
            params["stype"] = append.stream_type
        elif expected == STREAM_EXISTS:
            stmt = sql.EXTEND_STREAM
        else:
            stmt = sql.EXTEND_STREAM_AT
            params["expected"] = expected
        new_version = driver_statement(stmt, self._conn.dialect).scalar(self._conn, params)
        if new_version is None:
            raise ConcurrencyError(
                append.stream_id, _describe(append.expected), self.stream_version(append.stream_id)
            )
        return int(new_version) - count + 1

    # -- reading ------------------------------------------------------------------------

    def stream_version(self, stream_id: str) -> int | None:
        """The stream's current version, or None when it has no events."""
        return self._version(sql.STREAM_VERSION, stream_id)

    def lock_stream(self, stream_id: str) -> int | None:
        """The stream's version, its row locked until commit (PostgreSQL `FOR UPDATE`).

        SQLite needs no row lock: a write transaction there holds the database's write lock.
        """
        return self._version(sql.LOCK_STREAM, stream_id)

    def _version(self, query: Select[Any], stream_id: str) -> int | None:
        version = driver_statement(query, self._conn.dialect).scalar(self._conn, {"sid": stream_id})
        return None if version is None else int(version)

    def read_stream(
        self,
        stream_id: str,
        after_version: int = 0,
        to_version: int | None = None,
        until: datetime | None = None,
    ) -> list[RecordedEvent]:
        """Events of one stream after `after_version`, up to a version and/or a time.

        Up to `until` is the stream's prefix that ends before its first event recorded
        after `until`, not every event recorded by then: each writer stamps `recorded_at`
        with its own clock, so a later version can carry an earlier time, and skipping
        the version between would replay a state the stream never had.
        """
        stmt = sql.SELECT_EVENTS.where(
            events.c.stream_id == stream_id, events.c.version > after_version
        ).order_by(events.c.version)
        if to_version is not None:
            stmt = stmt.where(events.c.version <= to_version)
        if until is not None:
            late = events.alias("late")
            first_late = (
                select(func.min(late.c.version))
                .where(late.c.stream_id == stream_id, late.c.recorded_at > until)
                .scalar_subquery()
            )  # NULL when none is late: then the row's own version + 1 bounds nothing
            stmt = stmt.where(events.c.version < func.coalesce(first_late, events.c.version + 1))
        return [_to_recorded(row) for row in self._conn.execute(stmt)]

    def replay_stream(self, stream_id: str, after_version: int = 0) -> list[DomainEvent]:
        """Only the domain events of a stream, for loading an aggregate: no metadata decoding.

        Read on the driver (see `bank.store.driver`): Core's per-row work was a third of
        a replay.
        """
        plan = driver_statement(sql.REPLAY_STREAM, self._conn.dialect)
        rows = plan.run(self._conn, {"sid": stream_id, "after": after_version})
        to_data = plan.converter("data")
        return [_to_domain(kind, schema, to_data(data)) for kind, schema, data in rows]

    def read_all(self, after_position: int = 0, batch_size: int = 1000) -> Iterator[RecordedEvent]:
        """Every event after a global position, in order, fetched in keyset batches.

        Memory stays bounded by `batch_size` however large the store is.
        """
        while True:
            batch = self._conn.execute(
                sql.SELECT_EVENTS.where(events.c.position > after_position)
                .order_by(events.c.position)
                .limit(batch_size)
            ).all()
            for row in batch:
                yield _to_recorded(row)
            if len(batch) < batch_size:
                return
            after_position = batch[-1].position

    def read_data(self, after_position: int, size: int) -> list[StoredEvent]:
        """Up to `size` events after a position, oldest first, as upcast data (bulk readers).

        Read on the DB-API cursor, data decoded by its column type's own converter and
        nothing else: SQLAlchemy's per-row result handling was two thirds of a rebuild's
        reading time, its `Row` objects another microsecond an event. `recorded_at` stays
        as the driver returns it (see `StoredEvent`).
        """
        plan = driver_statement(sql.READ_DATA, self._conn.dialect)
        to_data = plan.converter("data")
        return [
            StoredEvent(
                position,
                stream_id,
                version,
                event_type,
                upcast(event_type, schema_version, to_data(data)),
                recorded_at,
            )
            for position, stream_id, version, event_type, schema_version, data, recorded_at in (
                plan.run(self._conn, {"after": after_position, "size": size})
            )
        ]

    def head_position(self) -> int:
        """The highest committed position visible to this transaction (0 for an empty store)."""
        return int(
            self._conn.execute(select(func.coalesce(func.max(events.c.position), 0))).scalar_one()
        )


def _describe(expected: ExpectedVersion) -> object:
    return expected.value if isinstance(expected, StreamState) else expected


def _to_domain(event_type: str, schema_version: int, data: dict[str, Any]) -> DomainEvent:
    return event_class(event_type).from_data(upcast(event_type, schema_version, data))


def _to_recorded(row: Row[*tuple[Any, ...]]) -> RecordedEvent:
    return RecordedEvent(
        position=row.position,
        event_id=row.event_id,
        stream_id=row.stream_id,
        stream_type=row.stream_type,
        version=row.version,
        event=_to_domain(row.event_type, row.schema_version, row.data),
        metadata=row.metadata,
        recorded_at=row.recorded_at,
    )
