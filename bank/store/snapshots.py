"""Snapshots: an aggregate's state at a version, so loading need not replay everything."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, bindparam, select

from bank.store.dialect import insert_on_conflict
from bank.store.schema import snapshots


@dataclass(frozen=True, slots=True)
class Snapshot:
    """State of one stream at `version`, in state format `format_version`."""

    stream_id: str
    version: int
    format_version: int
    state: dict[str, Any]


_LATEST = (
    select(snapshots.c.version, snapshots.c.state)
    .where(
        snapshots.c.stream_id == bindparam("sid"),
        snapshots.c.format_version == bindparam("format"),
    )
    .order_by(snapshots.c.version.desc())
    .limit(1)
)


class SnapshotStore:
    """Reads and writes snapshots on a connection whose transaction the caller owns."""

    def __init__(self, connection: Connection) -> None:
        self._conn = connection

    def latest(self, stream_id: str, format_version: int) -> Snapshot | None:
        """The newest snapshot in `format_version`; other formats are never misread."""
        row = self._conn.execute(_LATEST, {"sid": stream_id, "format": format_version}).first()
        if row is None:
            return None
        return Snapshot(stream_id, row.version, format_version, row.state)

    def save(self, snapshot: Snapshot) -> None:
        """Store a snapshot; a second writer of the same one is harmless."""
        self._conn.execute(
            insert_on_conflict(self._conn, snapshots)
            .values(
                stream_id=snapshot.stream_id,
                format_version=snapshot.format_version,
                version=snapshot.version,
                state=snapshot.state,
                taken_at=datetime.now(UTC),
            )
            .on_conflict_do_nothing()
        )
