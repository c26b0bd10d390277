"""PostgreSQL: every insert into events takes the append lock, an advisory lock held to commit.

Appends used to take `LOCK TABLE events IN EXCLUSIVE MODE`. That mode also conflicts with
the SHARE UPDATE EXCLUSIVE lock of VACUUM and ANALYZE: appends queued behind any vacuum
of the table, and an append cancelled an ordinary autovacuum after `deadlock_timeout`,
so the append-only table was hardly ever vacuumed until an anti-wraparound vacuum, which
nothing cancels, stopped every append for its whole run. A transaction-level advisory
lock serialises appends the same way and meets no maintenance lock. Taken by a statement
trigger, it covers every insert into events, the store's or anyone else's, before any
row draws its position; the store no longer sends a statement of its own for it.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_TAKE_APPEND_LOCK = [
    """CREATE FUNCTION events_take_append_lock() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         PERFORM pg_advisory_xact_lock(TG_RELID::bigint);
         RETURN NULL;
       END $$""",
    """CREATE TRIGGER events_take_append_lock BEFORE INSERT ON events
       FOR EACH STATEMENT EXECUTE FUNCTION events_take_append_lock()""",
]


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in _TAKE_APPEND_LOCK:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER events_take_append_lock ON events")
        op.execute("DROP FUNCTION events_take_append_lock()")
