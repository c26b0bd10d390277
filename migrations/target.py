"""Every table the migrations must produce, for `alembic check` and the schema test."""

from __future__ import annotations

from sqlalchemy import MetaData

from bank.store.schema import metadata as event_store_metadata
from read_models.tables import metadata as read_model_metadata

target_metadata: list[MetaData] = [event_store_metadata, read_model_metadata]
