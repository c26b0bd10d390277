"""Whether the database answers, for `GET /api/health` and load balancers."""

from __future__ import annotations

from sqlalchemy import Connection, text


def database_dialect(conn: Connection) -> str:
    """Run a trivial query (raising if the database is down); return the dialect's name."""
    conn.execute(text("SELECT 1"))
    return conn.dialect.name
