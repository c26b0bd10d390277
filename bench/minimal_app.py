"""The smallest Flask application: the ceiling the `http` workload is measured against."""

from __future__ import annotations

from flask import Flask

app = Flask(__name__)


@app.get("/ping")
def ping() -> dict[str, str]:
    """A small JSON object, as `GET /api/health` returns."""
    return {"status": "ok"}
