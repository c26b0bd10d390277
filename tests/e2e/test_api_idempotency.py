"""Idempotency-Key on every command route: a repeat returns the first answer and changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.e2e.support import error_code, error_details

KEY = {"Idempotency-Key": "k-7f3a"}

COMMANDS = [
    ("post", "/api/accounts", {"owner_id": "o", "initial_deposit": 1, "account_id": "new-1"}),
    ("post", "/api/accounts/a-1/deposits", {"amount": "5.00"}),
    ("post", "/api/accounts/a-1/withdrawals", {"amount": "5.00"}),
    ("post", "/api/transfers", {"from_account_id": "a-1", "to_account_id": "a-2", "amount": 5}),
    ("put", "/api/accounts/a-1/overdraft-limit", {"limit": 10}),
    ("post", "/api/accounts/empty/close", {}),
]


@pytest.fixture(autouse=True)
def accounts(open_account: Callable[..., Any]) -> None:
    """a-1 and a-2 with 100.00 each, `empty` with nothing."""
    open_account("a-1")
    open_account("a-2")
    open_account("empty", "0")


@pytest.mark.parametrize(("method", "path", "body"), COMMANDS)
def test_a_repeat_with_the_same_key_returns_the_first_answer_and_changes_nothing(
    client: FlaskClient,
    event_count: Callable[[], int],
    method: str,
    path: str,
    body: dict[str, Any],
) -> None:
    call = getattr(client, method)
    first = call(path, json=body, headers=KEY)
    after_first = event_count()
    repeat = call(path, json=body, headers=KEY)
    assert first.status_code in {200, 201}
    assert (repeat.status_code, repeat.get_json()) == (first.status_code, first.get_json())
    assert repeat.headers.get("Location") == first.headers.get("Location")
    assert repeat.headers["Idempotent-Replayed"] == "true"
    assert event_count() == after_first


@pytest.mark.parametrize(("method", "path", "body"), COMMANDS[1:3])
def test_the_same_key_with_another_body_is_409_idempotency_key_reused(
    client: FlaskClient,
    event_count: Callable[[], int],
    method: str,
    path: str,
    body: dict[str, Any],
) -> None:
    call = getattr(client, method)
    call(path, json=body, headers=KEY)
    before = event_count()
    response = call(path, json={**body, "amount": "6.00"}, headers=KEY)
    assert response.status_code == 409
    assert error_code(response) == "idempotency_key_reused"
    assert event_count() == before


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ('{"amount": 10}', '{"amount": "10"}'),
        ('{"amount": "10"}', '{"amount": 10}'),
        ('{"amount": "10"}', '{"amount": "10.00"}'),
        ('{"amount": 10}', '{"amount": 10.00}'),
        ('{"amount": 100}', '{"amount": 1e2}'),
        ('{"amount": 1e2}', '{"amount": 1E2}'),
        ('{"amount": 5}', '{"amount": 5, "description": ""}'),
    ],
)
def test_the_same_key_with_another_spelling_of_the_body_is_409(
    client: FlaskClient, event_count: Callable[[], int], first: str, second: str
) -> None:
    """Same body means the same JSON document: types and number spelling count."""
    deposit = "/api/accounts/a-1/deposits"
    client.post(deposit, data=first, content_type="application/json", headers=KEY)
    before = event_count()
    response = client.post(deposit, data=second, content_type="application/json", headers=KEY)
    assert response.status_code == 409
    assert error_code(response) == "idempotency_key_reused"
    assert event_count() == before


def test_the_same_body_with_other_whitespace_and_key_order_is_a_repeat(
    client: FlaskClient, event_count: Callable[[], int]
) -> None:
    deposit = "/api/accounts/a-1/deposits"
    first = '{"amount": 10.50, "description": "caf\u00e9"}'
    second = '\n{ "description" :"café",\t"amount":10.50 }  '
    client.post(deposit, data=first, content_type="application/json", headers=KEY)
    before = event_count()
    repeat = client.post(deposit, data=second, content_type="application/json", headers=KEY)
    assert repeat.status_code == 200
    assert repeat.headers["Idempotent-Replayed"] == "true"
    assert event_count() == before


def test_the_same_key_on_another_route_is_409_idempotency_key_reused(client: FlaskClient) -> None:
    client.post("/api/accounts/a-1/deposits", json={"amount": 5}, headers=KEY)
    response = client.post("/api/accounts/a-2/deposits", json={"amount": 5}, headers=KEY)
    assert error_code(response) == "idempotency_key_reused"


def test_a_failed_request_records_nothing_and_may_be_retried_with_its_key(
    client: FlaskClient,
) -> None:
    refused = client.post("/api/accounts/a-1/withdrawals", json={"amount": 150}, headers=KEY)
    client.post("/api/accounts/a-1/deposits", json={"amount": 50})
    retried = client.post("/api/accounts/a-1/withdrawals", json={"amount": 150}, headers=KEY)
    assert error_code(refused) == "insufficient_funds"
    assert retried.status_code == 200
    assert retried.get_json()["balance"] == "0.00"


def test_a_repeat_is_answered_before_any_other_check(client: FlaskClient) -> None:
    client.post("/api/accounts/empty/close", headers={**KEY, "If-Match": '"1"'})
    repeat = client.post("/api/accounts/empty/close", headers={**KEY, "If-Match": '"1"'})
    assert repeat.status_code == 200
    assert repeat.get_json()["is_active"] is False


def test_the_key_is_kept_in_the_events_metadata(client: FlaskClient) -> None:
    client.post("/api/accounts/a-1/deposits", json={"amount": 5}, headers=KEY)
    events = client.get("/api/accounts/a-1/events").get_json()["events"]
    assert events[-1]["metadata"]["idempotency_key"] == KEY["Idempotency-Key"]


def test_whitespace_around_the_key_is_not_part_of_it(
    client: FlaskClient, event_count: Callable[[], int]
) -> None:
    client.post(
        "/api/accounts/a-1/deposits", json={"amount": 5}, headers={"Idempotency-Key": " k "}
    )
    after_first = event_count()
    repeat = client.post(
        "/api/accounts/a-1/deposits", json={"amount": 5}, headers={"Idempotency-Key": "k"}
    )
    events = client.get("/api/accounts/a-1/events").get_json()["events"]
    assert repeat.headers["Idempotent-Replayed"] == "true"
    assert event_count() == after_first
    assert events[-1]["metadata"]["idempotency_key"] == "k"


@pytest.mark.parametrize("key", ["", "  ", "x" * 129, "tab\there", "caf\u00e9"])
def test_a_key_that_is_not_1_to_128_printable_ascii_characters_is_422(
    client: FlaskClient, event_count: Callable[[], int], key: str
) -> None:
    before = event_count()
    response = client.post(
        "/api/accounts/a-1/deposits",
        json={"amount": 5},
        headers=[("Idempotency-Key", key.encode().decode("latin-1"))],
    )
    assert response.status_code == 422
    assert "Idempotency-Key" in error_details(response)
    assert event_count() == before


def test_a_key_of_128_printable_characters_is_accepted(client: FlaskClient) -> None:
    key = "~" + "A b!" * 31 + "xyz"
    response = client.post(
        "/api/accounts/a-1/deposits", json={"amount": 5}, headers={"Idempotency-Key": key}
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("post", "/api/accounts/a-1/deposits", {"amount": 0}, "amount"),
        ("put", "/api/accounts/a-1/overdraft-limit", {}, "limit"),
        ("post", "/api/accounts/a-1/close", {"reason": "x"}, "reason"),
        ("post", "/api/accounts", {"owner_id": "o"}, "initial_deposit"),
        ("post", "/api/transfers", {"from_account_id": "a-1", "amount": 1}, "to_account_id"),
    ],
)
def test_an_invalid_body_and_an_invalid_key_are_reported_together(
    client: FlaskClient, method: str, path: str, body: dict[str, Any], field: str
) -> None:
    response = getattr(client, method)(path, json=body, headers={"Idempotency-Key": "x" * 129})
    assert response.status_code == 422
    assert set(error_details(response)) == {field, "Idempotency-Key"}
