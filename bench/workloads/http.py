"""`http`: the application under gunicorn (2 workers), loaded by wrk on a read and a write.

The minimal Flask handler is loaded in the same run, before and after the application,
so that the ratios the targets name are read within one run: this machine's speed drifts
by half from one run to the next (BENCHMARKS.md).
"""

from __future__ import annotations

import os
from decimal import Decimal

from bench.harness import Report, fresh_database
from bench.http_load import gunicorn, wrk
from bootstrap import Settings, build_ledger, init_db
from commands.messages import OpenAccount

ACCOUNTS = 100

_PICK = f"""
math.randomseed(os.time())
local function account()
  return string.format("/api/accounts/http-%03d", math.random(0, {ACCOUNTS - 1}))
end
"""
GET_ACCOUNT = _PICK + "request = function() return wrk.format('GET', account()) end\n"
POST_DEPOSIT = (
    _PICK
    + """
wrk.headers["Content-Type"] = "application/json"
request = function()
  return wrk.format("POST", account() .. "/deposits", nil, '{"amount": "1.00"}')
end
"""
)


def minimal_flask() -> dict[str, float]:
    """wrk's figures for the minimal handler, under the same gunicorn options as the app."""
    with gunicorn("bench.minimal_app:app", "/ping") as base:
        return wrk(base + "/ping")


def run(db: str) -> Report:
    """Requests per second and latency of GET account and POST deposit, and their ratios."""
    with fresh_database(db) as url:
        ledger = build_ledger(Settings(database_url=url))
        init_db(ledger.engine)
        for n in range(ACCOUNTS):
            ledger.bus.execute(OpenAccount(f"owner-{n}", Decimal("100.00"), "EUR", f"http-{n:03d}"))
        ledger.engine.dispose()
        env = {"DATABASE_URL": url, "SECRET_KEY": os.environ.get("SECRET_KEY", "bench")}
        before = minimal_flask()
        figures: dict[str, float] = {}
        with gunicorn("web:create_app()", "/api/health", env) as base:
            for name, script in (("GET account", GET_ACCOUNT), ("POST deposit", POST_DEPOSIT)):
                for key, value in wrk(base + "/", script).items():
                    figures[f"{name}: {key}"] = value
        after = minimal_flask()
    ceiling = (before["requests/s"] + after["requests/s"]) / 2
    figures["minimal Flask GET: requests/s (before)"] = before["requests/s"]
    figures["minimal Flask GET: requests/s (after)"] = after["requests/s"]
    figures["minimal Flask GET: p99 ms"] = max(before["p99 ms"], after["p99 ms"])
    for name in ("GET account", "POST deposit"):
        figures[f"{name}: % of minimal"] = 100 * figures[f"{name}: requests/s"] / ceiling
    return Report("http", db, figures)
