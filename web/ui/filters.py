"""Jinja filters for the UI: money with thousands separators, times in UTC."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from flask import Flask

from commands.inputs import CENT


def money(amount: Decimal) -> str:
    """`1,300.00`, `-20.50`: grouped for reading, never rounded beyond the cent."""
    return f"{amount.quantize(CENT):,.2f}"


def when(moment: datetime | None) -> str:
    """A time as a clerk reads it: `2026-11-26 19:53:17 UTC`."""
    if moment is None:
        return "—"
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def install_filters(app: Flask) -> None:
    """Make the filters available to every template."""
    app.add_template_filter(money)
    app.add_template_filter(when)
