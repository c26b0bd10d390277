"""Every table the migrations must produce, for `alembic check` and the schema test."""

from __future__ import annotations

from typing import Any

from sqlalchemy import MetaData
from sqlalchemy.engine import Dialect

from bank.store.schema import metadata as event_store_metadata
from read_models.tables import metadata as read_model_metadata

target_metadata: list[MetaData] = [event_store_metadata, read_model_metadata]

POSTGRESQL_ONLY = frozenset({"ix_events_data_gin"})
"""Declared for PostgreSQL alone (`ddl_if`): the GIN index on the events' JSONB data."""


def include_object(dialect: Dialect) -> Any:
    """Alembic's `include_object` hook for `dialect`: skip what is not built there."""

    def include(obj: Any, name: str | None, type_: str, *_: Any) -> bool:
        return dialect.name == "postgresql" or name not in POSTGRESQL_ONLY

    return include
