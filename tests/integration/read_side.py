"""Helpers for the read-side tests: table dumps, old-format events, a CLI database URL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

from sqlalchemy import Engine, Table, func, insert, select, text, update

from bank.store.engine import WRITE
from bank.store.schema import events, streams
from read_models.tables import LIVE


def dump(engine: Engine, table: Table) -> list[dict[str, Any]]:
    """Every row of `table`, ordered by primary key."""
    with engine.connect() as conn:
        rows = conn.execute(select(table).order_by(*table.primary_key.columns)).mappings()
        return [dict(row) for row in rows]


def read_models(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    """Every live read-model row, by table name."""
    return {table.name: dump(engine, table) for table in LIVE.tables}


def event_count(engine: Engine) -> int:
    """How many events the store holds."""
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(events)).scalar_one())


def append_schema_1_deposit(engine: Engine, account_id: str, amount: str) -> None:
    """Store a deposit as the first release wrote it: schema 1, only `amount`, no balance.

    This writes rows behind the store's back on purpose: the store no longer writes
    schema 1, and the read side must still cope with the old rows it holds.
    """
    with engine.connect().execution_options(**WRITE) as conn, conn.begin():
        version = conn.execute(
            update(streams)
            .where(streams.c.stream_id == account_id)
            .values(version=streams.c.version + 1)
            .returning(streams.c.version)
        ).scalar_one()
        conn.execute(
            insert(events).values(
                event_id=uuid4(),
                stream_id=account_id,
                stream_type="BankAccount",
                version=version,
                event_type="MoneyDeposited",
                schema_version=1,
                data={"amount": amount},
                metadata={"actor": "release-1"},
                recorded_at=datetime.now(UTC),
            )
        )


def cli_database_url(engine: Engine) -> str:
    """A DATABASE_URL reaching the same database (and PostgreSQL schema) as `engine`."""
    url = engine.url
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            schema = conn.execute(text("SELECT current_schema()")).scalar_one()
        url = url.update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)
