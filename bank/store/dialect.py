"""The few statements whose spelling differs between SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.dialects import postgresql, sqlite

DIALECTS = ("sqlite", "postgresql")


def insert_for(dialect: str) -> Any:
    """The dialect's INSERT construct, which knows `on_conflict_do_nothing` / `_do_update`."""
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


def insert_on_conflict(connection: Connection, table: Table) -> Any:
    """An INSERT with ON CONFLICT clauses for the connection's dialect."""
    return insert_for(connection.dialect.name)(table)
