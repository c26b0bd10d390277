"""The OpenAPI document against the running app: schemathesis finds no 500, no broken answer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode, checks

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
        def answers_as_documented(case: schemathesis.Case) -> None:
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
