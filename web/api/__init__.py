"""The JSON API under /api: flask-smorest blueprints, their OpenAPI document and its page."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_smorest import Api, Blueprint

from web.api import accounts, health, history, transfers
from web.money_field import money_properties
from web.schemas import ErrorSchema

BLUEPRINTS: tuple[Blueprint, ...] = (accounts.blp, history.blp, transfers.blp, health.blp)

API_CONFIG: dict[str, Any] = {
    "API_TITLE": "Bank ledger",
    "API_VERSION": "1.0",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api",
    "OPENAPI_JSON_PATH": "openapi.json",
}


class LedgerApi(Api):  # type: ignore[misc]
    """flask-smorest's Api documenting API.md's error shape; the app renders every error."""

    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self) -> None:
        """One handler in `web.app` serves the API and the UI; flask-smorest's is not used."""


def register_api(app: Flask) -> LedgerApi:
    """Register the API blueprints and their OpenAPI document on `app`."""
    app.config.update(API_CONFIG)
    api = LedgerApi(app)
    api.ma_plugin.converter.add_attribute_function(money_properties)
    for blueprint in BLUEPRINTS:
        api.register_blueprint(blueprint)
    return api
