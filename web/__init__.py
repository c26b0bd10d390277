"""The web layer: the JSON API and the clerk's UI over the ledger's commands and queries."""

from __future__ import annotations

from web.app import create_app

__all__ = ["create_app"]
