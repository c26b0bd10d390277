"""The migrations build exactly the schema the code declares, on both databases."""

from __future__ import annotations

from decimal import Decimal

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, MetaData

from bank.store.revision import SCHEMA_REVISION, SchemaOutOfDate
from bootstrap import MIGRATIONS, Settings, build_ledger, init_db
from migrations.target import include_object, target_metadata
from tests.factories import OpenAccountFactory
from tests.integration.helpers import all_events


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


def test_the_revision_the_store_needs_is_the_newest_migration() -> None:
    assert ScriptDirectory(str(MIGRATIONS)).get_current_head() == SCHEMA_REVISION


def test_a_ledger_on_a_database_behind_the_code_refuses_to_append_until_it_is_upgraded(
    bare_engine: Engine, settings: Settings
) -> None:
    """Started before `init-db`, PostgreSQL appends would lack the trigger's append lock."""
    init_db(bare_engine, revision="0003")
    bus = build_ledger(settings, engine=bare_engine).bus
    with pytest.raises(SchemaOutOfDate, match="revision 0003, this code needs 0004"):
        bus.execute(OpenAccountFactory(initial_deposit=Decimal("1.00")))
    assert all_events(bare_engine) == []
    init_db(bare_engine)
    bus.execute(OpenAccountFactory(initial_deposit=Decimal("1.00")))
    assert len(all_events(bare_engine)) == 1
