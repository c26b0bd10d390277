"""`manage.py serve`: the development server, on a schema created (or upgraded) at start."""

from __future__ import annotations

from werkzeug.serving import run_simple

from bootstrap import Settings, build_ledger, init_db
from web.app import create_app


def serve(host: str, port: int, settings: Settings | None = None) -> None:
    """Create or upgrade the schema (harmless to repeat), then serve the UI and the API.

    werkzeug's threaded server is for one machine and a few users; production runs
    gunicorn with several workers (see the README).
    """
    settings = settings if settings is not None else Settings.from_env()
    ledger = build_ledger(settings)
    init_db(ledger.engine)
    run_simple(host, port, create_app(settings, ledger=ledger), threaded=True)
