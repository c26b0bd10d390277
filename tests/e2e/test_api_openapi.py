"""The OpenAPI document against the running app: schemathesis finds no 500, no broken answer."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import schemathesis
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import APIOperation, GenerationMode, checks
from schemathesis.core.result import Ok

from bootstrap import Settings
from web import create_app

EXAMPLES = 40

CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
]


@pytest.fixture
def accounts(open_account: Callable[..., Any]) -> None:
    """Two accounts, so that some generated requests reach the business rules."""
    open_account("a-1")
    open_account("a-2", "0")


@pytest.mark.usefixtures("accounts")
def test_every_operation_answers_as_the_document_says(app: Flask) -> None:
    """Valid and invalid requests generated from the document: no 500, every answer documented.

    Driven through hypothesis directly: schemathesis' pytest fixture loader does not run
    under pytest 9, and the app (one per database) only exists inside a test.
    """
    document = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    for result in document.get_all_operations():
        assert isinstance(result, Ok)
        operation = result.ok()
        cases = st.one_of(
            operation.as_strategy(GenerationMode.POSITIVE),
            operation.as_strategy(GenerationMode.NEGATIVE),
        )

        @given(case=cases)
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def answers_as_documented(
            case: schemathesis.Case[APIOperation[Any, Any, Any, Any]],
        ) -> None:
            case.call_and_validate(checks=CHECKS)

        answers_as_documented()


def test_the_document_is_openapi_3_and_covers_every_route_of_the_contract(
    client: FlaskClient,
) -> None:
    document = client.get("/api/openapi.json").get_json()
    operations = {
        f"{method.upper()} {path}"
        for path, item in document["paths"].items()
        for method in item
        if method != "parameters"
    }
    assert document["openapi"].startswith("3.")
    assert operations == {
        "POST /api/accounts",
        "GET /api/accounts",
        "GET /api/accounts/{account_id}",
        "POST /api/accounts/{account_id}/deposits",
        "POST /api/accounts/{account_id}/withdrawals",
        "PUT /api/accounts/{account_id}/overdraft-limit",
        "POST /api/accounts/{account_id}/close",
        "POST /api/transfers",
        "GET /api/accounts/{account_id}/transactions",
        "GET /api/accounts/{account_id}/balance",
        "GET /api/accounts/{account_id}/events",
        "GET /api/health",
    }


COMMAND = {400, 409, 413, 422}
ON_ACCOUNT = COMMAND | {404, 412}
DOCUMENTED_REFUSALS: dict[str, tuple[set[int], set[str]]] = {
    "POST /api/accounts": (COMMAND, {"account_exists"}),
    "POST /api/accounts/{account_id}/deposits": (ON_ACCOUNT, {"account_closed"}),
    "POST /api/accounts/{account_id}/withdrawals": (
        ON_ACCOUNT,
        {"account_closed", "insufficient_funds"},
    ),
    "PUT /api/accounts/{account_id}/overdraft-limit": (ON_ACCOUNT, {"account_closed"}),
    "POST /api/accounts/{account_id}/close": (ON_ACCOUNT, {"account_closed", "account_not_empty"}),
    "POST /api/transfers": (COMMAND | {404}, {"account_closed", "insufficient_funds"}),
    "GET /api/accounts": ({422}, set()),
    "GET /api/accounts/{account_id}": ({404}, set()),
    "GET /api/accounts/{account_id}/transactions": ({404, 422}, set()),
    "GET /api/accounts/{account_id}/balance": ({404, 422}, set()),
    "GET /api/accounts/{account_id}/events": ({404}, set()),
    "GET /api/health": ({503}, set()),
}
"""API.md's refusals per route: the error statuses, and the business 409s besides the
`concurrency_conflict` and `idempotency_key_reused` every command can meet."""


@pytest.fixture(scope="module")
def document() -> Iterator[dict[str, Any]]:
    """The OpenAPI document, which the code alone makes: no database is asked."""
    app = create_app(Settings(database_url="sqlite://", secret_key="document"))
    yield app.test_client().get("/api/openapi.json").get_json()
    app.extensions["ledger"].engine.dispose()


@pytest.mark.parametrize("operation", sorted(DOCUMENTED_REFUSALS))
def test_the_document_lists_every_refusal_api_md_gives_each_route_in_the_error_shape(
    document: dict[str, Any], operation: str
) -> None:
    method, path = operation.split(" ")
    responses = document["paths"][path][method.lower()]["responses"]
    statuses, conflicts = DOCUMENTED_REFUSALS[operation]
    refusals = {int(s) for s in responses if s != "default" and not s.startswith("2")}
    assert refusals == statuses
    for status in statuses:
        schema = responses[str(status)]["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/Error"}
    if 409 in statuses:
        described = responses["409"]["description"]
        for code in conflicts | {"concurrency_conflict", "idempotency_key_reused"}:
            assert code in described
