"""The few statements whose spelling differs between SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Table, TextClause, text
from sqlalchemy.dialects import postgresql, sqlite

DIALECTS = ("sqlite", "postgresql")


def insert_for(dialect: str) -> Any:
    """The dialect's INSERT construct, which knows `on_conflict_do_nothing` / `_do_update`."""
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


def insert_on_conflict(connection: Connection, table: Table) -> Any:
    """An INSERT with ON CONFLICT clauses for the connection's dialect."""
    return insert_for(connection.dialect.name)(table)


def named_lock(function: str) -> TextClause:
    """`SELECT function(key)` for a PostgreSQL advisory lock the ledger names by `:name`.

    The key hashes the name with the current schema, so ledgers in different schemas of
    one database never take each other's locks. Names start with `.ledger-`.
    """
    return text(f"SELECT {function}(hashtextextended(current_schema() || :name, 0))")
