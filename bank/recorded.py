"""Events as the store holds them: a domain event plus its position, version and metadata."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple
from uuid import UUID

from bank.events import DomainEvent


@dataclass(frozen=True, slots=True)
class RecordedEvent:
    """One event read back from (or just written to) the store, upcast to today's schema."""

    position: int
    event_id: UUID
    stream_id: str
    stream_type: str
    version: int
    event: DomainEvent
    metadata: dict[str, Any]
    recorded_at: datetime

    @property
    def event_type(self) -> str:
        """The stored type name, e.g. `MoneyDeposited`."""
        return self.event.event_type()

    @property
    def schema_version(self) -> int:
        """The schema the data is in now (upcasting has already run)."""
        return self.event.schema_version

    @property
    def data(self) -> dict[str, Any]:
        """The event's data as the domain reads it today."""
        return self.event.to_data()


class StoredEvent(NamedTuple):
    """An event's upcast data and its place in the log, not decoded into a domain object.

    What a bulk reader such as the read-model rebuild needs: on a million events,
    decoding ids, metadata and domain objects it never reads was over half its time.
    A named tuple, not a frozen dataclass: it is built twice as fast, once per event.
    """

    position: int
    stream_id: str
    version: int
    event_type: str
    data: dict[str, Any]
    recorded_at: Any
    """As the driver returns it, unconverted (SQLite: `UTCDateTime`'s text; PostgreSQL:
    a datetime): bulk readers copy it into columns of the same type, and converting a
    million of them to datetimes and back was a fifth of a rebuild (Python 3.11's
    `datetime.replace` alone takes over a microsecond)."""
