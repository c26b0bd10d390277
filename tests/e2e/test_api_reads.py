"""How the API reads: what a GET costs the database, beyond what it answers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from psycopg.pq import TransactionStatus
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.pool import NullPool

from queries.accounts import account_summary
from web.ledger import read_connection


@pytest.mark.postgres_only
def test_reads_on_postgresql_open_no_transaction(
    app: Flask, open_account: Callable[..., dict[str, Any]]
) -> None:
    """No BEGIN and no ROLLBACK: two round trips a GET would pay for nothing."""
    open_account("a-1")
    with app.test_request_context("/api/accounts/a-1"):
        connection = read_connection()
        assert account_summary(connection, "a-1").account_id == "a-1"
        driver = connection.connection.driver_connection
        assert driver is not None
        assert driver.info.transaction_status == TransactionStatus.IDLE


def test_commands_still_run_in_a_transaction_after_reads(
    client: FlaskClient, open_account: Callable[..., dict[str, Any]]
) -> None:
    """A pooled connection that served reads goes back to the pool ready for a writer."""
    open_account("a-1")
    for _ in range(3):
        assert client.get("/api/accounts/a-1").status_code == 200
        assert client.post("/api/accounts/a-1/deposits", json={"amount": "1"}).status_code == 200
    assert client.get("/api/accounts/a-1").get_json()["balance"] == "103.00"


@pytest.mark.postgres_only
def test_a_read_on_a_dropped_connection_fails_once_then_reads_reconnect(
    client: FlaskClient, open_account: Callable[..., dict[str, Any]], engine: Engine
) -> None:
    """A server restart costs one 500 in the API's error shape, not a pool of dead connections."""
    open_account("a-1")
    assert client.get("/api/accounts/a-1").status_code == 200
    pooled = [engine.connect() for _ in range(engine.pool.checkedin())]  # type: ignore[attr-defined]
    pids = [c.execute(text("SELECT pg_backend_pid()")).scalar_one() for c in pooled]
    for connection in pooled:
        connection.close()
    admin = create_engine(engine.url, poolclass=NullPool)
    with admin.connect() as connection:
        for pid in pids:
            connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    admin.dispose()
    failed = client.get("/api/accounts/a-1")
    assert failed.status_code == 500
    assert failed.get_json()["error"]["code"] == "internal_error"
    assert client.get("/api/accounts/a-1").get_json()["balance"] == "100.00"
