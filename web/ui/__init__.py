"""The clerk's UI: server-rendered pages and forms over the same commands and queries as the API."""

from __future__ import annotations

from web.ui import actions, docs, pages
from web.ui.blueprint import ui

__all__ = ["actions", "docs", "pages", "ui"]
