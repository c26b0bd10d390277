"""Alembic environment: runs on the connection `bootstrap.init_db` hands over."""

from __future__ import annotations

from alembic import context

from migrations.target import include_object, target_metadata

config = context.config
connection = config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=target_metadata,
    include_object=include_object(connection.dialect),
)
with context.begin_transaction():
    context.run_migrations()
