"""How the API reads: what a GET costs the database, beyond what it answers."""

from __future__ import annotations

import gc
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from psycopg.pq import TransactionStatus
from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.pool import NullPool

from bootstrap import Ledger, Settings
from queries.accounts import account_summary
from web import create_app
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


def backend(connection: Connection) -> int:
    """The server process serving `connection`."""
    return int(connection.execute(text("SELECT pg_backend_pid()")).scalar_one())


def end_sessions(engine: Engine, pids: list[int]) -> None:
    """Have the server end these sessions, as a restart would."""
    admin = create_engine(engine.url, poolclass=NullPool)
    with admin.connect() as connection:
        for pid in pids:
            connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    admin.dispose()


@pytest.mark.postgres_only
def test_a_read_on_a_dropped_connection_fails_once_then_reads_reconnect(
    app: Flask, client: FlaskClient, open_account: Callable[..., dict[str, Any]], engine: Engine
) -> None:
    """A server restart costs one 500 in the API's error shape, not a pool of dead connections."""
    open_account("a-1")
    assert client.get("/api/accounts/a-1").status_code == 200
    pooled = [engine.connect() for _ in range(2)]
    pids = [backend(connection) for connection in pooled]
    for connection in pooled:
        connection.close()  # back to the pool, to die there: the read's retry meets one
    with app.test_request_context():  # the app's kept read connection, too
        end_sessions(engine, [*pids, backend(read_connection())])
    failed = client.get("/api/accounts/a-1")
    assert failed.status_code == 500
    assert failed.get_json()["error"]["code"] == "internal_error"
    assert client.get("/api/accounts/a-1").get_json()["balance"] == "100.00"


@pytest.mark.postgres_only
def test_a_dropped_read_connection_alone_is_replaced_within_the_request(
    app: Flask, client: FlaskClient, open_account: Callable[..., dict[str, Any]], engine: Engine
) -> None:
    """The read's retry runs on a new connection from the pool, so nobody sees an error."""
    open_account("a-1")
    assert client.get("/api/accounts/a-1").status_code == 200
    with app.test_request_context():
        end_sessions(engine, [backend(read_connection())])
    assert client.get("/api/accounts/a-1").get_json()["balance"] == "100.00"


def test_a_read_connection_that_cannot_be_reset_is_replaced(
    app: Flask, client: FlaskClient, open_account: Callable[..., dict[str, Any]]
) -> None:
    """A connection that died during a request is closed at its end, never lent again."""
    open_account("a-1")
    with app.test_request_context():
        dead = read_connection()
        dead.connection.dbapi_connection.close()  # type: ignore[union-attr]
    with app.test_request_context():
        assert read_connection() is not dead
    assert dead.closed
    assert client.get("/api/accounts/a-1").status_code == 200


def test_a_read_connection_comes_back_without_its_transaction(
    app: Flask, client: FlaskClient, open_account: Callable[..., dict[str, Any]]
) -> None:
    """A request's snapshot ends with it: the next request reads what was committed since."""
    open_account("a-1")
    with app.test_request_context():
        connection = read_connection()
        connection.execute(text("SELECT 1 FROM account_summaries"))
        assert connection.in_transaction()
    assert client.post("/api/accounts/a-1/deposits", json={"amount": "5"}).status_code == 200
    with app.test_request_context():
        assert read_connection() is connection
        assert not connection.in_transaction()
        assert account_summary(connection, "a-1").balance == Decimal("105.00")


def test_kept_read_connections_close_when_their_app_goes_away(
    settings: Settings, ledger: Ledger, engine: Engine
) -> None:
    """Closed for good, not left open in a pool that the engine's owner may have disposed of."""
    app = create_app(settings, ledger=ledger)
    with app.test_request_context():
        kept = read_connection()
        driver = kept.connection.dbapi_connection
    assert engine.pool.checkedout() == 1  # type: ignore[attr-defined]
    del app
    gc.collect()
    assert kept.closed
    assert engine.pool.checkedout() == 0  # type: ignore[attr-defined]
    with pytest.raises(engine.dialect.loaded_dbapi.Error):
        driver.cursor().execute("SELECT 1")  # type: ignore[union-attr]
