"""SQLite: refuse an insert that would replace an event (`INSERT OR REPLACE`, `REPLACE INTO`).

SQLite carries out REPLACE by deleting the conflicting row without firing DELETE triggers
(unless `recursive_triggers` is on, which only the connection that sets it would have),
so 0001's triggers let it rewrite an event. This trigger refuses any insert that meets an
existing position, event id, or stream version, before the conflict is resolved.
PostgreSQL has no REPLACE, and its `ON CONFLICT DO UPDATE` fires the UPDATE trigger.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_REFUSE_REPLACE = """
CREATE TRIGGER events_refuse_replace BEFORE INSERT ON events
WHEN EXISTS (SELECT 1 FROM events WHERE position = NEW.position)
  OR EXISTS (SELECT 1 FROM events WHERE event_id = NEW.event_id)
  OR EXISTS (SELECT 1 FROM events WHERE stream_id = NEW.stream_id AND version = NEW.version)
BEGIN SELECT RAISE(ABORT, 'events are immutable: an insert may not replace an event'); END
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(_REFUSE_REPLACE)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER events_refuse_replace")
