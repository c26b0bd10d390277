"""Accounts through the JSON API: opening, reading, listing, money in and out, closing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient

from tests.e2e.support import error_code

ACCOUNT_FIELDS = {
    "account_id",
    "owner_id",
    "currency",
    "balance",
    "overdraft_limit",
    "available",
    "is_active",
    "transaction_count",
    "last_transaction_at",
    "opened_at",
    "version",
}


def test_the_seed_scenario_ends_with_a_balance_of_1300(client: FlaskClient) -> None:
    opened = client.post(
        "/api/accounts",
        json={"owner_id": "user-456", "initial_deposit": 1000, "account_id": "acc-123"},
    )
    client.post("/api/accounts/acc-123/deposits", json={"amount": 500})
    client.post("/api/accounts/acc-123/withdrawals", json={"amount": 200})
    account = client.get("/api/accounts/acc-123").get_json()
    assert opened.status_code == 201
    assert account["balance"] == "1300.00"
    assert account["transaction_count"] == 3


def test_opening_answers_201_with_the_account_and_its_location(client: FlaskClient) -> None:
    response = client.post(
        "/api/accounts", json={"owner_id": "user-1", "initial_deposit": "12.5", "account_id": "a-1"}
    )
    body = response.get_json()
    assert response.status_code == 201
    assert response.headers["Location"] == "/api/accounts/a-1"
    assert set(body) == ACCOUNT_FIELDS
    assert body["balance"] == "12.50"
    assert body["currency"] == "EUR"
    assert body["is_active"] is True
    assert response.headers["ETag"] == '"1"'


def test_opening_without_an_id_generates_one_that_can_be_read_back(client: FlaskClient) -> None:
    response = client.post("/api/accounts", json={"owner_id": "user-1", "initial_deposit": 0})
    account_id = response.get_json()["account_id"]
    again = client.get(response.headers["Location"])
    assert again.get_json()["account_id"] == account_id
    assert again.get_json()["balance"] == "0.00"


def test_opening_takes_a_chosen_currency(open_account: Callable[..., Any]) -> None:
    assert open_account("usd-1", currency="USD")["currency"] == "USD"


def test_opening_a_taken_id_is_refused_with_account_exists(
    client: FlaskClient, open_account: Callable[..., Any], event_count: Callable[[], int]
) -> None:
    open_account("a-1")
    before = event_count()
    response = client.post(
        "/api/accounts", json={"owner_id": "user-2", "initial_deposit": 5, "account_id": "a-1"}
    )
    assert response.status_code == 409
    assert error_code(response) == "account_exists"
    assert event_count() == before


def test_an_opening_deposit_of_zero_appears_as_a_statement_line(
    client: FlaskClient, open_account: Callable[..., Any]
) -> None:
    open_account("a-1", "0")
    lines = client.get("/api/accounts/a-1/transactions").get_json()["transactions"]
    assert [(line["type"], line["amount"]) for line in lines] == [("opening_deposit", "0.00")]


def test_a_negative_zero_is_recorded_and_shown_as_zero(
    client: FlaskClient, open_account: Callable[..., Any]
) -> None:
    open_account("a-1", "-0.00")
    client.put("/api/accounts/a-1/overdraft-limit", json={"limit": "-0"})
    events = client.get("/api/accounts/a-1/events").get_json()["events"]
    balance = client.get("/api/accounts/a-1/balance").get_json()
    assert [e["data"].get("initial_deposit", e["data"].get("limit")) for e in events] == [
        "0.00",
        "0.00",
    ]
    assert balance["balance"] == "0.00"


def test_reading_an_account_sends_its_version_as_a_strong_etag(
    client: FlaskClient, open_account: Callable[..., Any]
) -> None:
    open_account("a-1")
    client.post("/api/accounts/a-1/deposits", json={"amount": 1})
    response = client.get("/api/accounts/a-1")
    assert response.headers["ETag"] == '"2"'
    assert response.get_json()["version"] == 2


def test_reading_an_unknown_account_is_404_account_not_found(client: FlaskClient) -> None:
    response = client.get("/api/accounts/nobody")
    assert response.status_code == 404
    assert error_code(response) == "account_not_found"


def test_deposits_and_withdrawals_answer_with_the_account_after_them(
    client: FlaskClient, open_account: Callable[..., Any]
) -> None:
    open_account("a-1", "10.00")
    deposit = client.post("/api/accounts/a-1/deposits", json={"amount": "2.50", "description": "x"})
    withdrawal = client.post("/api/accounts/a-1/withdrawals", json={"amount": 1e2 / 100})
    assert deposit.status_code == 200
    assert deposit.get_json()["balance"] == "12.50"
    assert withdrawal.status_code == 200
    assert withdrawal.get_json()["balance"] == "11.50"


def test_a_withdrawal_beyond_the_balance_is_refused_with_insufficient_funds(
    client: FlaskClient, open_account: Callable[..., Any], event_count: Callable[[], int]
) -> None:
    open_account("a-1", "10.00")
    before = event_count()
    response = client.post("/api/accounts/a-1/withdrawals", json={"amount": "10.01"})
    assert response.status_code == 409
    assert error_code(response) == "insufficient_funds"
    assert event_count() == before


def test_an_overdraft_limit_lets_the_balance_go_negative_down_to_minus_the_limit(
    client: FlaskClient, open_account: Callable[..., Any]
) -> None:
    open_account("a-1", "10.00")
    limit = client.put("/api/accounts/a-1/overdraft-limit", json={"limit": "50"})
    down = client.post("/api/accounts/a-1/withdrawals", json={"amount": "60.00"})
    beyond = client.post("/api/accounts/a-1/withdrawals", json={"amount": "0.01"})
    assert limit.status_code == 200
    assert limit.get_json()["available"] == "60.00"
    assert down.get_json()["balance"] == "-50.00"
    assert down.get_json()["available"] == "0.00"
    assert error_code(beyond) == "insufficient_funds"


def test_lowering_the_limit_below_the_overdraft_only_refuses_later_withdrawals(
    client: FlaskClient, open_account: Callable[..., Any]
) -> None:
    open_account("a-1", "0")
    client.put("/api/accounts/a-1/overdraft-limit", json={"limit": 100})
    client.post("/api/accounts/a-1/withdrawals", json={"amount": 80})
    lowered = client.put("/api/accounts/a-1/overdraft-limit", json={"limit": 0})
    refused = client.post("/api/accounts/a-1/withdrawals", json={"amount": 1})
    assert lowered.status_code == 200
    assert lowered.get_json()["balance"] == "-80.00"
    assert error_code(refused) == "insufficient_funds"


def test_closing_an_empty_account_answers_it_inactive(
    client: FlaskClient, open_account: Callable[..., Any]
) -> None:
    open_account("a-1", "0")
    response = client.post("/api/accounts/a-1/close")
    assert response.status_code == 200
    assert response.get_json()["is_active"] is False


def test_closing_accepts_an_empty_body_or_an_empty_object_with_or_without_a_type(
    client: FlaskClient, open_account: Callable[..., Any]
) -> None:
    statuses = []
    bodies: list[dict[str, object]] = [
        {},
        {"data": ""},
        {"json": {}},
        {"data": "{}"},
        {"data": "{}", "content_type": "text/plain"},
    ]
    for n, kwargs in enumerate(bodies):
        open_account(f"a-{n}", "0")
        statuses.append(client.post(f"/api/accounts/a-{n}/close", **kwargs).status_code)
    assert statuses == [200] * 5


def test_closing_an_account_with_money_is_refused_with_account_not_empty(
    client: FlaskClient, open_account: Callable[..., Any]
) -> None:
    open_account("a-1", "0.01")
    response = client.post("/api/accounts/a-1/close")
    assert response.status_code == 409
    assert error_code(response) == "account_not_empty"


def test_a_closed_account_refuses_money_limits_and_a_second_close(
    client: FlaskClient, open_account: Callable[..., Any], event_count: Callable[[], int]
) -> None:
    open_account("a-1", "0")
    client.post("/api/accounts/a-1/close")
    before = event_count()
    answers = [
        client.post("/api/accounts/a-1/deposits", json={"amount": 1}),
        client.post("/api/accounts/a-1/withdrawals", json={"amount": 1}),
        client.put("/api/accounts/a-1/overdraft-limit", json={"limit": 1}),
        client.post("/api/accounts/a-1/close"),
    ]
    assert [(r.status_code, error_code(r)) for r in answers] == [(409, "account_closed")] * 4
    assert event_count() == before


def test_account_closed_comes_before_insufficient_funds(
    client: FlaskClient, open_account: Callable[..., Any]
) -> None:
    open_account("a-1", "0")
    client.post("/api/accounts/a-1/close")
    response = client.post("/api/accounts/a-1/withdrawals", json={"amount": 1000})
    assert error_code(response) == "account_closed"


def test_the_list_holds_every_account_in_opening_order_or_one_owners(
    client: FlaskClient, open_account: Callable[..., Any]
) -> None:
    open_account("b-1", owner_id="ann")
    open_account("a-2", owner_id="bob")
    open_account("c-3", owner_id="ann")
    everyone = client.get("/api/accounts").get_json()
    anns = client.get("/api/accounts?owner_id=ann").get_json()
    assert [a["account_id"] for a in everyone["accounts"]] == ["b-1", "a-2", "c-3"]
    assert [a["account_id"] for a in anns["accounts"]] == ["b-1", "c-3"]
    assert set(everyone["accounts"][0]) == ACCOUNT_FIELDS
    assert everyone["next_cursor"] is None


def test_a_json_number_with_17_significant_digits_is_taken_exactly(
    client: FlaskClient, open_account: Callable[..., Any]
) -> None:
    open_account("a-1", "0")
    response = client.post("/api/accounts/a-1/deposits", json={"amount": 999999999999.99})
    assert response.get_json()["balance"] == "999999999999.99"
