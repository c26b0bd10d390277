"""The schema revision the store's code needs, checked once per database before it appends.

Appends rely on what the migrations built, above all the PostgreSQL append lock, which an
insert's trigger takes (migration 0004): code started before `manage.py init-db` had
upgraded its database would append without it, and commits could then land out of
position order. So the first append on each engine reads Alembic's revision and refuses,
naming both revisions, when the database is behind.
"""

from __future__ import annotations

import weakref

from sqlalchemy import Connection
from sqlalchemy.pool import Pool

SCHEMA_REVISION = "0004"
"""The newest migration; a test holds it to Alembic's head."""

_CURRENT: weakref.WeakSet[Pool] = weakref.WeakSet()
"""Pools (one per engine, shared by its option variants) whose database was found current."""


class SchemaOutOfDate(RuntimeError):
    """The database's schema is older than this code needs: nothing was written."""

    def __init__(self, found: str | None) -> None:
        super().__init__(
            f"the database schema is at revision {found or 'none'}, this code needs "
            f"{SCHEMA_REVISION} or later: run `manage.py init-db`, then restart"
        )


def require_current_schema(conn: Connection) -> None:
    """Refuse to go on unless `conn`'s database is at SCHEMA_REVISION or later (once per pool).

    Revisions are zero-padded numbers, so a newer schema (code rolled back, database not)
    passes: migrations only ever add guarantees.
    """
    pool = conn.engine.pool
    if pool in _CURRENT:
        return
    found = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    if found is None or int(found) < int(SCHEMA_REVISION):
        raise SchemaOutOfDate(found)
    _CURRENT.add(pool)
