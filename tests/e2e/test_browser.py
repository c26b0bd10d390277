"""The UI in headless Chromium (Debian's, via Playwright): open, deposit, transfer, CSRF."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright
from werkzeug.serving import make_server

from bootstrap import Settings, build_ledger, init_db
from tests.databases import fresh_engine
from web import create_app

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="BROWSER TEST NOT RUN: /usr/bin/chromium is missing; "
        "install it with `apt-get install -y chromium`",
    ),
]


@pytest.fixture
def base_url(tmp_path: Path) -> Iterator[str]:
    """The app on a fresh SQLite file, served by a werkzeug thread on a free local port."""
    with fresh_engine("sqlite", tmp_path, None) as engine:
        init_db(engine)
        settings = Settings(secret_key="browser-test")
        app = create_app(settings, ledger=build_ledger(settings, engine=engine))
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_port}"
        finally:
            server.shutdown()
            server.server_close()
            thread.join()


@pytest.fixture
def page(base_url: str) -> Iterator[Page]:
    """A fresh browser tab whose relative URLs resolve against the app."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(base_url=base_url, viewport={"width": 1200, "height": 900})
        try:
            yield context.new_page()
        finally:
            context.close()
            browser.close()


def open_account(page: Page, owner_id: str, deposit: str, account_id: str) -> None:
    """Fill and send the opening form on the home page."""
    page.goto("/")
    page.fill("#open-owner_id", owner_id)
    page.fill("#open-initial_deposit", deposit)
    page.fill("#open-account_id", account_id)
    page.get_by_role("button", name="Open account").click()
    expect(page.locator(".flash-success")).to_have_text(
        f"Account {account_id} opened for {owner_id}."
    )


def test_a_clerk_opens_deposits_and_transfers_and_sees_both_accounts(page: Page) -> None:
    open_account(page, "user-456", "1000", "acc-123")
    page.fill("#deposit-amount", "500")
    page.get_by_role("button", name="Deposit", exact=True).click()
    expect(page.locator(".flash-success")).to_have_text("Deposited 500.00.")
    open_account(page, "user-789", "0", "acc-999")

    page.goto("/accounts/acc-123")
    page.fill("#transfer-to_account_id", "acc-999")
    page.fill("#transfer-amount", "200")
    page.fill("#transfer-description", "rent share")
    page.get_by_role("button", name="Transfer", exact=True).click()

    expect(page.locator(".flash-success")).to_have_text("Sent 200.00 to acc-999.")
    expect(page.locator("#balance")).to_contain_text("1,300.00")
    rows = page.locator("table.statement tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("Transfer out to acc-999")
    expect(rows.nth(0)).to_contain_text("rent share")
    expect(rows.nth(1)).to_contain_text("Deposit")
    expect(rows.nth(2)).to_contain_text("Opening deposit")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "account-page.png"), full_page=True)

    page.get_by_role("link", name="acc-999").first.click()
    expect(page.locator("#balance")).to_contain_text("200.00")
    expect(page.locator("table.statement tbody tr").first).to_contain_text(
        "Transfer in from acc-123"
    )


def test_a_tampered_csrf_token_is_refused_and_the_balance_is_unchanged(page: Page) -> None:
    open_account(page, "user-456", "10", "acc-1")
    token = page.locator("form[action$='/deposit'] input[name=csrf_token]")
    token.evaluate("input => { input.value = input.value.slice(0, -4) + 'AAAA'; }")
    page.fill("#deposit-amount", "5")
    with page.expect_response(lambda r: r.url.endswith("/deposit")) as answer:
        page.get_by_role("button", name="Deposit", exact=True).click()
    assert answer.value.status == 400
    expect(page.locator("main")).to_contain_text("security token")
    page.goto("/accounts/acc-1")
    expect(page.locator("#balance")).to_contain_text("10.00")
