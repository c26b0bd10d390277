"""The clerk's UI through the Flask test client: pages, forms, PRG, errors in place, CSRF."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from bootstrap import ConfigurationError, Ledger, Settings
from tests.e2e.support import KEY_FIELD, csrf_token
from web import create_app


def post_form(
    client: FlaskClient, page_url: str, action: str, fields: dict[str, str]
) -> TestResponse:
    """Load `page_url` for its token, then post `fields` to `action` as a browser would."""
    token = csrf_token(client.get(page_url))
    return client.post(action, data={"csrf_token": token, **fields})


def text(response: TestResponse) -> str:
    """The page's HTML."""
    return response.get_data(as_text=True)


def test_the_home_page_lists_accounts_and_offers_the_opening_form(
    client: FlaskClient, open_account: Callable[..., Any]
) -> None:
    open_account("acc-123", "1300.00", owner_id="user-456")
    page = client.get("/")
    html = text(page)
    assert page.status_code == 200
    assert "acc-123" in html
    assert "1,300.00" in html
    for name in ("owner_id", "initial_deposit", "account_id", "currency", "csrf_token"):
        assert f'name="{name}"' in html


def test_opening_an_account_redirects_with_303_and_confirms(client: FlaskClient) -> None:
    fields = {"owner_id": "user-456", "initial_deposit": "1000", "account_id": "acc-123"}
    response = post_form(client, "/", "/accounts", fields)
    followed = client.get(response.headers["Location"])
    assert response.status_code == 303
    assert response.headers["Location"] == "/accounts/acc-123"
    assert "Account acc-123 opened for user-456." in text(followed)
    assert "1,000.00" in text(followed)


def test_the_seed_scenario_through_the_forms_ends_at_1300(client: FlaskClient) -> None:
    post_form(
        client,
        "/",
        "/accounts",
        {"owner_id": "user-456", "initial_deposit": "1000", "account_id": "acc-123"},
    )
    post_form(client, "/accounts/acc-123", "/accounts/acc-123/deposit", {"amount": "500"})
    post_form(client, "/accounts/acc-123", "/accounts/acc-123/withdraw", {"amount": "200"})
    balance = client.get("/api/accounts/acc-123").get_json()["balance"]
    assert balance == "1300.00"


def test_a_form_with_a_bad_value_comes_back_422_with_the_error_beside_the_field(
    client: FlaskClient, event_count: Callable[[], int]
) -> None:
    before = event_count()
    response = post_form(
        client, "/", "/accounts", {"owner_id": "user 456", "initial_deposit": "12,50"}
    )
    html = text(response)
    assert response.status_code == 422
    assert re.search(r'id="open-owner_id-error">Must be 1 to 64 characters', html)
    assert re.search(r'id="open-initial_deposit-error">Must be a number', html)
    assert 'value="user 456"' in html
    assert 'value="12,50"' in html
    assert event_count() == before


def test_a_refused_withdrawal_comes_back_409_with_the_reason_beside_the_amount(
    client: FlaskClient, open_account: Callable[..., Any], event_count: Callable[[], int]
) -> None:
    open_account("a-1", "10.00")
    before = event_count()
    response = post_form(
        client, "/accounts/a-1", "/accounts/a-1/withdraw", {"amount": "99", "description": "rent"}
    )
    html = text(response)
    assert response.status_code == 409
    assert re.search(r'id="withdraw-amount-error">Account &#39;a-1&#39; has 10.00 available', html)
    assert 'value="99"' in html
    assert 'value="rent"' in html
    assert event_count() == before


def test_a_transfer_form_moves_money_and_both_pages_show_it(
    client: FlaskClient, open_account: Callable[..., Any]
) -> None:
    open_account("a-1", "100.00")
    open_account("a-2", "0")
    response = post_form(
        client,
        "/accounts/a-1",
        "/accounts/a-1/transfer",
        {"to_account_id": "a-2", "amount": "30", "description": "rent share"},
    )
    source = text(client.get("/accounts/a-1"))
    destination = text(client.get("/accounts/a-2"))
    assert response.status_code == 303
    assert "Sent 30.00 to a-2." in source
    assert "rent share" in source
    assert "rent share" in destination
    assert "70.00" in source
    assert "30.00" in destination


def test_a_transfer_to_an_unknown_account_shows_the_error_beside_the_destination(
    client: FlaskClient, open_account: Callable[..., Any]
) -> None:
    open_account("a-1")
    response = post_form(
        client, "/accounts/a-1", "/accounts/a-1/transfer", {"to_account_id": "ghost", "amount": "1"}
    )
    assert response.status_code == 404
    assert 'id="transfer-to_account_id-error"' in text(response)


def test_an_overdrawn_balance_is_visibly_marked_negative(
    client: FlaskClient, open_account: Callable[..., Any]
) -> None:
    open_account("a-1", "0")
    post_form(client, "/accounts/a-1", "/accounts/a-1/overdraft-limit", {"limit": "100"})
    post_form(client, "/accounts/a-1", "/accounts/a-1/withdraw", {"amount": "25.5"})
    html = text(client.get("/accounts/a-1"))
    assert re.search(r'<span class="amount negative">-25.50', html)
    assert "Overdrawn" in html


def test_closing_from_the_page_works_only_at_zero_and_hides_the_money_forms(
    client: FlaskClient, open_account: Callable[..., Any]
) -> None:
    open_account("a-1", "5.00")
    refused = post_form(client, "/accounts/a-1", "/accounts/a-1/close", {})
    post_form(client, "/accounts/a-1", "/accounts/a-1/withdraw", {"amount": "5"})
    closed = post_form(client, "/accounts/a-1", "/accounts/a-1/close", {})
    page = text(client.get("/accounts/a-1"))
    assert refused.status_code == 409
    assert "it must be 0.00" in text(refused)
    assert closed.status_code == 303
    assert "This account is closed" in page
    assert "/accounts/a-1/deposit" not in page


def test_money_sent_to_an_account_closed_meanwhile_is_refused_in_plain_words(
    client: FlaskClient, open_account: Callable[..., Any], event_count: Callable[[], int]
) -> None:
    """Another tab closed the account after this page was loaded: say why nothing moved."""
    open_account("a-1", "0")
    token = csrf_token(client.get("/accounts/a-1"))
    client.post("/api/accounts/a-1/close")
    before = event_count()
    response = client.post("/accounts/a-1/deposit", data={"csrf_token": token, "amount": "5"})
    assert response.status_code == 409
    assert re.search(r'role="alert">[^<]*closed', text(response)), text(response)
    assert event_count() == before


def test_a_form_posted_without_a_csrf_token_is_refused_and_changes_nothing(
    client: FlaskClient, event_count: Callable[[], int]
) -> None:
    before = event_count()
    response = client.post("/accounts", data={"owner_id": "o-1", "initial_deposit": "1"})
    assert response.status_code == 400
    assert "security token" in text(response)
    assert event_count() == before


def test_a_form_with_a_tampered_csrf_token_is_refused_and_changes_nothing(
    client: FlaskClient, open_account: Callable[..., Any], event_count: Callable[[], int]
) -> None:
    open_account("a-1")
    token = csrf_token(client.get("/accounts/a-1"))
    before = event_count()
    response = client.post(
        "/accounts/a-1/deposit", data={"csrf_token": token[:-2] + "xx", "amount": "5"}
    )
    assert response.status_code == 400
    assert event_count() == before


def test_a_token_from_another_session_is_refused(
    app: Any, client: FlaskClient, open_account: Callable[..., Any]
) -> None:
    open_account("a-1")
    stranger = app.test_client()
    token = csrf_token(stranger.get("/accounts/a-1"))
    response = client.post("/accounts/a-1/deposit", data={"csrf_token": token, "amount": "5"})
    assert response.status_code == 400


def test_a_double_submitted_form_is_applied_once(
    client: FlaskClient, open_account: Callable[..., Any]
) -> None:
    open_account("a-1", "0")
    page = client.get("/accounts/a-1")
    keys = KEY_FIELD.findall(text(page))
    deposit_key = next(k for k in keys if k.endswith("-deposit"))
    fields = {"csrf_token": csrf_token(page), "idempotency_key": deposit_key, "amount": "5"}
    first = client.post("/accounts/a-1/deposit", data=fields)
    second = client.post("/accounts/a-1/deposit", data=fields)
    assert first.status_code == second.status_code == 303
    assert client.get("/api/accounts/a-1").get_json()["balance"] == "5.00"


def test_the_owner_filter_narrows_the_list(
    client: FlaskClient, open_account: Callable[..., Any]
) -> None:
    open_account("a-1", owner_id="ann")
    open_account("b-2", owner_id="bob")
    html = text(client.get("/?owner_id=ann"))
    # the links, not bare ids: random CSRF and idempotency tokens on the page may hold "b-2"
    assert 'href="/accounts/a-1"' in html
    assert 'href="/accounts/b-2"' not in html


def test_a_bad_owner_filter_is_422_with_its_error(client: FlaskClient) -> None:
    response = client.get("/?owner_id=%3Cscript%3E")
    assert response.status_code == 422
    assert "<script>" not in text(response)


def test_the_statement_is_newest_first_and_paged(
    client: FlaskClient, open_account: Callable[..., Any]
) -> None:
    open_account("a-1", "0")
    for n in range(1, 23):
        client.post("/api/accounts/a-1/deposits", json={"amount": n, "description": f"line-{n}"})
    first = text(client.get("/accounts/a-1"))
    older = re.search(r'href="(/accounts/a-1\?cursor=[^"]+)">Older', first)
    assert older is not None
    second = text(client.get(older.group(1).replace("&amp;", "&")))
    assert first.index("line-22") < first.index("line-21")
    assert "line-3<" in first
    assert "line-2<" not in first
    assert "line-2<" in second
    assert "Opening deposit" in second


def test_the_audit_trail_page_shows_every_event_with_its_metadata(
    client: FlaskClient, open_account: Callable[..., Any]
) -> None:
    open_account("a-1")
    post_form(client, "/accounts/a-1", "/accounts/a-1/deposit", {"amount": "5"})
    html = text(client.get("/accounts/a-1/events"))
    assert "AccountOpened" in html
    assert "MoneyDeposited" in html
    assert "POST /accounts/&lt;account_id&gt;/deposit" in html
    assert "127.0.0.1" in html


def test_an_unknown_account_page_is_an_html_404(client: FlaskClient) -> None:
    response = client.get("/accounts/ghost")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "does not exist" in text(response)


def test_an_unknown_page_is_an_html_404(client: FlaskClient) -> None:
    response = client.get("/nowhere")
    assert (response.status_code, response.mimetype) == (404, "text/html")


def test_an_oversized_form_is_refused_with_413(
    client: FlaskClient, open_account: Callable[..., Any]
) -> None:
    open_account("a-1")
    response = client.post("/accounts/a-1/deposit", data={"description": "x" * 70_000})
    assert response.status_code == 413


def test_the_api_page_documents_every_route_without_external_assets(client: FlaskClient) -> None:
    response = client.get("/api-docs")
    html = text(response)
    assert response.status_code == 200
    for route in ("/api/accounts/{account_id}/deposits", "/api/transfers", "/api/health"):
        assert route in html
    assert "http://" not in html
    assert "https://" not in html


@pytest.mark.parametrize("path", ["/", "/accounts/a-1", "/accounts/a-1/events", "/api-docs"])
def test_pages_load_only_local_assets(
    client: FlaskClient, open_account: Callable[..., Any], path: str
) -> None:
    open_account("a-1")
    html = text(client.get(path))
    assert re.findall(r'(?:src|href)="(https?:)?//', html) == []
    assert "/static/style.css" in html


def test_a_reused_form_key_with_other_values_is_refused_in_plain_words(
    client: FlaskClient, open_account: Callable[..., Any], event_count: Callable[[], int]
) -> None:
    open_account("a-1", "0")
    page = client.get("/accounts/a-1")
    key = next(k for k in KEY_FIELD.findall(text(page)) if k.endswith("-deposit"))
    fields = {"csrf_token": csrf_token(page), "idempotency_key": key}
    client.post("/accounts/a-1/deposit", data={**fields, "amount": "5"})
    before = event_count()
    response = client.post("/accounts/a-1/deposit", data={**fields, "amount": "6"})
    assert response.status_code == 409
    assert "already sent with other values" in text(response)
    assert event_count() == before


@pytest.mark.parametrize("path", ["/", "/api/health", "/api/nowhere"])
def test_every_answer_forbids_framing_sniffing_and_foreign_sources(
    client: FlaskClient, path: str
) -> None:
    headers = client.get(path).headers
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "default-src 'self'" in headers["Content-Security-Policy"]


def test_a_description_typed_in_a_form_is_stored_verbatim_spaces_included(
    client: FlaskClient, open_account: Callable[..., Any]
) -> None:
    open_account("a-1", "0")
    response = post_form(
        client,
        "/accounts/a-1",
        "/accounts/a-1/deposit",
        {"amount": " 5 ", "description": "  rent  for  May "},
    )
    line = client.get("/api/accounts/a-1/transactions?limit=1").get_json()["transactions"][0]
    assert response.status_code == 303
    assert line["description"] == "  rent  for  May "


def test_the_session_cookie_is_httponly_and_samesite_lax_and_not_secure_by_default(
    client: FlaskClient,
) -> None:
    cookie = client.get("/").headers["Set-Cookie"]
    assert cookie.startswith("session=")
    assert "; HttpOnly" in cookie
    assert "; SameSite=Lax" in cookie
    assert "; Secure" not in cookie


@pytest.mark.parametrize("how", ["argument", "environment"])
def test_the_session_cookie_can_be_made_secure_for_https(
    settings: Settings, ledger: Ledger, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    if how == "environment":
        monkeypatch.setenv("SESSION_COOKIE_SECURE", "true")
        app = create_app(settings, ledger=ledger)
    else:
        app = create_app(settings, ledger=ledger, secure_cookies=True)
    cookie = app.test_client().get("/").headers["Set-Cookie"]
    assert "; Secure" in cookie
    assert "; SameSite=Lax" in cookie


def test_a_session_cookie_setting_that_is_not_a_yes_or_no_stops_the_start(
    settings: Settings, ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "maybe")
    with pytest.raises(ConfigurationError, match="SESSION_COOKIE_SECURE"):
        create_app(settings, ledger=ledger)
