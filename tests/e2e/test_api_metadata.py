"""Who asked, from where, through which route: request ids and the metadata events keep."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient


def test_health_names_the_database_dialect(client: FlaskClient, dialect: str) -> None:
    response = client.get("/api/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": dialect}


def test_a_callers_request_id_is_echoed_and_kept_in_the_events(
    client: FlaskClient, open_account: Callable[..., Any]
) -> None:
    open_account("a-1")
    response = client.post(
        "/api/accounts/a-1/deposits", json={"amount": 1}, headers={"X-Request-ID": "trace-77"}
    )
    metadata = client.get("/api/accounts/a-1/events").get_json()["events"][-1]["metadata"]
    assert response.headers["X-Request-ID"] == "trace-77"
    assert metadata["request_id"] == "trace-77"
    assert metadata["actor"] == "api"
    assert metadata["route"] == "POST /api/accounts/<account_id>/deposits"
    assert metadata["client_address"] == "127.0.0.1"


def test_without_a_usable_request_id_the_server_makes_one(client: FlaskClient) -> None:
    plain = client.get("/api/health")
    oversized = client.get("/api/health", headers={"X-Request-ID": "r" * 129})
    assert uuid.UUID(plain.headers["X-Request-ID"])
    assert uuid.UUID(oversized.headers["X-Request-ID"])


@pytest.mark.parametrize("offered", ["r" * 128, "~ a b!", "x"])
def test_a_request_id_of_1_to_128_printable_ascii_characters_is_kept(
    client: FlaskClient, offered: str
) -> None:
    response = client.get("/api/health", headers={"X-Request-ID": offered})
    assert response.headers["X-Request-ID"] == offered


@pytest.mark.parametrize("offered", ["tab\there", "caf\u00e9", "r" * 129])
def test_a_request_id_with_other_characters_is_replaced(client: FlaskClient, offered: str) -> None:
    header = ("X-Request-ID", offered.encode().decode("latin-1"))
    response = client.get("/api/health", headers=[header])
    assert uuid.UUID(response.headers["X-Request-ID"])


def test_error_answers_carry_a_request_id_too(client: FlaskClient) -> None:
    response = client.get("/api/nowhere", headers={"X-Request-ID": "trace-404"})
    assert response.headers["X-Request-ID"] == "trace-404"


def test_the_client_address_is_the_peer_unless_a_proxy_is_configured(
    client: FlaskClient, open_account: Callable[..., Any]
) -> None:
    open_account("a-1")
    client.post(
        "/api/accounts/a-1/deposits",
        json={"amount": 1},
        headers={"X-Forwarded-For": "203.0.113.9"},
        environ_base={"REMOTE_ADDR": "10.0.0.5"},
    )
    metadata = client.get("/api/accounts/a-1/events").get_json()["events"][-1]["metadata"]
    assert metadata["client_address"] == "10.0.0.5"
