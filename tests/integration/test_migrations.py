"""The migrations build exactly the schema the code declares, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, MetaData

from migrations.target import include_object, target_metadata


def test_the_migrated_schema_matches_the_declared_tables_indexes_and_types(engine: Engine) -> None:
    with engine.connect() as conn:
        options = {"include_object": include_object(conn.dialect), "compare_type": True}
        context = MigrationContext.configure(conn, opts=options)
        assert compare_metadata(context, declared()) == []


def declared() -> MetaData:
    """Every declared table in one MetaData, as `compare_metadata` takes it."""
    merged = MetaData()
    for metadata in target_metadata:
        for table in metadata.tables.values():
            table.to_metadata(merged)
    return merged
