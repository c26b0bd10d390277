"""Idempotency records: the first result of a keyed command, written with its events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, bindparam, delete, select

from bank.errors import ConcurrencyError
from bank.store.dialect import insert_on_conflict, named_lock
from bank.store.schema import idempotency_records


@dataclass(frozen=True, slots=True)
class IdempotencyRecord:
    """What a key was first used for, and the response it got."""

    key: str
    fingerprint: str
    command: str
    response: Any


_GET = select(
    idempotency_records.c.fingerprint,
    idempotency_records.c.command,
    idempotency_records.c.response,
).where(idempotency_records.c.key == bindparam("k"))


_CLAIM = named_lock("pg_advisory_xact_lock")
"""PostgreSQL: the key is held until the transaction ends."""


class IdempotencyStore:
    """Looks up and records keys on a connection whose transaction the caller owns."""

    def __init__(self, connection: Connection) -> None:
        self._conn = connection

    def claim(self, key: str) -> IdempotencyRecord | None:
        """Hold `key` for this transaction; the record it got, if one committed.

        Call it before anything else in the transaction. On PostgreSQL a second request
        with the key waits here, holding nothing else, until the first commits (then it
        finds the record and replays it) or rolls back. Without the wait both would do the
        whole command and the second would fail only at `record`: retried, but its events
        had drawn positions, a hole the store promises losers never leave. SQLite's
        writers already hold the database one at a time.
        """
        if self._conn.dialect.name == "postgresql":
            self._conn.execute(_CLAIM, {"name": f".ledger-idempotency {key}"})
        row = self._conn.execute(_GET, {"k": key}).first()
        return None if row is None else IdempotencyRecord(key, *row)

    def record(self, record: IdempotencyRecord) -> None:
        """Store the record; a writer of the same key that did not `claim` it makes this retry."""
        inserted = self._conn.execute(
            insert_on_conflict(self._conn, idempotency_records)
            .values(
                key=record.key,
                fingerprint=record.fingerprint,
                command=record.command,
                response=record.response,
                recorded_at=datetime.now(UTC),
            )
            .on_conflict_do_nothing()
            .returning(idempotency_records.c.key)
        ).first()
        if inserted is None:
            raise ConcurrencyError(f"idempotency:{record.key}", "no record", None)

    def purge(self, older_than: timedelta) -> int:
        """Forget records older than `older_than` (API.md promises at least 24 hours)."""
        cutoff = datetime.now(UTC) - older_than
        result = self._conn.execute(
            delete(idempotency_records).where(idempotency_records.c.recorded_at < cutoff)
        )
        return result.rowcount
