"""Commits that need not reach the disk: a replay's writes into its scratch tables.

A replay commits once a batch, and each commit waited for the disk (SQLite's
`synchronous=FULL` fsyncs the WAL; PostgreSQL flushes its WAL). Scratch tables are
disposable until the swap, so the bulk phase relaxes that on its own connection only:
SQLite `synchronous=NORMAL`, which in WAL mode never corrupts the database and only lets
a power cut drop the latest commits (fsyncs happen at checkpoints, which keep running, so
commands do not inherit a long WAL); PostgreSQL `synchronous_commit = off`, which is just
as safe. The setting is restored before the swap, whose commit is durable as always, and
its fsync covers every scratch page written before it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing, contextmanager
from typing import Any

from sqlalchemy import Connection, text


@contextmanager
def unsynced_commits(conn: Connection) -> Iterator[None]:
    """Within the block, `conn`'s commits need not be flushed to disk; outside, as before.

    Call it outside a transaction: SQLite refuses to change `synchronous` inside one.
    """
    if conn.dialect.name == "sqlite":
        before = _pragma(conn, "PRAGMA synchronous")
        _pragma(conn, "PRAGMA synchronous=NORMAL")
        try:
            yield
        finally:
            _pragma(conn, f"PRAGMA synchronous={int(before)}")
    elif conn.dialect.name == "postgresql":
        with conn.begin():
            before = conn.exec_driver_sql("SHOW synchronous_commit").scalar_one()
            conn.exec_driver_sql("SET synchronous_commit TO off")
        try:
            yield
        finally:
            with conn.begin():
                conn.execute(
                    text("SELECT set_config('synchronous_commit', :v, false)"), {"v": before}
                )
    else:
        yield


def _pragma(conn: Connection, statement: str) -> Any:
    """Run a PRAGMA on the DB-API connection, outside the transaction SQLAlchemy would begin."""
    with closing(conn.connection.cursor()) as cursor:
        cursor.execute(statement)
        row = cursor.fetchone()
        return row[0] if row else None
