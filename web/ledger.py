"""The ledger an app serves, and the one read connection a request borrows from it."""

from __future__ import annotations

from flask import current_app, g
from sqlalchemy import Connection, Engine

from bootstrap import Ledger

READ_ENGINE = "read_engine"
"""The key of `reading_engine(ledger.engine)` in `app.extensions`."""


def current_ledger() -> Ledger:
    """The ledger `create_app` was given or built."""
    ledger: Ledger = current_app.extensions["ledger"]
    return ledger


def reading_engine(engine: Engine) -> Engine:
    """The engine requests read through: on PostgreSQL, one without transactions.

    A query is one statement, or a few that READ COMMITTED would not hold together anyway,
    so `BEGIN` and `ROLLBACK` were two round trips per GET for nothing. SQLite keeps its
    transactions: SQLAlchemy's AUTOCOMMIT there would, when the connection goes back to
    the pool, undo the transaction control the ledger's engine set up for writers.
    """
    if engine.dialect.name == "postgresql":
        return engine.execution_options(isolation_level="AUTOCOMMIT")
    return engine


def read_connection() -> Connection:
    """A connection for this request's queries, opened on first use, closed at teardown."""
    if "read_connection" not in g:
        g.read_connection = current_app.extensions[READ_ENGINE].connect()
    connection: Connection = g.read_connection
    return connection


def close_read_connection(_exc: BaseException | None = None) -> None:
    """Teardown: give the read connection back to the pool, ending any transaction."""
    connection: Connection | None = g.pop("read_connection", None)
    if connection is not None:
        connection.close()
