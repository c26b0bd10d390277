"""The ledger an app serves, and the one read connection a request borrows from it."""

from __future__ import annotations

from flask import current_app, g
from sqlalchemy import Connection

from bootstrap import Ledger


def current_ledger() -> Ledger:
    """The ledger `create_app` was given or built."""
    ledger: Ledger = current_app.extensions["ledger"]
    return ledger


def read_connection() -> Connection:
    """A connection for this request's queries, opened on first use, closed at teardown."""
    if "read_connection" not in g:
        g.read_connection = current_ledger().engine.connect()
    connection: Connection = g.read_connection
    return connection


def close_read_connection(_exc: BaseException | None = None) -> None:
    """Teardown: give the read connection back to the pool, ending its transaction."""
    connection: Connection | None = g.pop("read_connection", None)
    if connection is not None:
        connection.close()
