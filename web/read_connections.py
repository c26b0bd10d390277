"""The connections requests read through, kept open between requests instead of pooled each time.

Checking a connection out of SQLAlchemy's pool and back in cost ~20 µs a request on SQLite
and ~55 µs on PostgreSQL (the pool's bookkeeping, its reset, and on PostgreSQL switching
autocommit on at checkout and off again at checkin), against ~60 µs for the whole query on
SQLite. Idle read connections wait here instead, already set up, and a request takes one
in well under a microsecond.
"""

from __future__ import annotations

import logging

from sqlalchemy import Connection, Engine, event
from sqlalchemy.exc import SQLAlchemyError

log = logging.getLogger(__name__)


class ReadConnections:
    """Idle read connections on the ledger's engine, last in first out; opened on demand.

    Not tied to threads, so a server that starts a thread per request keeps reusing them;
    there are never more than the requests that read at the same time. Disposing of the
    engine closes them, as it closes the pool's idle connections.

    A connection comes back as the pool would take it back: any transaction the request
    left is rolled back, so the next request reads what is committed by then, never an
    older snapshot. One that was invalidated (SQLAlchemy does that on a disconnect) or that
    fails that rollback is closed instead, and the next request opens a fresh one.
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = _without_transactions(engine)
        self._idle: list[Connection] = []
        event.listen(engine, "engine_disposed", self._close_idle)

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

    def _close_idle(self, _engine: Engine) -> None:
        """Close the idle connections, which the disposed pool would otherwise keep open."""
        while self._idle:
            connection = self._idle.pop()
            connection.detach()  # its pool is already disposed: really close it
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
