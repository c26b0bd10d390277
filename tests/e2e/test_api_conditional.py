"""If-Match on commands on one account: the ETag a client read, or `*`; anything else is 400."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.e2e.support import error_code

ROUTES = [
    ("post", "/api/accounts/a-1/deposits", {"amount": 1}),
    ("post", "/api/accounts/a-1/withdrawals", {"amount": 1}),
    ("put", "/api/accounts/a-1/overdraft-limit", {"limit": 1}),
    ("post", "/api/accounts/zero/close", None),
]


@pytest.fixture(autouse=True)
def accounts(open_account: Callable[..., Any]) -> None:
    """a-1 with 10.00 to move, and `zero` with nothing, which may be closed; both at version 1."""
    open_account("a-1", "10.00")
    open_account("zero", "0")


@pytest.mark.parametrize(("method", "path", "body"), ROUTES)
def test_if_match_with_the_current_etag_applies_the_command(
    client: FlaskClient, method: str, path: str, body: dict[str, Any] | None
) -> None:
    etag = client.get(path.rsplit("/", 1)[0]).headers["ETag"]
    response = getattr(client, method)(path, json=body, headers={"If-Match": etag})
    assert response.status_code == 200
    assert response.headers["ETag"] == '"2"'


@pytest.mark.parametrize(("method", "path", "body"), ROUTES)
def test_if_match_with_another_version_is_412_and_changes_nothing(
    client: FlaskClient,
    event_count: Callable[[], int],
    method: str,
    path: str,
    body: dict[str, Any] | None,
) -> None:
    before = event_count()
    response = getattr(client, method)(path, json=body, headers={"If-Match": '"7"'})
    assert response.status_code == 412
    assert error_code(response) == "version_mismatch"
    assert event_count() == before


@pytest.mark.parametrize(("method", "path", "body"), ROUTES)
def test_if_match_star_accepts_any_version(
    client: FlaskClient, method: str, path: str, body: dict[str, Any] | None
) -> None:
    response = getattr(client, method)(path, json=body, headers={"If-Match": "*"})
    assert response.status_code == 200


WELL_FORMED_BUT_NOT_THE_ETAG = [
    '"01"',
    '"001"',
    '"0"',
    '"1000000000000000001"',
    '"9' + "9" * 40 + '"',
    '"1' + "0" * 5000 + '"',
]
"""Quoted ASCII digits: strong ETags, none of them version 1's `"1"` (ETags compare as strings)."""

MALFORMED = ["1", 'W/"1"', '"a"', '"1", "2"', '"1",', "", '"-1"', '"+1"', '"1 "', "**", '"\u0661"']
"""Not `"<version>"` nor `*`. Lists of ETags, which RFC 9110 allows, are refused too: a
command acts on one account, whose one current version a client names."""


@pytest.mark.parametrize(
    ("header", "status", "code"),
    [(h, 412, "version_mismatch") for h in WELL_FORMED_BUT_NOT_THE_ETAG]
    + [(h, 400, "bad_request") for h in MALFORMED],
    ids=lambda value: str(value)[:24],
)
def test_an_if_match_other_than_the_etag_or_star_is_412_if_well_formed_else_400(
    client: FlaskClient, event_count: Callable[[], int], header: str, status: int, code: str
) -> None:
    before = event_count()
    response = client.post(
        "/api/accounts/a-1/deposits", json={"amount": 1}, headers={"If-Match": header}
    )
    assert (response.status_code, error_code(response)) == (status, code)
    assert event_count() == before


def test_a_second_writer_with_the_same_etag_gets_412(client: FlaskClient) -> None:
    etag = client.get("/api/accounts/a-1").headers["ETag"]
    first = client.post(
        "/api/accounts/a-1/deposits", json={"amount": 1}, headers={"If-Match": etag}
    )
    second = client.post(
        "/api/accounts/a-1/deposits", json={"amount": 1}, headers={"If-Match": etag}
    )
    assert first.status_code == 200
    assert second.status_code == 412


def test_a_malformed_if_match_outranks_an_invalid_body(client: FlaskClient) -> None:
    response = client.post(
        "/api/accounts/a-1/deposits", json={"amount": 0}, headers={"If-Match": "1"}
    )
    assert response.status_code == 400


def test_an_unknown_account_is_404_before_its_if_match_is_judged(client: FlaskClient) -> None:
    response = client.post(
        "/api/accounts/ghost/deposits", json={"amount": 1}, headers={"If-Match": '"9"'}
    )
    assert error_code(response) == "account_not_found"


def test_a_wrong_if_match_is_412_before_business_rules_are_judged(client: FlaskClient) -> None:
    response = client.post(
        "/api/accounts/a-1/withdrawals", json={"amount": 500}, headers={"If-Match": '"9"'}
    )
    assert error_code(response) == "version_mismatch"
