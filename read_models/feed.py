"""The replay's reader: events in position order, with only the columns projections use.

`EventStore.read_all` also decodes every event's id and metadata, which no projection
reads; on a million events that was half of the rebuild's time (see bench/seed.py and
the figures in read_models/replay.py). Like `EventStore.replay_stream` for aggregates,
this reads less and upcasts exactly as the store does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, bindparam, select

from bank.events import DomainEvent, event_class
from bank.store.schema import events
from bank.upcasting import upcast

_BATCH = (
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


@dataclass(frozen=True, slots=True)
class StoredEvent:
    """A domain event with where it sits in the log: the `folds.Envelope` a replay hands on."""

    position: int
    stream_id: str
    version: int
    event: DomainEvent
    recorded_at: datetime


def read_batch(conn: Connection, after_position: int, size: int) -> list[StoredEvent]:
    """Up to `size` events after `after_position`, oldest first, upcast to today's schema."""
    rows = conn.execute(_BATCH, {"after": after_position, "size": size}).all()
    return [
        StoredEvent(
            row.position,
            row.stream_id,
            row.version,
            event_class(row.event_type).from_data(
                upcast(row.event_type, row.schema_version, row.data)
            ),
            row.recorded_at,
        )
        for row in rows
    ]
