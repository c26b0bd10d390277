"""Throwaway databases for tests: an SQLite file, or a PostgreSQL schema in a session database."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from bank.store.engine import create_engine as ledger_engine
from bank.store.engine import database_url

DIALECTS = ("sqlite", "postgresql")


def postgres_server_url() -> str | None:
    """TEST_DATABASE_URL, normalised to psycopg 3; None when PostgreSQL tests are off."""
    url = os.environ.get("TEST_DATABASE_URL")
    return database_url(url) if url else None


@contextmanager
def postgres_session_database(server_url: str) -> Iterator[str]:
    """Create a database for this test session on the server, drop it afterwards."""
    name = f"bank_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def fresh_engine(dialect: str, tmp_path: Path, session_pg_url: str | None) -> Iterator[Engine]:
    """An engine on an empty database: a new SQLite file, or a new PostgreSQL schema."""
    if dialect == "sqlite":
        engine = ledger_engine(f"sqlite:///{tmp_path / 'ledger.db'}")
        try:
            yield engine
        finally:
            engine.dispose()
        return
    assert session_pg_url is not None
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(session_pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = ledger_engine(
        session_pg_url, connect_args={"options": f"-csearch_path={schema}"}, pool_size=10
    )
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
