"""Fixtures for end-to-end tests: the app on the test database, its client, and helpers."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine

from bank.store.event_store import EventStore
from bootstrap import Ledger, Settings
from web import create_app


@pytest.fixture
def app(settings: Settings, ledger: Ledger) -> Flask:
    """The whole application (API and UI) on the test database."""
    return create_app(settings, ledger=ledger)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A client that keeps cookies, as a browser would."""
    return app.test_client()


@pytest.fixture
def event_count(engine: Engine) -> Callable[[], int]:
    """How many events the store holds: proof that a refused request changed nothing."""

    def count() -> int:
        with engine.connect() as connection:
            return sum(1 for _ in EventStore(connection).read_all())

    return count


@pytest.fixture
def open_account(client: FlaskClient) -> Callable[..., dict[str, Any]]:
    """Open an account through the API and return its JSON."""

    def open_(account_id: str, deposit: str = "100.00", **fields: Any) -> dict[str, Any]:
        body = {"owner_id": "owner-1", "initial_deposit": deposit, "account_id": account_id}
        response = client.post("/api/accounts", json={**body, **fields})
        assert response.status_code == 201, response.get_json()
        account: dict[str, Any] = response.get_json()
        return account

    return open_


def money(text: str) -> Decimal:
    """Parse an amount from a response exactly."""
    return Decimal(text)
