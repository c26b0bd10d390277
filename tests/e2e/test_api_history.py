"""An account's past through the API: paged lists, the balance at a time, the audit trail."""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote

import pytest
from flask.testing import FlaskClient

from queries import temporal
from queries.pages import encode_cursor
from tests.e2e.support import error_code, error_details

ISO_UTC = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00")


def all_pages(client: FlaskClient, url: str, key: str) -> list[list[Any]]:
    """Follow next_cursor from `url` to the end; return each page's items."""
    pages = []
    body = client.get(url).get_json()
    pages.append(body[key])
    while body["next_cursor"] is not None:
        body = client.get(f"{url}&cursor={quote(body['next_cursor'])}").get_json()
        pages.append(body[key])
    return pages


def test_the_account_list_pages_through_every_account_once(
    client: FlaskClient, open_account: Callable[..., Any]
) -> None:
    for n in range(5):
        open_account(f"a-{n}")
    pages = all_pages(client, "/api/accounts?limit=2", "accounts")
    assert [[a["account_id"] for a in page] for page in pages] == [
        ["a-0", "a-1"],
        ["a-2", "a-3"],
        ["a-4"],
    ]


def test_next_cursor_is_null_exactly_when_no_item_follows(
    client: FlaskClient, open_account: Callable[..., Any]
) -> None:
    for n in range(4):
        open_account(f"a-{n}")
    pages = all_pages(client, "/api/accounts?limit=2", "accounts")
    assert [len(page) for page in pages] == [2, 2]


def test_the_statement_pages_newest_first(
    client: FlaskClient, open_account: Callable[..., Any]
) -> None:
    open_account("a-1", "1")
    for amount in ("2", "3", "4"):
        client.post("/api/accounts/a-1/deposits", json={"amount": amount})
    pages = all_pages(client, "/api/accounts/a-1/transactions?limit=3", "transactions")
    assert [[line["amount"] for line in page] for page in pages] == [
        ["4.00", "3.00", "2.00"],
        ["1.00"],
    ]
    assert pages[0][0]["balance_after"] == "10.00"
    assert pages[1][0]["type"] == "opening_deposit"
    assert ISO_UTC.fullmatch(pages[0][0]["occurred_at"])


@pytest.mark.parametrize("url", ["/api/accounts", "/api/accounts/a-1/transactions"])
@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("limit=0", "limit"),
        ("limit=501", "limit"),
        ("limit=ten", "limit"),
        ("limit=3&limit=4", "limit"),
        ("cursor=bogus", "cursor"),
    ],
)
def test_a_bad_limit_or_cursor_is_422_naming_it(
    client: FlaskClient, open_account: Callable[..., Any], url: str, query: str, field: str
) -> None:
    open_account("a-1")
    response = client.get(f"{url}?{query}")
    assert response.status_code == 422
    assert error_code(response) == "validation_error"
    assert field in error_details(response)


NESTED = base64.urlsafe_b64encode(b"[" * 1200).rstrip(b"=").decode() + ".00000000"
"""1,600 characters of nested lists: json.loads ran out of stack on it, before the checksum."""


def forged_account_cursor(opened_at: str, account_id: str) -> str:
    """A cursor with a valid checksum that this server never handed out."""
    return encode_cursor([opened_at, account_id], "accounts:*")


def forged_statement_cursor(version: int) -> str:
    """A statement cursor for a-1 with a valid checksum and any version."""
    return encode_cursor([version], "statement:a-1")


@pytest.mark.parametrize(
    ("url", "cursor"),
    [
        pytest.param("/api/accounts", NESTED, id="nested-accounts"),
        pytest.param("/api/accounts/a-1/transactions", NESTED, id="nested-statement"),
        pytest.param("/accounts/a-1", NESTED, id="nested-account-page"),
        pytest.param("/", NESTED, id="nested-index-page"),
        pytest.param(
            "/api/accounts/a-1/transactions", forged_statement_cursor(2**40), id="version-2**40"
        ),
        pytest.param(
            "/api/accounts/a-1/transactions", forged_statement_cursor(2**31), id="version-2**31"
        ),
        pytest.param(
            "/api/accounts/a-1/transactions",
            forged_statement_cursor(-(2**31) - 1),
            id="version-below-int32",
        ),
        pytest.param(
            "/api/accounts",
            forged_account_cursor("9999-12-31T23:00:00-05:00", "a-1"),
            id="opened-after-9999-in-utc",
        ),
        pytest.param(
            "/api/accounts",
            forged_account_cursor("0001-01-01T00:00:00+05:00", "a-1"),
            id="opened-before-year-1-in-utc",
        ),
        pytest.param(
            "/api/accounts",
            forged_account_cursor("2026-01-01T00:00:00+00:00", "a\u0000b"),
            id="nul-in-id",
        ),
        pytest.param(
            "/api/accounts",
            forged_account_cursor("2026-01-01T00:00:00+00:00", "\ud800"),
            id="lone-surrogate-id",
        ),
    ],
)
def test_a_cursor_this_server_did_not_hand_out_is_422_never_500(
    client: FlaskClient, open_account: Callable[..., Any], url: str, cursor: str
) -> None:
    """A checksum anyone can compute proves nothing: each value is checked as its column would."""
    open_account("a-1")
    response = client.get(f"{url}?cursor={cursor}")
    assert response.status_code == 422
    if url.startswith("/api/"):
        assert "cursor" in error_details(response)


@pytest.mark.parametrize(
    "limit",
    [
        "",
        "%D9%A3",  # ARABIC-INDIC DIGIT THREE
        "%EF%BC%93",  # FULLWIDTH DIGIT THREE
        "%2B3",
        "-3",
        "%203",
        "3%20",
        "3.0",
        "3_0",
        "9" * 5000,
        "3&limit=3",
    ],
)
def test_a_limit_other_than_one_run_of_ascii_digits_is_422(client: FlaskClient, limit: str) -> None:
    """`int()` reads `+3`, ` 3` and other scripts' digits; the API reads [0-9]+ alone."""
    response = client.get(f"/api/accounts?limit={limit}")
    assert response.status_code == 422
    assert "limit" in error_details(response)


@pytest.mark.parametrize("url", ["/api/accounts", "/api/accounts/a-1/transactions"])
def test_a_limit_of_ascii_digits_with_leading_zeros_is_read_as_its_value(
    client: FlaskClient, open_account: Callable[..., Any], url: str
) -> None:
    open_account("a-1")
    open_account("a-2")
    response = client.get(f"{url}?limit=0001")
    items = next(v for k, v in response.get_json().items() if k != "next_cursor")
    assert response.status_code == 200
    assert len(items) == 1


@pytest.mark.parametrize(
    "query", ["owner_id=a&owner_id=b", "cursor=x&cursor=y", "limit=2&owner_id=a&limit=2"]
)
def test_a_query_parameter_given_twice_is_422_naming_it(
    client: FlaskClient, open_account: Callable[..., Any], query: str
) -> None:
    open_account("a-1")
    response = client.get(f"/api/accounts?{query}")
    name = query.split("=", 1)[0]
    assert response.status_code == 422
    assert error_details(response)[name] == ["Give this parameter once."]


def test_an_as_of_given_twice_is_422_naming_it(
    client: FlaskClient, history: list[datetime]
) -> None:
    response = client.get(
        "/api/accounts/a-1/balance?as_of=2026-01-01T00:00:00Z&as_of=2027-01-01T00:00:00Z"
    )
    assert response.status_code == 422
    assert "as_of" in error_details(response)


def test_a_bad_owner_filter_is_422(client: FlaskClient) -> None:
    response = client.get("/api/accounts?owner_id=not%20an%20id")
    assert "owner_id" in error_details(response)


def test_the_statement_of_an_unknown_account_is_404(client: FlaskClient) -> None:
    assert client.get("/api/accounts/ghost/transactions").status_code == 404


@pytest.fixture
def history(client: FlaskClient, open_account: Callable[..., Any]) -> list[datetime]:
    """a-1 opened with 100.00, then 50.00 paid in; the recorded time of each event."""
    open_account("a-1", "100.00")
    client.post("/api/accounts/a-1/deposits", json={"amount": 50})
    events = client.get("/api/accounts/a-1/events").get_json()["events"]
    return [datetime.fromisoformat(e["recorded_at"]) for e in events]


def balance_at(client: FlaskClient, moment: str) -> Any:
    """GET the balance as of `moment`."""
    return client.get(f"/api/accounts/a-1/balance?as_of={quote(moment)}")


def test_the_balance_as_of_each_event_replays_the_store_to_the_microsecond(
    client: FlaskClient, history: list[datetime]
) -> None:
    opened, deposited = history
    at_opening = balance_at(client, opened.isoformat()).get_json()
    just_before_deposit = balance_at(client, (deposited - timedelta(microseconds=1)).isoformat())
    at_deposit = balance_at(client, deposited.isoformat()).get_json()
    assert (at_opening["balance"], at_opening["version"]) == ("100.00", 1)
    assert just_before_deposit.get_json()["balance"] == "100.00"
    assert (at_deposit["balance"], at_deposit["version"]) == ("150.00", 2)
    assert at_deposit["is_active"] is True


def test_the_balance_without_as_of_or_in_the_future_is_todays(
    client: FlaskClient, history: list[datetime]
) -> None:
    now = client.get("/api/accounts/a-1/balance").get_json()
    future = balance_at(client, "2999-01-01T00:00:00+00:00").get_json()
    assert now["balance"] == future["balance"] == "150.00"
    assert ISO_UTC.fullmatch(now["as_of"])


def test_the_balance_now_is_the_accounts_when_this_clock_runs_behind_the_writers(
    client: FlaskClient, open_account: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Events carry their writer's clock: one behind it must neither miss them nor 404."""
    behind = SimpleNamespace(now=lambda tz: datetime.now(tz) - timedelta(minutes=5))
    monkeypatch.setattr(temporal, "datetime", behind)
    open_account("a-1", "100.00")
    client.post("/api/accounts/a-1/deposits", json={"amount": 50})
    balance = client.get("/api/accounts/a-1/balance")
    account = client.get("/api/accounts/a-1").get_json()
    assert balance.status_code == 200
    assert balance.get_json()["balance"] == account["balance"] == "150.00"
    assert balance.get_json()["version"] == account["version"] == 2


def test_the_balance_before_the_account_existed_is_404(
    client: FlaskClient, history: list[datetime]
) -> None:
    response = balance_at(client, (history[0] - timedelta(seconds=1)).isoformat())
    assert response.status_code == 404
    assert error_code(response) == "account_not_found"


@pytest.mark.parametrize("moment", ["2026-01-01T00:00:00", "yesterday", "2026-13-01T00:00:00Z"])
def test_a_time_without_offset_or_unparseable_is_422(
    client: FlaskClient, history: list[datetime], moment: str
) -> None:
    response = balance_at(client, moment)
    assert response.status_code == 422
    assert "as_of" in error_details(response)


def test_a_time_before_year_1_in_utc_is_before_every_account_so_404(
    client: FlaskClient, history: list[datetime]
) -> None:
    response = balance_at(client, "0001-01-01T00:00:00+01:00")
    assert response.status_code == 404
    assert error_code(response) == "account_not_found"


def test_a_time_after_year_9999_in_utc_is_in_the_future_so_now(
    client: FlaskClient, history: list[datetime]
) -> None:
    response = balance_at(client, "9999-12-31T23:59:59-14:00")
    assert response.status_code == 200
    assert response.get_json()["balance"] == "150.00"
    assert ISO_UTC.fullmatch(response.get_json()["as_of"])


def test_a_time_in_another_offset_or_with_an_unencoded_plus_is_understood(
    client: FlaskClient, history: list[datetime]
) -> None:
    later = history[1] + timedelta(hours=2)
    in_paris = balance_at(client, later.astimezone().isoformat()).get_json()
    unencoded = client.get(
        f"/api/accounts/a-1/balance?as_of={later.strftime('%Y-%m-%dT%H:%M:%S.%f')}+00:00"
    ).get_json()
    assert in_paris["balance"] == unencoded["balance"] == "150.00"


def test_the_audit_trail_lists_every_event_oldest_first_with_its_metadata(
    client: FlaskClient, open_account: Callable[..., Any]
) -> None:
    open_account("a-1", "0")
    client.put(
        "/api/accounts/a-1/overdraft-limit", json={"limit": 5}, headers={"X-Request-ID": "req-42"}
    )
    client.post("/api/accounts/a-1/close", headers={"If-Match": "*"})
    events = client.get("/api/accounts/a-1/events").get_json()["events"]
    limit = events[1]
    assert [e["event_type"] for e in events] == [
        "AccountOpened",
        "OverdraftLimitSet",
        "AccountClosed",
    ]
    assert [e["version"] for e in events] == [1, 2, 3]
    assert limit["data"] == {"limit": "5.00", "previous_limit": "0.00"}
    assert limit["metadata"]["request_id"] == "req-42"
    assert limit["metadata"]["client_address"] == "127.0.0.1"
    assert limit["metadata"]["route"] == "PUT /api/accounts/<account_id>/overdraft-limit"
    assert limit["metadata"]["command"] == "SetOverdraftLimit"
    assert all(ISO_UTC.fullmatch(e["recorded_at"]) for e in events)
    assert events[0]["position"] < events[1]["position"] < events[2]["position"]


def test_the_audit_trail_of_an_unknown_account_is_404(client: FlaskClient) -> None:
    assert error_code(client.get("/api/accounts/ghost/events")) == "account_not_found"
