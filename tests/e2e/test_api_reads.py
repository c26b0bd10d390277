"""How the API reads: what a GET costs the database, beyond what it answers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from psycopg.pq import TransactionStatus

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
