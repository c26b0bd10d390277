"""`manage.py stats`: what an operator watches as the store grows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, select, text

from bank.store.event_store import EventStore
from bank.store.schema import events, idempotency_records, snapshots, streams
from read_models.projection import PROJECTIONS, Projection


@dataclass(frozen=True)
class ProjectorLag:
    """A projection's checkpoint, and how many events it is behind the head."""

    name: str
    checkpoint: int
    behind: int


@dataclass(frozen=True)
class StoreStats:
    """Counts and sizes of the event store, and every projection's lag."""

    events_by_type: dict[str, int]
    streams: int
    largest_streams: list[tuple[str, int]]
    head_position: int
    size_bytes: int
    size_scope: str
    projectors: list[ProjectorLag]

    def lines(self) -> list[str]:
        """A human-readable report, one line each."""
        total = sum(self.events_by_type.values())
        report = [f"events: {total:,} (head position {self.head_position:,})"]
        report += [f"  {kind}: {n:,}" for kind, n in sorted(self.events_by_type.items())]
        report.append(f"streams: {self.streams:,}")
        report += [f"  {stream}: {version:,} events" for stream, version in self.largest_streams]
        report.append(f"size on disk: {self.size_bytes / 2**20:,.1f} MiB ({self.size_scope})")
        report += [
            f"projection {p.name}: checkpoint {p.checkpoint:,}, {p.behind:,} events behind"
            for p in self.projectors
        ]
        return report


def store_stats(conn: Connection, top: int = 5) -> StoreStats:
    """Gather the figures; cheap enough to run against a live store."""
    by_type = conn.execute(
        select(events.c.event_type, func.count().label("n")).group_by(events.c.event_type)
    )
    largest = conn.execute(
        select(streams.c.stream_id, streams.c.version)
        .order_by(streams.c.version.desc(), streams.c.stream_id)
        .limit(top)
    )
    size, scope = _size_on_disk(conn)
    return StoreStats(
        events_by_type={row.event_type: row.n for row in by_type},
        streams=conn.execute(select(func.count()).select_from(streams)).scalar_one(),
        largest_streams=[(row.stream_id, row.version) for row in largest],
        head_position=EventStore(conn).head_position(),
        size_bytes=size,
        size_scope=scope,
        projectors=[_lag(conn, p) for p in PROJECTIONS.values()],
    )


def _lag(conn: Connection, projection: Projection[Any]) -> ProjectorLag:
    checkpoint = projection.checkpoint(conn, projection.live)
    behind = conn.execute(
        select(func.count()).select_from(events).where(events.c.position > checkpoint)
    ).scalar_one()
    return ProjectorLag(projection.name, checkpoint, behind)


def _size_on_disk(conn: Connection) -> tuple[int, str]:
    """Bytes used: the event store's tables and indexes on PostgreSQL, the whole file on SQLite."""
    if conn.dialect.name == "postgresql":
        tables = [events, streams, snapshots, idempotency_records]
        size = sum(
            conn.execute(
                text("SELECT pg_total_relation_size(CAST(:name AS regclass))"), {"name": t.name}
            ).scalar_one()
            for t in tables
        )
        return int(size), "event store tables and indexes"
    pages = conn.exec_driver_sql("PRAGMA page_count").scalar_one()
    page_size = conn.exec_driver_sql("PRAGMA page_size").scalar_one()
    return int(pages * page_size), "whole database file, without its WAL"
