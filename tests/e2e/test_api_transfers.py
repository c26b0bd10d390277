"""Transfers through the JSON API: atomic, checked in API.md's order."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.e2e.support import error_code


@pytest.fixture
def two_accounts(open_account: Callable[..., Any]) -> None:
    """a-1 with 100.00 and a-2 with 5.00, both in EUR."""
    open_account("a-1", "100.00")
    open_account("a-2", "5.00")


def transfer(client: FlaskClient, amount: Any, source: str = "a-1", to: str = "a-2") -> Any:
    """POST a transfer."""
    body = {"from_account_id": source, "to_account_id": to, "amount": amount}
    return client.post("/api/transfers", json=body)


@pytest.mark.usefixtures("two_accounts")
def test_a_transfer_answers_201_with_both_accounts_after_it(client: FlaskClient) -> None:
    response = transfer(client, "30.00")
    body = response.get_json()
    assert response.status_code == 201
    assert body["transfer_id"]
    assert body["from_account"]["balance"] == "70.00"
    assert body["to_account"]["balance"] == "35.00"


@pytest.mark.usefixtures("two_accounts")
def test_both_statements_show_the_transfer_with_its_counterparty(client: FlaskClient) -> None:
    transfer_id = transfer(client, 30).get_json()["transfer_id"]
    out = client.get("/api/accounts/a-1/transactions").get_json()["transactions"][0]
    into = client.get("/api/accounts/a-2/transactions").get_json()["transactions"][0]
    assert (out["type"], out["amount"], out["counterparty_account_id"]) == (
        "transfer_out",
        "30.00",
        "a-2",
    )
    assert (into["type"], into["amount"], into["counterparty_account_id"]) == (
        "transfer_in",
        "30.00",
        "a-1",
    )
    assert out["transfer_id"] == into["transfer_id"] == transfer_id


@pytest.mark.usefixtures("two_accounts")
def test_a_transfer_beyond_the_funds_changes_neither_account(
    client: FlaskClient, event_count: Callable[[], int]
) -> None:
    before = event_count()
    response = transfer(client, "100.01")
    assert error_code(response) == "insufficient_funds"
    assert event_count() == before
    assert client.get("/api/accounts/a-2").get_json()["balance"] == "5.00"


@pytest.mark.usefixtures("two_accounts")
def test_a_transfer_to_oneself_is_422_same_account(client: FlaskClient) -> None:
    response = transfer(client, 1, to="a-1")
    assert response.status_code == 422
    assert error_code(response) == "same_account"


@pytest.mark.usefixtures("two_accounts")
def test_a_transfer_to_an_unknown_account_is_404(client: FlaskClient) -> None:
    response = transfer(client, 1, to="ghost")
    assert response.status_code == 404
    assert error_code(response) == "account_not_found"


@pytest.mark.usefixtures("two_accounts")
def test_a_transfer_between_currencies_is_422_currency_mismatch(
    client: FlaskClient, open_account: Callable[..., Any]
) -> None:
    open_account("usd-1", currency="USD")
    response = transfer(client, 1, to="usd-1")
    assert response.status_code == 422
    assert error_code(response) == "currency_mismatch"


@pytest.mark.usefixtures("two_accounts")
def test_a_transfer_to_a_closed_account_is_refused(
    client: FlaskClient, open_account: Callable[..., Any]
) -> None:
    open_account("empty", "0")
    client.post("/api/accounts/empty/close")
    assert error_code(transfer(client, 1, to="empty")) == "account_closed"


@pytest.mark.usefixtures("two_accounts")
def test_a_transfer_may_use_the_overdraft(client: FlaskClient) -> None:
    client.put("/api/accounts/a-1/overdraft-limit", json={"limit": 20})
    response = transfer(client, "120.00")
    assert response.get_json()["from_account"]["balance"] == "-20.00"
