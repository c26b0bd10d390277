"""JSON answers: UTF-8 text, one compact line, and Flask's encoding for what orjson refuses."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from flask import Flask
from flask.json.provider import DefaultJSONProvider
from flask.testing import FlaskClient


def test_an_answer_is_compact_utf8_on_one_line(
    client: FlaskClient, open_account: Callable[..., dict[str, Any]]
) -> None:
    open_account("a-1")
    client.post("/api/accounts/a-1/deposits", json={"amount": "1", "description": "café ✓"})
    raw = client.get("/api/accounts/a-1/transactions").get_data()
    assert "café ✓".encode() in raw
    assert raw.endswith(b"}\n")
    assert b"\n" not in raw[:-1]
    assert b", " not in raw


def test_what_orjson_refuses_is_encoded_as_flask_would(app: Flask) -> None:
    """A lone surrogate or an integer beyond 64 bits: the same text as Flask's own provider."""
    flask_own = DefaultJSONProvider(app)
    flask_own.sort_keys = False
    document = {"text": "\ud800", "big": 2**70}
    with app.app_context():
        ours = app.json.response(document).get_data()  # type: ignore[attr-defined]
        assert ours == flask_own.response(document).get_data()  # type: ignore[attr-defined]
    assert json.loads(ours) == document
