"""The UI blueprint, on its own so that page and action modules can share it."""

from __future__ import annotations

from flask import Blueprint

ui = Blueprint("ui", __name__)
