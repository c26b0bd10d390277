"""The application factory: one Flask app serving the JSON API and the clerk's UI."""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Mapping

from flask import Flask
from flask_wtf.csrf import CSRFProtect

from bootstrap import ConfigurationError, Ledger, Settings, build_ledger
from web.api import register_api
from web.body_limit import install_body_limit
from web.errors import render_problem
from web.headers import install_response_headers
from web.json_provider import JsonProvider
from web.ledger import READ_CONNECTIONS, give_back_read_connection
from web.read_connections import ReadConnections
from web.sessions import CookieSessions
from web.ui import ui
from web.ui.filters import install_filters

log = logging.getLogger(__name__)

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"", "0", "false", "no", "off"})


def create_app(
    settings: Settings | None = None,
    ledger: Ledger | None = None,
    *,
    secure_cookies: bool | None = None,
) -> Flask:
    """Build the app from `settings` (the environment when None) and, optionally, a ready ledger.

    The session cookie (it carries the forms' CSRF secret) is HttpOnly and SameSite=Lax.
    `secure_cookies` adds `Secure`, so that browsers send it over HTTPS only; when None it
    comes from SESSION_COOKIE_SECURE (`true`/`false`, default false, because `serve` speaks
    plain HTTP). Behind TLS set SESSION_COOKIE_SECURE=true, or start gunicorn with
    `'web:create_app(secure_cookies=True)'`.
    """
    if settings is None:
        settings = ledger.settings if ledger is not None else Settings.from_env()
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=_secret_key(settings),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=(
            _secure_cookies_from_env() if secure_cookies is None else secure_cookies
        ),
        WTF_CSRF_CHECK_DEFAULT=False,  # the UI's forms only: see `_protect_forms`
    )
    app.json = JsonProvider(app)
    app.session_interface = CookieSessions()
    ledger = ledger if ledger is not None else build_ledger(settings)
    app.extensions["ledger"] = ledger
    app.extensions[READ_CONNECTIONS] = ReadConnections(ledger.engine)
    register_api(app)
    app.register_blueprint(ui)
    _protect_forms(app, CSRFProtect(app))
    install_body_limit(app)
    install_filters(app)
    install_response_headers(app)
    app.register_error_handler(Exception, render_problem)
    app.teardown_appcontext(give_back_read_connection)
    return app


def _protect_forms(app: Flask, csrf: CSRFProtect) -> None:
    """Check the CSRF token on the UI's requests, and on no other.

    API clients send no cookie for a forged request to ride on. Flask-WTF's default hook
    ran on every request and looked up its exemptions before the method: 3.4 µs per GET.
    Registered in the app, under the blueprint's name, so that the shared `ui` object
    gains no hook per app built.
    """
    app.before_request_funcs.setdefault(ui.name, []).append(csrf.protect)


def _secret_key(settings: Settings) -> str:
    """SECRET_KEY signs sessions and CSRF tokens; every worker process must share one."""
    if settings.secret_key:
        return settings.secret_key
    log.warning(
        "SECRET_KEY is not set: using a random key for this process only. Forms will fail "
        "across restarts and across several workers; set SECRET_KEY in production."
    )
    return secrets.token_hex(32)


def _secure_cookies_from_env(environ: Mapping[str, str] = os.environ) -> bool:
    """SESSION_COOKIE_SECURE as a yes or no; anything else stops the start, loudly."""
    raw = environ.get("SESSION_COOKIE_SECURE", "").strip().lower()
    if raw in TRUE_WORDS:
        return True
    if raw in FALSE_WORDS:
        return False
    raise ConfigurationError(f"SESSION_COOKIE_SECURE must be true or false, not {raw!r}")
