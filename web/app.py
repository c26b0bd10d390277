"""The application factory: one Flask app serving the JSON API and the clerk's UI."""

from __future__ import annotations

import logging
import secrets

from flask import Flask
from flask_wtf.csrf import CSRFProtect

from bootstrap import Ledger, Settings, build_ledger
from web.api import BLUEPRINTS, register_api
from web.errors import render_problem
from web.headers import install_response_headers
from web.ledger import close_read_connection
from web.ui import ui
from web.ui.filters import install_filters

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 64 * 1024


def create_app(settings: Settings | None = None, ledger: Ledger | None = None) -> Flask:
    """Build the app from `settings` (the environment when None) and, optionally, a ready ledger."""
    if settings is None:
        settings = ledger.settings if ledger is not None else Settings.from_env()
    app = Flask(__name__)
    app.config.update(SECRET_KEY=_secret_key(settings), MAX_CONTENT_LENGTH=MAX_BODY_BYTES)
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.extensions["ledger"] = ledger if ledger is not None else build_ledger(settings)
    csrf = CSRFProtect(app)
    register_api(app)
    for blueprint in BLUEPRINTS:
        csrf.exempt(blueprint)
    app.register_blueprint(ui)
    install_filters(app)
    install_response_headers(app)
    app.register_error_handler(Exception, render_problem)
    app.teardown_appcontext(close_read_connection)
    return app


def _secret_key(settings: Settings) -> str:
    """SECRET_KEY signs sessions and CSRF tokens; every worker process must share one."""
    if settings.secret_key:
        return settings.secret_key
    log.warning(
        "SECRET_KEY is not set: using a random key for this process only. Forms will fail "
        "across restarts and across several workers; set SECRET_KEY in production."
    )
    return secrets.token_hex(32)
