"""The connections requests read through, kept open between requests instead of pooled each time.

Checking a connection out of SQLAlchemy's pool and back in cost ~20 µs a request on SQLite
and ~55 µs on PostgreSQL (the pool's bookkeeping, its reset, and on PostgreSQL switching
autocommit on at checkout and off again at checkin), against ~30 µs for SQLite's query
itself. Idle read connections wait here instead, already set up, and a request takes one
in well under a microsecond.
"""

from __future__ import annotations

import logging
import weakref

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

log = logging.getLogger(__name__)


class ReadConnections:
    """Idle read connections on the ledger's engine, last in first out; opened on demand.

    Not tied to threads, so a server that starts a thread per request keeps reusing them;
    there are never more than the requests that read at the same time. They are closed
    when the app goes away (not when the engine is disposed of: listening for that turns
    on SQLAlchemy's event checks for every statement of the engine, ~9 µs each).

    A connection comes back as the pool would take it back: any transaction the request
    left is rolled back, so the next request reads what is committed by then, never an
    older snapshot. One that was invalidated (SQLAlchemy does that on a disconnect) or that
    fails that rollback is closed instead, and the next request opens a fresh one.
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = _without_transactions(engine)
        self._idle: list[Connection] = []
        weakref.finalize(self, _close_for_good, self._idle)

    def borrow(self) -> Connection:
        """An idle connection, or a new one when none is idle."""
        try:
            return self._idle.pop()  # atomic: no lock needed between threads
        except IndexError:
            return self._engine.connect()

    def give_back(self, connection: Connection) -> None:
        """End what `connection` was doing and keep it for the next request, if it is sound."""
        if connection.invalidated:
            connection.close()
            return
        try:
            if connection.in_transaction():
                connection.rollback()
            else:  # statements run on the driver itself, outside SQLAlchemy's transactions
                connection.connection.rollback()
        except (SQLAlchemyError, connection.dialect.loaded_dbapi.Error):
            log.warning("closing a read connection that could not be reset", exc_info=True)
            connection.invalidate()
            connection.close()
            return
        self._idle.append(connection)


def _close_for_good(connections: list[Connection]) -> None:
    """Close `connections` themselves, not back into a pool that may be disposed of by now."""
    while connections:
        connection = connections.pop()
        connection.detach()
        connection.close()


def _without_transactions(engine: Engine) -> Engine:
    """On PostgreSQL, `engine` in autocommit; SQLite's as it is.

    A query is one statement, or a few that READ COMMITTED would not hold together anyway,
    so `BEGIN` and `ROLLBACK` were two round trips per GET for nothing. SQLite keeps its
    transactions: SQLAlchemy's AUTOCOMMIT there would, when the connection goes back to
    the pool, undo the transaction control the ledger's engine set up for writers.
    """
    if engine.dialect.name == "postgresql":
        return engine.execution_options(isolation_level="AUTOCOMMIT")
    return engine
