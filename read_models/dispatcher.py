"""The synchronous dispatcher: hands new events to projectors inside the command's transaction.

A projector that raises rolls the whole command back: events and read models commit
together or not at all, so the read side never silently drifts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection

from bank.events import DomainEvent
from bank.recorded import RecordedEvent
from read_models.projection import PROJECTIONS, Projection

EventHandler = Callable[[Connection, RecordedEvent], None]


class ProjectionError(RuntimeError):
    """A projector failed on an event; the command that produced it is rolled back."""


@dataclass(frozen=True)
class Projector:
    """A named set of event handlers that keep some read-model tables."""

    name: str
    handlers: dict[type[DomainEvent], EventHandler] = field(default_factory=dict)


class Dispatcher:
    """Calls every projector's handler for each event, in position order."""

    def __init__(self, projectors: Sequence[Projector]) -> None:
        self.projectors = tuple(projectors)

    def dispatch(self, connection: Connection, events: Sequence[RecordedEvent]) -> None:
        """Project `events`; any failure propagates as ProjectionError."""
        for event in events:
            for projector in self.projectors:
                handler = projector.handlers.get(type(event.event))
                if handler is None:
                    continue
                try:
                    handler(connection, event)
                except Exception as exc:
                    raise ProjectionError(
                        f"projector {projector.name!r} failed on {event.event_type} "
                        f"at position {event.position} ({event.stream_id} v{event.version})"
                    ) from exc


def live_projector(projection: Projection[Any]) -> Projector:
    """A projection as the dispatcher runs it: each event folded into the live tables."""
    writer = projection.live_writer(projection.live)

    def handle(connection: Connection, event: RecordedEvent) -> None:
        writer.project(connection, [event])
        writer.flush(connection)

    return Projector(projection.name, dict.fromkeys(projection.handles, handle))


def default_dispatcher() -> Dispatcher:
    """The dispatcher with every registered projection."""
    return Dispatcher([live_projector(p) for p in PROJECTIONS.values()])
