"""The ledger an app serves, and the one read connection a request borrows from it."""

from __future__ import annotations

from flask import current_app, g
from sqlalchemy import Connection

from bootstrap import Ledger

READ_CONNECTIONS = "read_connections"
"""The key of the app's `web.read_connections.ReadConnections` in `app.extensions`."""


def current_ledger() -> Ledger:
    """The ledger `create_app` was given or built."""
    ledger: Ledger = current_app.extensions["ledger"]
    return ledger


def read_connection() -> Connection:
    """A connection for this request's queries, borrowed on first use, given back at teardown."""
    connection: Connection | None = g.get("read_connection")
    if connection is None:
        connection = g.read_connection = current_app.extensions[READ_CONNECTIONS].borrow()
    return connection


def give_back_read_connection(_exc: BaseException | None = None) -> None:
    """Teardown: give the request's read connection back, its transaction ended."""
    connection: Connection | None = g.pop("read_connection", None)
    if connection is not None:
        current_app.extensions[READ_CONNECTIONS].give_back(connection)
