"""What every answer carries, what an API answer leaves out, and which requests need a token."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from bootstrap import Ledger, Settings
from web import create_app


def test_an_api_answer_sets_no_cookie_and_does_not_vary_on_one(client: FlaskClient) -> None:
    """A client without a cookie gets none: the session is neither opened nor saved."""
    response = client.get("/api/health")
    assert "Set-Cookie" not in response.headers
    assert "Vary" not in response.headers


def test_a_view_that_sets_a_protection_header_keeps_its_own(app: Flask) -> None:
    """The protections are defaults: a response that sets one is not overridden or doubled."""

    @app.get("/framed-on-purpose")
    def framed() -> tuple[str, int, dict[str, str]]:
        return "ok", 200, {"x-frame-options": "SAMEORIGIN"}

    headers = app.test_client().get("/framed-on-purpose").headers
    assert headers.getlist("X-Frame-Options") == ["SAMEORIGIN"]
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_forms_are_checked_for_their_token_and_the_api_is_not(
    app: Flask, settings: Settings, ledger: Ledger
) -> None:
    """The same in every app a process builds: the UI blueprint is shared between them."""
    for built in (app, create_app(settings, ledger=ledger)):
        client = built.test_client()
        client.get("/")  # a session cookie, as a browser that visited the UI has
        form = client.post("/accounts", data={"owner_id": "o-1", "initial_deposit": "1"})
        api = client.post("/api/accounts", json={"owner_id": "o-1", "initial_deposit": "1"})
        assert (form.status_code, api.status_code) == (400, 201)
