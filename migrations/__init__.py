"""Alembic migrations for every table: event store, snapshots, idempotency, read models."""
