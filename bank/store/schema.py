"""The write side's tables. Alembic migrations create them (and the immutability triggers)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    UniqueConstraint,
    Uuid,
)

from bank.store.types import JSONDocument, UTCDateTime

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "pk": "pk_%(table_name)s",
    }
)

Position = BigInteger().with_variant(Integer(), "sqlite")
"""SQLite only autoincrements an INTEGER PRIMARY KEY."""

events = Table(
    "events",
    metadata,
    Column("position", Position, primary_key=True, autoincrement=True),
    Column("event_id", Uuid(), nullable=False, unique=True),
    Column("stream_id", String(128), nullable=False),
    Column("stream_type", String(64), nullable=False),
    Column("version", Integer, nullable=False),
    Column("event_type", String(64), nullable=False),
    Column("schema_version", SmallInteger, nullable=False),
    Column("data", JSONDocument, nullable=False),
    Column("metadata", JSONDocument, nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
    UniqueConstraint("stream_id", "version", name="uq_events_stream_version"),
    Index("ix_events_data_gin", "data", postgresql_using="gin").ddl_if(dialect="postgresql"),
    sqlite_autoincrement=True,
)

streams = Table(
    "streams",
    metadata,
    Column("stream_id", String(128), primary_key=True),
    Column("stream_type", String(64), nullable=False),
    Column("version", Integer, nullable=False),
)

snapshots = Table(
    "snapshots",
    metadata,
    Column("stream_id", String(128), primary_key=True),
    Column("format_version", SmallInteger, primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("state", JSONDocument, nullable=False),
    Column("taken_at", UTCDateTime, nullable=False),
)

idempotency_records = Table(
    "idempotency_records",
    metadata,
    Column("key", String(128), primary_key=True),
    Column("fingerprint", String(64), nullable=False),
    Column("command", String(64), nullable=False),
    Column("response", JSONDocument, nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False, index=True),
)
