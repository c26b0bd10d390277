"""The audit trail: an account's events as the domain reads them today, with their metadata."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from bank.errors import AccountNotFound
from bank.store.event_store import EventStore


@dataclass(frozen=True)
class AuditEvent:
    """One stored event, after upcasting: `schema_version` is the schema the data is in now."""

    event_id: str
    event_type: str
    version: int
    position: int
    schema_version: int
    data: dict[str, Any]
    metadata: dict[str, Any]
    recorded_at: datetime


def audit_trail(conn: Connection, account_id: str) -> list[AuditEvent]:
    """Every event of the account, oldest first; AccountNotFound when there is none."""
    history = EventStore(conn).read_stream(account_id)
    if not history:
        raise AccountNotFound(account_id)
    return [
        AuditEvent(
            event_id=str(e.event_id),
            event_type=e.event_type,
            version=e.version,
            position=e.position,
            schema_version=e.schema_version,
            data=e.data,
            metadata=e.metadata,
            recorded_at=e.recorded_at,
        )
        for e in history
    ]
