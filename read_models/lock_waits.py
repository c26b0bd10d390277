"""Bounded lock waits in a replay's locked step on PostgreSQL, and which table was busy.

The catch-up and the swap run under the append lock, so every command waits for them. The
swap's DROP TABLE needs ACCESS EXCLUSIVE on each live table: while another transaction holds
even ACCESS SHARE on one (a long report, pg_dump, a verify's comparison) it would wait
without limit, and every command and every new query of that table would queue behind it.
With `lock_timeout`, any one wait ends after LOCK_TIMEOUT_MS; the replay then lets go of all
its locks, so commands and queries pass, and tries again (`replay.py`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError

LOCK_TIMEOUT_MS = 1_000
"""How long the locked step waits for any one lock before it lets go of them all."""

LOCK_RETRY_DELAYS = (0.25, 0.5, 1.0, 2.0)
"""Seconds between the locked step's attempts: one more attempt than delays."""

_LOCK_NOT_AVAILABLE = "55P03"
"""PostgreSQL's SQLSTATE for a lock wait ended by `lock_timeout`."""


class TableBusy(RuntimeError):
    """Another transaction kept a lock on `table` through every attempt of the locked step."""

    def __init__(self, table: str) -> None:
        super().__init__(
            f"table {table} stayed locked by another transaction (a long query, pg_dump?) "
            "however often the replay tried again; nothing was changed: run it again once "
            "that transaction has ended"
        )
        self.table = table


def bound_lock_waits(conn: Connection) -> None:
    """Let no lock wait in `conn`'s transaction outlast LOCK_TIMEOUT_MS (PostgreSQL only)."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SET LOCAL lock_timeout = {LOCK_TIMEOUT_MS}")


@contextmanager
def waits_for(table: str) -> Iterator[None]:
    """Report a lock wait that timed out within the block as TableBusy(`table`).

    The error is SQLAlchemy's, or the driver's own from statements run on its cursor
    (`bank.store.driver`), such as the append lock.
    """
    try:
        yield
    except Exception as error:
        driver_error = error.orig if isinstance(error, DBAPIError) else error
        if getattr(driver_error, "sqlstate", None) == _LOCK_NOT_AVAILABLE:
            raise TableBusy(table) from error
        raise
