"""What every answer carries, and what an API answer to a client without a cookie leaves out."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient


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
